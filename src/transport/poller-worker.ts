/**
 * Poller worker: waits (edge-triggered epoll, epoll.ts) on the ZMQ_FD of every watched socket plus an inproc
 * PAIR control socket, and tells the main thread which watched sockets signalled. It never touches the watched
 * sockets themselves (they belong to the main thread); it only watches their notification fds.
 *
 * Protocol (see poller.ts): workerData = { ctx, control, poller, signal }.
 *   control PAIR → worker: JSON `[[id, fd], …]` (the full watch set) or `quit`.
 *   worker → main: `signal(poller, id)` for each watched socket that signalled (a thread-safe FFI callback of the main
 *   thread: it queues the call on the main thread's event loop, cheaper than postMessage, which per wake-up cost
 *   about 10 µs more CPU); messages { kind: "ready" } once connected and { kind: "stopped" } at the end.
 * Edge-triggered: a wake-up is posted once per signal, and a signal that comes while the main thread is still
 * busy with the previous one is a new edge, so nothing is lost and nothing spins.
 *
 * This file is an entrypoint of the executable build; keep its path stable.
 */
import { parentPort, workerData } from "node:worker_threads";
import { CFunction, FFIType, type Pointer } from "bun:ffi";
import { Epoll } from "./epoll.ts";
import { Opt, SocketType, check, cstr, getInt, newSocket, recvFrame, setInt, zmq } from "./libzmq.ts";

export type WorkerMessage = { kind: "ready" } | { kind: "stopped" } | { kind: "failed"; message: string };

interface Data {
  ctx: number;
  control: string;
  /** this poller's number, passed back with every signal */
  poller: number;
  /** address of the main thread's thread-safe `(poller: i32, id: i32) => void` callback */
  signal: number;
}

const { ctx, control, poller, signal } = workerData as Data;
const post = (m: WorkerMessage) => parentPort!.postMessage(m);
const signalCall = CFunction({ ptr: signal as Pointer, args: [FFIType.i32, FFIType.i32], returns: FFIType.void });

function run(): void {
  const pair = newSocket(ctx as Pointer, SocketType.PAIR);
  const epoll = Epoll.open();
  try {
    setInt(pair, Opt.LINGER, 0);
    check(zmq.zmq_connect(pair, cstr(control)), "connect control");
    const controlFd = getInt(pair, Opt.FD);
    epoll.add(controlFd);
    post({ kind: "ready" });
    loop(pair, controlFd, epoll);
  } finally {
    epoll.close();
    zmq.zmq_close(pair);
  }
}

function loop(pair: Pointer, controlFd: number, epoll: Epoll): void {
  let watched = new Map<number, number[]>(); // fd → watch ids (normally one)
  // libzmq signals only a pipe its reader has seen empty: drain the control socket once before waiting.
  let ready = [controlFd];
  for (;;) {
    if (ready.includes(controlFd)) {
      // Edge-triggered: read until empty (which also resets the control socket's ZMQ_FD).
      for (let f = recvFrame(pair); f !== null; f = recvFrame(pair)) {
        const text = new TextDecoder().decode(f.data);
        if (text === "quit") return;
        const next = new Map<number, number[]>();
        for (const [id, fd] of JSON.parse(text) as [number, number][]) next.set(fd, [...(next.get(fd) ?? []), id]);
        // An fd whose ids changed is registered anew: its number may now belong to another socket's eventfd
        // (the kernel dropped the closed one's registration), which epoll would otherwise never report.
        const same = (fd: number) => watched.get(fd)?.join() === next.get(fd)?.join();
        for (const fd of watched.keys()) if (!same(fd)) epoll.remove(fd);
        for (const fd of next.keys()) if (!same(fd) && !epoll.add(fd)) next.delete(fd);
        watched = next;
      }
    }
    for (const fd of ready) for (const id of fd === controlFd ? [] : (watched.get(fd) ?? [])) signalCall(poller, id);
    ready = epoll.wait(-1);
  }
}

try {
  run();
  post({ kind: "stopped" });
} catch (e) {
  post({ kind: "failed", message: e instanceof Error ? e.message : String(e) });
}
