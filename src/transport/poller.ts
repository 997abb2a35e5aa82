/**
 * The process-wide poller: one Worker (poller-worker.ts) waits (edge-triggered epoll) on the ZMQ_FD of every
 * watched socket and calls a thread-safe FFI callback per signalled one; the main thread runs the sockets'
 * callbacks.
 *
 *   const unwatch = poller.watch(fd, onReadable);   // onReadable(): read ZMQ_EVENTS, drain, …
 *   unwatch();                                      // before closing the socket
 *
 * ZMQ_FD is edge-triggered: a callback MUST read ZMQ_EVENTS (which resets the fd) and drain everything that is
 * ready; after every send/recv done outside a callback the owner must re-check ZMQ_EVENTS itself, because
 * the fd may not signal again. Callbacks may be spurious. A throwing callback is logged and ignored.
 *
 * The worker is referenced (keeps the process alive) only while something is watched.
 */
import { FFIType, JSCallback, type Pointer } from "bun:ffi";
import { Worker } from "node:worker_threads";
import { logger } from "../base/log.ts";
import { workerUrl } from "../base/worker-url.ts";
import { Opt, SocketType, check, cstr, newSocket, sendFrame, setInt, zmq } from "./libzmq.ts";
import type { WorkerMessage } from "./poller-worker.ts";
import { TransportError } from "./errors.ts";

const log = logger("wire");

let instances = 0;
const pollers = new Map<number, Poller>();
let signalCallback: JSCallback | undefined;

/**
 * The worker's way to this thread: a thread-safe FFI callback `(poller, id)`, queued onto the main thread's event
 * loop. One for the process, never closed: a call still queued when a poller stops must find a live function
 * (it then finds no poller and does nothing).
 */
function signalAddress(): number {
  signalCallback ??= new JSCallback((poller: number, id: number) => pollers.get(poller)?.dispatch(id), {
    args: [FFIType.i32, FFIType.i32],
    returns: FFIType.void,
    threadsafe: true,
  });
  return Number(signalCallback.ptr);
}

export class Poller {
  readonly #worker: Worker;
  readonly #control: Pointer;
  readonly #instance: number;
  readonly #watched = new Map<number, { fd: number; onReadable: () => void }>();
  #nextId = 1;
  #ready = false;
  #dirty = false;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #started: Promise<void>;
  #stopped: Promise<void>;
  #stopping = false;

  constructor(ctx: Pointer) {
    const instance = ++instances;
    const control = `inproc://bunmark-poller-${process.pid}-${instance}`;
    const sock = newSocket(ctx, SocketType.PAIR);
    this.#control = sock;
    setInt(sock, Opt.LINGER, 0);
    check(zmq.zmq_bind(sock, cstr(control)), "bind poller control");
    this.#instance = instance;
    pollers.set(instance, this);
    this.#worker = new Worker(workerUrl("transport/poller-worker.ts"), {
      workerData: { ctx: Number(ctx), control, poller: instance, signal: signalAddress() },
    });
    this.#worker.unref();
    let started = () => {};
    this.#started = new Promise((resolve) => (started = resolve));
    this.#stopped = new Promise((resolve) => {
      this.#worker.on("message", (m: WorkerMessage) => {
        if (m.kind === "ready") {
          this.#ready = true;
          started();
          this.#publish();
        } else {
          if (m.kind === "failed") log.error("poller worker failed", { error: m.message });
          resolve();
        }
      });
      this.#worker.on("error", (e) => {
        log.error("poller worker error", { error: e });
        resolve();
      });
      this.#worker.on("exit", () => resolve());
    });
  }

  /** Calls `onReadable` (on the main thread) whenever `fd` (a socket's ZMQ_FD) becomes readable. */
  watch(fd: number, onReadable: () => void): () => void {
    if (this.#stopping) throw new TransportError({ code: "POLLER_STOPPED" }, "poller: stopped");
    const id = this.#nextId++;
    this.#watched.set(id, { fd, onReadable });
    if (this.#watched.size === 1) this.#worker.ref();
    this.#publish();
    return () => {
      if (!this.#watched.delete(id)) return;
      if (this.#watched.size === 0) this.#worker.unref();
      this.#publish();
    };
  }

  /** Stops the worker and closes the control socket; the context can be terminated afterwards. */
  async stop(): Promise<void> {
    if (!this.#stopping) {
      this.#stopping = true;
      clearTimeout(this.#retry);
      this.#watched.clear();
      this.#worker.ref();
      // The worker owns a socket of the context: it must close it itself, so wait until it is listening.
      await Promise.race([this.#started, this.#stopped]);
      while (this.#ready && !this.#send("quit")) await Bun.sleep(1);
      await this.#stopped;
      zmq.zmq_close(this.#control);
      pollers.delete(this.#instance);
    }
    await this.#stopped;
  }

  /** Runs the callback of watch `id` (called through the worker's signal). */
  dispatch(id: number): void {
    const w = this.#watched.get(id);
    if (!w) return;
    try {
      w.onReadable();
    } catch (e) {
      log.error("socket callback failed", { error: e });
    }
  }

  /** Sends the whole watch set; a full control queue (worker busy) is retried shortly. */
  #publish(): void {
    this.#dirty = true;
    if (!this.#ready || this.#stopping || this.#retry) return;
    const set = [...this.#watched.entries()].map(([id, w]) => [id, w.fd]);
    if (this.#send(JSON.stringify(set))) this.#dirty = false;
    else
      this.#retry = setTimeout(() => {
        this.#retry = undefined;
        if (this.#dirty) this.#publish();
      }, 1);
  }

  #send(text: string): boolean {
    return sendFrame(this.#control, new TextEncoder().encode(text), false);
  }
}
