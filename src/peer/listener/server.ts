/**
 * The peer listener on the wire (peer/listener.go): CURVE REP sockets bound to `peering.listen` (one per address
 * family, as the wire layer's ReplyServer does it), every request answered by the listener handler.
 *
 *   const listener = PeerListener.open({ listen: ["127.0.0.1:2136", "[::1]:2136"], keys, context });
 *   listener.endpoints    // bound tcp:// endpoints
 *   listener.connections  // incoming connections (ACCEPTED − DISCONNECTED)
 *   listener.close()
 *
 * See docs/wire.md §2.5, §3.
 */
import { fail } from "../../base/fault.ts";
import { logger } from "../../base/log.ts";
import type { CurveKeyPair } from "../../transport/curve.ts";
import { ReplyServer } from "../../transport/reply-server.ts";
import { handleRequest, type ListenerContext } from "./listener.ts";

const log = logger("listener");

export interface PeerListenerOptions {
  /** `a.b.c.d:port` / `[v6]:port` IP literals; an empty list is `invalid length` as in bitmarkd. */
  listen: readonly string[];
  keys: CurveKeyPair;
  context: ListenerContext;
}

// The handler is total, so the wire layer's fallback reply should never be needed; if it is, it is an `E`.
const FALLBACK = [new TextEncoder().encode("E"), new TextEncoder().encode("initialisation failed")];

export class PeerListener {
  private constructor(private readonly server: ReplyServer) {}

  /** Binds every listen address (throws Fault / bind errors; nothing stays open on failure). */
  static open(options: PeerListenerOptions): PeerListener {
    if (options.listen.length === 0) fail("invalid length");
    const { context } = options;
    const server = ReplyServer.open({
      addresses: options.listen,
      publicKey: options.keys.publicKey,
      secretKey: options.keys.secretKey,
      zapDomain: "listen",
      fallbackReply: FALLBACK,
      handler: (frames) => handleRequest(context, frames),
    });
    log.info("listening", { endpoints: server.endpoints.join(","), chain: context.chain });
    return new PeerListener(server);
  }

  get endpoints(): readonly string[] {
    return this.server.endpoints;
  }

  get connections(): number {
    return this.server.connections;
  }

  close(): void {
    this.server.close();
    log.info("stopped");
  }
}
