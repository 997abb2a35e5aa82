/**
 * The transport's typed errors (base/errors.ts pattern) for failures an operator meets at start-up (no usable
 * libzmq, no CURVE, no epoll) or a caller may branch on (shutdown, a bad Z85 key text, a cut multipart message,
 * a key of the wrong length).
 * Messages are written out where they name the libzmq or system call; ZmqError (libzmq.ts) carries libzmq's own
 * text, RequestTimeoutError (request-client.ts) bitmarkd's.
 */
import { BunmarkError } from "../base/errors.ts";

export class TransportError extends BunmarkError<
  | { code: "LIBZMQ_UNAVAILABLE"; target: string }
  | { code: "CURVE_UNSUPPORTED"; version: string }
  | { code: "EPOLL"; call: string; errno: number }
  | { code: "SHUTTING_DOWN" }
  | { code: "POLLER_STOPPED" }
  | { code: "MULTIPART_CUT_SHORT"; direction: "send" | "recv" }
  | { code: "Z85_INVALID" }
  /** A caller passed a CURVE key that is not 32 bytes, or a server key to a plain client. */
  | { code: "KEY_LENGTH"; owner: "publisher" | "listener" | "client" | "curve"; key: "keys" | "secret key" | "server key" }
  | { code: "SERVER_KEY_UNEXPECTED" }
> {}
