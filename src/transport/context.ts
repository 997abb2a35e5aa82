/**
 * The process-wide libzmq context and its poller, created on first use.
 *
 *   zmqContext(): Pointer        the context (for zmq_socket)
 *   poller(): Poller             the shared poller (poller.ts)
 *   track(closable): untrack     servers/clients register so shutdown() can close them
 *   shutdown(): Promise<void>    close every tracked object, stop the poller, zmq_ctx_term
 *
 * zmq_ctx_term blocks until every socket of the context is closed, so shutdown closes everything it knows
 * about first (sockets linger at most 100 ms) and no socket can be opened while it runs (zmqContext throws).
 * After shutdown a later call starts a fresh context.
 */
import type { Pointer } from "bun:ffi";
import { logger } from "../base/log.ts";
import { CtxOpt, Errno, check, hasCapability, newContext, version, zmq } from "./libzmq.ts";
import { Poller } from "./poller.ts";
import { TransportError } from "./errors.ts";

const log = logger("wire");

export interface Closable {
  close(): void;
}

let ctx: Pointer | null = null;
let shared: Poller | null = null;
let closing: Promise<void> | null = null;
const tracked = new Set<Closable>();

export function zmqContext(): Pointer {
  // A socket opened now would keep zmq_ctx_term waiting for ever.
  if (closing) throw new TransportError({ code: "SHUTTING_DOWN" }, "wire: shutting down");
  if (ctx === null) {
    // A BUNMARK_LIBZMQ build without CURVE would only fail at the first handshake; refuse it up front.
    if (!hasCapability("curve")) throw new TransportError({ code: "CURVE_UNSUPPORTED", version: version() }, `libzmq ${version()} has no CURVE support`);
    ctx = newContext();
    // Sockets that do not set LINGER themselves must not hold up zmq_ctx_term.
    check(zmq.zmq_ctx_set(ctx, CtxOpt.BLOCKY, 0), "zmq_ctx_set(BLOCKY)");
  }
  return ctx;
}

export function poller(): Poller {
  shared ??= new Poller(zmqContext());
  return shared;
}

export function track(c: Closable): () => void {
  tracked.add(c);
  return () => void tracked.delete(c);
}

/** Idempotent; concurrent calls share one run. */
export function shutdown(): Promise<void> {
  closing ??= terminate().finally(() => (closing = null));
  return closing;
}

async function terminate(): Promise<void> {
  for (const c of [...tracked]) {
    try {
      c.close();
    } catch (e) {
      log.error("close failed during shutdown", { error: e });
    }
  }
  tracked.clear();
  if (shared) await shared.stop();
  shared = null;
  if (ctx !== null) {
    const c = ctx;
    ctx = null;
    while (zmq.zmq_ctx_term(c) === -1 && zmq.zmq_errno() === Errno.EINTR);
  }
}
