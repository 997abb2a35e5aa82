/**
 * Linux epoll through bun:ffi, for the poller worker: edge-triggered readiness of raw fds (libzmq's ZMQ_FD).
 *
 *   const ep = Epoll.open();  ep.add(fd);  ep.remove(fd);
 *   ep.wait(-1) → the fds that signalled since the last wait ([] when a signal interrupted it)
 *   ep.close()
 *
 * Edge-triggered is what ZMQ_FD is made for: every command libzmq queues for a sleeping socket writes its
 * eventfd, which is a new edge, so the waiter never spins on an fd its owner has not read yet and needs no
 * acknowledgement from the owner (the level-triggered zmq_poll needed one per wake-up).
 */
import { dlopen, FFIType, read, type Pointer } from "bun:ffi";
import { TransportError } from "./errors.ts";

const EPOLLIN = 0x001;
const EPOLLET = 0x80000000;
const EPOLL_CTL_ADD = 1;
const EPOLL_CTL_DEL = 2;
const EPOLL_CLOEXEC = 0o2000000;
const EINTR = 4;
const EBADF = 9;
const MAX_EVENTS = 64;
// struct epoll_event { uint32_t events; epoll_data_t data; } is packed on x86-64 only.
const EVENT_SIZE = process.arch === "x64" ? 12 : 16;
const DATA_OFFSET = process.arch === "x64" ? 4 : 8;

const SYMBOLS = {
  epoll_create1: { args: [FFIType.i32], returns: FFIType.i32 },
  epoll_ctl: { args: [FFIType.i32, FFIType.i32, FFIType.i32, FFIType.ptr], returns: FFIType.i32 },
  epoll_wait: { args: [FFIType.i32, FFIType.ptr, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
  close: { args: [FFIType.i32], returns: FFIType.i32 },
  __errno_location: { args: [], returns: FFIType.ptr },
} as const;

/** The C library: glibc, or musl under its Alpine names. */
function libc() {
  const names = ["libc.so.6", `libc.musl-${process.arch === "x64" ? "x86_64" : "aarch64"}.so.1`, "libc.so"];
  for (const name of names) {
    try {
      return dlopen(name, SYMBOLS).symbols;
    } catch {
      // next name
    }
  }
  throw new TransportError({ code: "EPOLL", call: "dlopen", errno: 0 }, `epoll: cannot load the C library (${names.join(", ")})`);
}

const c = libc();
const errno = () => read.i32(c.__errno_location() as Pointer, 0);

export class Epoll {
  readonly #events = new Uint8Array(EVENT_SIZE * MAX_EVENTS);
  readonly #view = new DataView(this.#events.buffer);
  readonly #one = new Uint8Array(EVENT_SIZE);

  private constructor(readonly fd: number) {}

  static open(): Epoll {
    const fd = c.epoll_create1(EPOLL_CLOEXEC);
    if (fd < 0) {
      const e = errno();
      throw new TransportError({ code: "EPOLL", call: "epoll_create1", errno: e }, `epoll_create1: errno ${e}`);
    }
    return new Epoll(fd);
  }

  /**
   * Watches `fd` for readability (edge-triggered); an fd already readable signals once. False when the fd is
   * already closed (its socket was closed before the watch set reached us).
   */
  add(fd: number): boolean {
    const v = new DataView(this.#one.buffer);
    v.setUint32(0, (EPOLLIN | EPOLLET) >>> 0, true);
    v.setInt32(DATA_OFFSET, fd, true);
    if (c.epoll_ctl(this.fd, EPOLL_CTL_ADD, fd, this.#one) === 0) return true;
    const e = errno();
    if (e === EBADF) return false;
    throw new TransportError({ code: "EPOLL", call: "epoll_ctl", errno: e }, `epoll_ctl(ADD ${fd}): errno ${e}`);
  }

  /** Stops watching `fd`; an fd already closed (so already dropped by the kernel) is fine. */
  remove(fd: number): void {
    c.epoll_ctl(this.fd, EPOLL_CTL_DEL, fd, null);
  }

  /** Blocks up to `timeoutMs` (-1: for ever); the fds that signalled, [] when interrupted (EINTR). */
  wait(timeoutMs: number): number[] {
    const n = c.epoll_wait(this.fd, this.#events, MAX_EVENTS, timeoutMs);
    if (n < 0) {
      const e = errno();
      if (e === EINTR) return [];
      throw new TransportError({ code: "EPOLL", call: "epoll_wait", errno: e }, `epoll_wait: errno ${e}`);
    }
    const fds: number[] = [];
    for (let i = 0; i < n; i++) fds.push(this.#view.getInt32(EVENT_SIZE * i + DATA_OFFSET, true));
    return fds;
  }

  close(): void {
    c.close(this.fd);
  }
}
