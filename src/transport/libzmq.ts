/**
 * libzmq through bun:ffi: the symbols we call, the constants we need (zmq.h 4.3) and small typed helpers.
 *
 * Everything here is synchronous and thread-agnostic; it is loaded both by the main thread and by the poller
 * worker (each thread gets its own symbol table for the same shared object). Sockets are plain pointers
 * (`Pointer`); a socket must only ever be used by one thread at a time.
 *
 * Errors: a failing call throws `ZmqError` (errno + libzmq's text); EAGAIN/EINTR are reported to callers that
 * handle them (`sendFrame`, `recvFrame` return `false`/`null` on EAGAIN and retry EINTR themselves).
 */
import { dlopen, FFIType, read, toArrayBuffer, type Pointer } from "bun:ffi";
import { libzmqPath } from "./libzmq-path.ts";
import { at } from "../base/at.ts";
import { BunmarkError } from "../base/errors.ts";

// size_t is u64: only 64-bit targets are supported (x64, arm64).
const P = FFIType.ptr;
const i32 = FFIType.i32;
const u64 = FFIType.u64;
const cstring = FFIType.cstring;
const VOID = FFIType.void;

const lib = dlopen(libzmqPath(), {
  zmq_version: { args: [P, P, P], returns: VOID },
  zmq_errno: { args: [], returns: i32 },
  zmq_strerror: { args: [i32], returns: cstring },
  zmq_has: { args: [P], returns: i32 },
  zmq_ctx_new: { args: [], returns: P },
  zmq_ctx_set: { args: [P, i32, i32], returns: i32 },
  zmq_ctx_term: { args: [P], returns: i32 },
  zmq_socket: { args: [P, i32], returns: P },
  zmq_close: { args: [P], returns: i32 },
  zmq_setsockopt: { args: [P, i32, P, u64], returns: i32 },
  zmq_getsockopt: { args: [P, i32, P, P], returns: i32 },
  zmq_bind: { args: [P, P], returns: i32 },
  zmq_connect: { args: [P, P], returns: i32 },
  zmq_socket_monitor: { args: [P, P, i32], returns: i32 },
  zmq_send: { args: [P, P, u64, i32], returns: i32 },
  zmq_msg_init: { args: [P], returns: i32 },
  zmq_msg_recv: { args: [P, P, i32], returns: i32 },
  zmq_msg_data: { args: [P], returns: P },
  zmq_msg_more: { args: [P], returns: i32 },
  zmq_msg_close: { args: [P], returns: i32 },
  zmq_curve_keypair: { args: [P, P], returns: i32 },
  zmq_curve_public: { args: [P, P], returns: i32 },
});

/** Raw symbol table, for the few callers (poller worker, curve helpers) that need more than the helpers. */
export const zmq = lib.symbols;

export const SocketType = { PAIR: 0, PUB: 1, SUB: 2, REQ: 3, REP: 4 } as const;

export const Opt = {
  IDENTITY: 5,
  SUBSCRIBE: 6,
  FD: 14,
  EVENTS: 15,
  LINGER: 17,
  MAXMSGSIZE: 22, // int64
  RCVTIMEO: 27,
  SNDTIMEO: 28,
  LAST_ENDPOINT: 32,
  TCP_KEEPALIVE: 34,
  TCP_KEEPALIVE_CNT: 35,
  TCP_KEEPALIVE_IDLE: 36,
  TCP_KEEPALIVE_INTVL: 37,
  IMMEDIATE: 39,
  IPV6: 42,
  CURVE_SERVER: 47,
  CURVE_PUBLICKEY: 48,
  CURVE_SECRETKEY: 49,
  CURVE_SERVERKEY: 50,
  REQ_CORRELATE: 52,
  REQ_RELAXED: 53,
  ZAP_DOMAIN: 55,
} as const;

export const CtxOpt = { BLOCKY: 70 } as const;

export const DONTWAIT = 1;
export const SNDMORE = 2;
export const POLLIN = 1;
export const POLLOUT = 2;

export const Errno = {
  EINTR: 4,
  EAGAIN: 11,
  ETERM: 156384765,
} as const;

/** Monitor event bits (zmq_socket_monitor, version 1 event frames). */
export const MonitorEvent = { CONNECTED: 0x0001, ACCEPTED: 0x0020, DISCONNECTED: 0x0200 } as const;

/** A failed libzmq call: `errno` is libzmq's (POSIX or ZMQ_HAUSNUMERO-based), the message its strerror text. */
export class ZmqError extends BunmarkError<{ code: "ZMQ"; op: string; errno: number }> {
  constructor(
    readonly op: string,
    readonly errno: number,
  ) {
    super({ code: "ZMQ", op, errno }, `${op}: ${String(zmq.zmq_strerror(errno))}`);
  }
}

/** Throws the current libzmq error for `op` when `rc` is -1. */
export function check(rc: number, op: string): number {
  if (rc === -1) throw new ZmqError(op, zmq.zmq_errno());
  return rc;
}

