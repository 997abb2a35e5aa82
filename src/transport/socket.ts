/**
 * A libzmq socket owned by the main thread, plus the options bitmarkd sets (zmqutil, docs/wire.md §2.3).
 *
 *   const s = new Socket(SocketType.REP);  s.setInt(Opt.LINGER, 100);  s.bind("tcp://127.0.0.1:*");
 *   s.recvMessage()  → frames | null (nothing queued)      never blocks
 *   s.sendMessage(frames) → false when libzmq cannot take it now (EAGAIN on the first frame)
 *   s.events()       → POLLIN | POLLOUT bits (also resets the edge-triggered ZMQ_FD)
 *   s.watch(cb)      → calls cb from the poller when the socket may have work; returns unwatch
 *   s.close()        idempotent; unwatches first. Every socket is tracked by the context until closed.
 */
import type { Pointer } from "bun:ffi";
import { logger } from "../base/log.ts";
import { poller, track, zmqContext } from "./context.ts";
import { Opt, check, cstr, events, getInt, newSocket, recvFrame, sendFrame, setBytes, setInt, setInt64, zmq } from "./libzmq.ts";
import { TransportError } from "./errors.ts";

const log = logger("wire");

/** bitmarkd's limits (zmqutil/socket.go, client.go). */
const LINGER_MS = 100;
const MAX_MESSAGE_SIZE = 5_000_000;
const KEEPALIVE_COUNT = 5;
const KEEPALIVE_IDLE_S = 60;
const KEEPALIVE_INTERVAL_S = 60;

export class Socket {
  readonly handle: Pointer;
  readonly fd: number;
  #closed = false;
  #unwatch: (() => void) | undefined;
  readonly #untrack: () => void;

  /** A new socket with LINGER 100 ms (bitmarkd's value for every socket). */
  constructor(type: number) {
    const h = newSocket(zmqContext(), type);
    this.handle = h;
    this.fd = getInt(h, Opt.FD);
    setInt(h, Opt.LINGER, LINGER_MS);
    this.#untrack = track(this);
  }

  get closed(): boolean {
    return this.#closed;
  }

  setInt(option: number, value: number): void {
    setInt(this.handle, option, value);
  }

  setInt64(option: number, value: number): void {
    setInt64(this.handle, option, value);
  }

  setBytes(option: number, value: Uint8Array | string): void {
    setBytes(this.handle, option, value);
  }

  /** TCP keep-alive 1 / 5 probes / 60 s idle / 60 s interval and MAXMSGSIZE 5 000 000, as bitmarkd sets. */
  setKeepAliveAndLimit(): void {
    this.setInt(Opt.TCP_KEEPALIVE, 1);
    this.setInt(Opt.TCP_KEEPALIVE_CNT, KEEPALIVE_COUNT);
    this.setInt(Opt.TCP_KEEPALIVE_IDLE, KEEPALIVE_IDLE_S);
    this.setInt(Opt.TCP_KEEPALIVE_INTVL, KEEPALIVE_INTERVAL_S);
    this.setInt64(Opt.MAXMSGSIZE, MAX_MESSAGE_SIZE);
  }

  bind(endpoint: string): void {
    check(zmq.zmq_bind(this.handle, cstr(endpoint)), `bind ${endpoint}`);
  }

  connect(endpoint: string): void {
    check(zmq.zmq_connect(this.handle, cstr(endpoint)), `connect ${endpoint}`);
  }

  /** The endpoint actually bound last (resolves a `*` port). */
  lastEndpoint(): string {
    const buf = new Uint8Array(256);
    const len = new BigUint64Array([256n]);
    check(zmq.zmq_getsockopt(this.handle, Opt.LAST_ENDPOINT, buf, len), "getsockopt(LAST_ENDPOINT)");
    return new TextDecoder().decode(buf.subarray(0, Math.max(0, Number(len[0]) - 1)));
  }

  events(): number {
    return events(this.handle);
  }

  /** One whole multipart message, or null when none is queued. */
  recvMessage(): Uint8Array[] | null {
    const first = recvFrame(this.handle);
    if (first === null) return null;
    const frames = [first.data];
    // libzmq delivers multipart messages atomically: once the first frame is here, the rest is too.
    for (let more = first.more; more; ) {
      const next = recvFrame(this.handle);
      if (next === null) throw new TransportError({ code: "MULTIPART_CUT_SHORT", direction: "recv" }, "recv: multipart message cut short");
      frames.push(next.data);
      more = next.more;
    }
    return frames;
  }

  /** Queues a multipart message; false (nothing queued) when the first frame cannot be taken now. */
  sendMessage(frames: readonly Uint8Array[]): boolean {
    const last = frames.length - 1;
    for (const [i, frame] of frames.entries()) {
      if (!sendFrame(this.handle, frame, i < last)) {
        // After the first frame libzmq always accepts the rest of the message (HWM counts whole messages).
        if (i === 0) return false;
        throw new TransportError({ code: "MULTIPART_CUT_SHORT", direction: "send" }, "send: multipart message cut short");
      }
    }
    return true;
  }

  /**
   * Calls `onReadable` whenever the socket may have work, and once right away: libzmq only signals a pipe
   * whose reader has seen it empty, so the owner must drain once before relying on ZMQ_FD.
   */
  watch(onReadable: () => void): void {
    this.#unwatch?.();
    const unwatch = poller().watch(this.fd, onReadable);
    this.#unwatch = unwatch;
    queueMicrotask(() => {
      if (this.#unwatch !== unwatch) return;
      try {
        onReadable();
      } catch (e) {
        log.error("socket callback failed", { error: e });
      }
    });
  }

  /** Idempotent. Unsent messages linger for the socket's LINGER. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unwatch?.();
    this.#unwatch = undefined;
    this.#untrack();
    zmq.zmq_close(this.handle);
  }
}
