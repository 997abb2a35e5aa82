/**
 * Poller worker: blocks in `zmq_poll` on the ZMQ_FD of every watched socket (raw-fd poll items) plus an
 * inproc PAIR control socket, and tells the main thread which watched fds became readable. It never touches
 * the watched sockets themselves (they belong to the main thread); it only watches their notification fds.
 *
 * Protocol (see poller.ts): workerData = { ctx, control, ack }.
 *   control PAIR → worker: JSON `[[id, fd], …]` (the full watch set) or `quit`.
 *   worker → main: { kind: "ready" } once connected, { kind: "fds", ids } per wake-up, { kind: "stopped" }.
 * After posting `fds` the worker waits until the main thread bumps `ack[0]`: ZMQ_FD stays readable until the
 * owner reads ZMQ_EVENTS, so polling again before that would spin.
 *
 * This file is an entrypoint of the executable build; keep its path stable.
 */
import { parentPort, workerData } from "node:worker_threads";
import { Errno, Opt, POLLIN, SocketType, check, cstr, newSocket, recvFrame, setInt, zmq } from "./libzmq.ts";
import type { Pointer } from "bun:ffi";

export type WorkerMessage = { kind: "ready" } | { kind: "fds"; ids: number[] } | { kind: "stopped" } | { kind: "failed"; message: string };

interface Data {
  ctx: number;
  control: string;
  ack: SharedArrayBuffer;
}

const ITEM = 16; // zmq_pollitem_t on 64-bit: void *socket, int fd, short events, short revents

const { ctx, control, ack: ackBuffer } = workerData as Data;
const ack = new Int32Array(ackBuffer);
const post = (m: WorkerMessage) => parentPort!.postMessage(m);

function run(): void {
  const pair = newSocket(ctx as Pointer, SocketType.PAIR);
  try {
    setInt(pair, Opt.LINGER, 0);
    check(zmq.zmq_connect(pair, cstr(control)), "connect control");
    post({ kind: "ready" });
    loop(pair);
  } finally {
    zmq.zmq_close(pair);
  }
}

function loop(pair: Pointer): void {
  let ids: number[] = [];
  let items = new Uint8Array(ITEM);
  let view = new DataView(items.buffer);
  const build = (set: [number, number][]) => {
    ids = set.map(([id]) => id);
    items = new Uint8Array(ITEM * (set.length + 1));
    view = new DataView(items.buffer);
    view.setBigUint64(0, BigInt(pair), true);
    view.setInt16(12, POLLIN, true);
    set.forEach(([, fd], i) => {
      view.setInt32(ITEM * (i + 1) + 8, fd, true);
      view.setInt16(ITEM * (i + 1) + 12, POLLIN, true);
    });
  };
  build([]);
  for (;;) {
    if (zmq.zmq_poll(items, ids.length + 1, -1) < 0) {
      const errno = zmq.zmq_errno();
      if (errno === Errno.EINTR) continue;
      throw new Error(`poller: zmq_poll: ${String(zmq.zmq_strerror(errno))}`);
    }
    // Any revents (POLLIN or POLLERR for an fd closed under us) is worth a look by the owner.
    const ready = ids.filter((_, i) => view.getInt16(ITEM * (i + 1) + 14, true) !== 0);
    if (view.getInt16(14, true) !== 0) {
      for (let f = recvFrame(pair); f !== null; f = recvFrame(pair)) {
        const text = new TextDecoder().decode(f.data);
        if (text === "quit") return;
        build(JSON.parse(text) as [number, number][]);
      }
    }
    if (ready.length > 0) {
      const seen = Atomics.load(ack, 0);
      post({ kind: "fds", ids: ready });
      Atomics.wait(ack, 0, seen);
    }
  }
}

try {
  run();
  post({ kind: "stopped" });
} catch (e) {
  post({ kind: "failed", message: e instanceof Error ? e.message : String(e) });
}