/** NUL-terminated copy of a string, for `const char *` arguments. */
export function cstr(s: string): Buffer {
  return Buffer.from(s + "\0", "utf8");
}

// bun:ffi types pointer returns as `Pointer | bigint | null`; pointers fit in a number on our targets.
export function newContext(): Pointer {
  const c = zmq.zmq_ctx_new() as Pointer | null;
  if (c === null) throw new ZmqError("zmq_ctx_new", zmq.zmq_errno());
  return c;
}

export function newSocket(ctx: Pointer, type: number): Pointer {
  const s = zmq.zmq_socket(ctx, type) as Pointer | null;
  if (s === null) throw new ZmqError("zmq_socket", zmq.zmq_errno());
  return s;
}

export function version(): string {
  const v = new Int32Array(3);
  zmq.zmq_version(v.subarray(0, 1), v.subarray(1, 2), v.subarray(2, 3));
  return v.join(".");
}

export function hasCapability(name: string): boolean {
  return zmq.zmq_has(cstr(name)) === 1;
}

export function setInt(socket: Pointer, option: number, value: number): void {
  const v = new Int32Array([value]);
  check(zmq.zmq_setsockopt(socket, option, v, 4), `setsockopt(${option})`);
}

export function setInt64(socket: Pointer, option: number, value: number): void {
  const v = new BigInt64Array([BigInt(value)]);
  check(zmq.zmq_setsockopt(socket, option, v, 8), `setsockopt(${option})`);
}

export function setBytes(socket: Pointer, option: number, value: Uint8Array | string): void {
  const v = typeof value === "string" ? Buffer.from(value, "utf8") : value;
  check(zmq.zmq_setsockopt(socket, option, v.length === 0 ? null : v, v.length), `setsockopt(${option})`);
}

// Reused out-parameters: the helpers are synchronous and each thread has its own module instance.
const intOut = new Int32Array(1);
const sizeOut = new BigUint64Array(1);

export function getInt(socket: Pointer, option: number): number {
  for (;;) {
    sizeOut[0] = 4n;
    if (zmq.zmq_getsockopt(socket, option, intOut, sizeOut) === 0) return at(intOut, 0);
    const errno = zmq.zmq_errno();
    if (errno !== Errno.EINTR) throw new ZmqError(`getsockopt(${option})`, errno);
  }
}

/** ZMQ_EVENTS: POLLIN/POLLOUT bits. Reading it also lets libzmq process pending commands (resets ZMQ_FD). */
export function events(socket: Pointer): number {
  return getInt(socket, Opt.EVENTS);
}

// One zmq_msg_t per thread, initialised once: zmq_msg_recv releases what it held before, so a frame costs
// three FFI calls (recv, data, more) instead of five. A big frame is released right after its copy.
const msg = new Uint8Array(64);
zmq.zmq_msg_init(msg);
const KEEP_MAX = 65_536;

// Below this size a byte loop over `read.u8` (inlined by Bun) beats wrapping the buffer in an external
// ArrayBuffer and slicing it: 0.03–0.13 µs against 0.33–0.44 µs for 1–8 bytes; at 32 bytes the loop is slower.
const SMALL_FRAME = 16;

function copyOut(p: Pointer, n: number): Uint8Array {
  if (n > SMALL_FRAME) return new Uint8Array(toArrayBuffer(p, 0, n).slice(0));
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = read.u8(p, i);
  return out;
}

/**
 * Receives one frame without blocking: the bytes and whether more frames follow, or null when nothing is
 * queued (EAGAIN). EINTR is retried; anything else throws.
 */
export function recvFrame(socket: Pointer): { data: Uint8Array; more: boolean } | null {
  for (;;) {
    const n = zmq.zmq_msg_recv(msg, socket, DONTWAIT);
    if (n >= 0) {
      // Copy out: the next receive reuses the buffer. Empty frames may carry a null pointer.
      const data = n === 0 ? new Uint8Array(0) : copyOut(zmq.zmq_msg_data(msg) as Pointer, n);
      const more = zmq.zmq_msg_more(msg) === 1;
      if (n > KEEP_MAX) {
        zmq.zmq_msg_close(msg);
        zmq.zmq_msg_init(msg);
      }
      return { data, more };
    }
    const errno = zmq.zmq_errno();
    if (errno === Errno.EAGAIN) return null;
    if (errno !== Errno.EINTR) throw new ZmqError("recv", errno);
  }
}

/**
 * Sends one frame without blocking; false when libzmq cannot take it now (EAGAIN). EINTR is retried; anything
 * else throws. libzmq copies the bytes.
 */
export function sendFrame(socket: Pointer, data: Uint8Array, more: boolean): boolean {
  const flags = DONTWAIT | (more ? SNDMORE : 0);
  for (;;) {
    if (zmq.zmq_send(socket, data.length === 0 ? null : data, data.length, flags) >= 0) return true;
    const errno = zmq.zmq_errno();
    if (errno === Errno.EAGAIN) return false;
    if (errno !== Errno.EINTR) throw new ZmqError("send", errno);
  }
}
