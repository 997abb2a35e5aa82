/**
 * CURVE REP server (bitmarkd's peer listener transport, docs/wire.md §2.2–§2.5).
 *
 *   const server = ReplyServer.open({ addresses: ["127.0.0.1:2136", "[::]:2136"], publicKey, secretKey,
 *                                      handler: (frames) => reply });
 *   server.endpoints   // bound tcp:// endpoints (port 0 → the port actually chosen)
 *   server.connections // accepted − disconnected, from the socket monitors
 *   server.close()
 *
 * One REP socket per address family (IPv6 ones are dual-stack); further addresses of a family bind on the same
 * socket; any bind error closes everything and throws. Options as bitmarkd: CURVE_SERVER, CURVE_SECRETKEY,
 * ZAP_DOMAIN "listen", IDENTITY = public key, IPV6, IMMEDIATE, LINGER 100 ms, SNDTIMEO/RCVTIMEO 120 s (inert:
 * we never block), TCP keep-alive, MAXMSGSIZE 5 000 000 (libzmq drops a peer that sends a bigger frame).
 *
 * ZAP: bitmarkd answers every ZAP request on domain "listen" with 200. We run no ZAP handler: libzmq then
 * accepts every CURVE client that completes the handshake (ZAP_ENFORCE_DOMAIN is off), which is the same
 * outcome with the same READY command on the wire, without putting the JavaScript thread into every handshake.
 *
 * Each request is answered in order (REP). A handler may return frames or a promise of frames; while a promise
 * is pending that socket takes no further request, the other family's socket keeps serving. A handler that
 * throws or rejects (or returns no frames) is logged and answered with `fallbackReply` (default: one empty
 * frame) so the socket stays usable. libzmq fair-queues between clients; we take at most BATCH requests per
 * socket per turn and then yield, so both sockets and the rest of the process interleave.
 */
import { logger } from "../base/log.ts";
import { track } from "./context.ts";
import { KEY_LENGTH } from "./curve.ts";
import { tcpEndpoint } from "./endpoint.ts";
import { Opt, POLLIN, SocketType } from "./libzmq.ts";
import { ConnectionMonitor } from "./monitor.ts";
import { Socket } from "./socket.ts";
import { TransportError } from "./errors.ts";

const log = logger("wire");

export type Frames = Uint8Array[];
export type RequestHandler = (frames: Frames) => Frames | Promise<Frames>;

export interface ReplyServerOptions {
  /** `a.b.c.d:port` / `[v6]:port`, IP literals. */
  addresses: readonly string[];
  publicKey: Uint8Array;
  secretKey: Uint8Array;
  handler: RequestHandler;
  /** ZAP domain; bitmarkd's listener uses "listen". */
  zapDomain?: string;
  /** Sent when the handler fails; default one empty frame. */
  fallbackReply?: Frames;
}

const REQUEST_TIMEOUT_MS = 120_000;
const BATCH = 32;

/** One REP socket and its serving state. */
class Endpoint {
  #busy = false;
  #scheduled = false;

  constructor(
    readonly socket: Socket,
    readonly monitor: ConnectionMonitor,
    readonly handler: RequestHandler,
    readonly fallback: Frames,
  ) {
    socket.watch(() => this.pump());
  }

  /**
   * Serves what is queued, up to BATCH requests; never throws (it runs from timers and promise callbacks too).
   * Receives until EAGAIN and only then reads ZMQ_EVENTS (which resets the edge-triggered fd), instead of
   * asking ZMQ_EVENTS before every request.
   */
  pump(): void {
    try {
      for (let n = 0; !this.#busy; ) {
        if (this.socket.closed) return;
        const request = this.socket.recvMessage();
        if (request === null) {
          // A request that arrived after the EAGAIN shows here as POLLIN; otherwise the fd will signal it.
          if (this.socket.events() & POLLIN) continue;
          return;
        }
        this.#serve(request);
        if (++n === BATCH) {
          this.#yield();
          return;
        }
      }
      // Busy with an asynchronous reply: still reset the edge-triggered fd.
      if (!this.socket.closed) this.socket.events();
    } catch (e) {
      log.error("listener socket failed", { error: e });
    }
  }

  #serve(request: Frames): void {
    let result: Frames | Promise<Frames>;
    try {
      result = this.handler(request);
    } catch (e) {
      log.error("request handler failed", { error: e });
      result = this.fallback;
    }
    if (!(result instanceof Promise)) {
      this.#reply(result);
      return;
    }
    this.#busy = true;
    result
      .catch((e: unknown) => {
        log.error("request handler failed", { error: e });
        return this.fallback;
      })
      .then((reply) => {
        this.#busy = false;
        this.#reply(reply);
        this.pump();
      });
  }

  #reply(reply: Frames): void {
    if (this.socket.closed) return;
    const frames = Array.isArray(reply) && reply.length > 0 && reply.every((f) => f instanceof Uint8Array) ? reply : this.fallback;
    if (frames !== reply) log.error("request handler returned no frames");
    try {
      // A REP reply never meets EAGAIN: libzmq drops it if the requester is gone or its queue is full.
      if (!this.socket.sendMessage(frames)) log.warn("reply dropped");
    } catch (e) {
      log.error("reply failed", { error: e });
    }
  }

  #yield(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.pump();
    });
  }

  close(): void {
    this.monitor.close();
    this.socket.close();
  }
}

export class ReplyServer {
  readonly endpoints: string[];
  readonly #sockets: Endpoint[];
  readonly #untrack: () => void;

  private constructor(sockets: Endpoint[], endpoints: string[]) {
    this.#sockets = sockets;
    this.endpoints = endpoints;
    this.#untrack = track(this);
  }

  static open(options: ReplyServerOptions): ReplyServer {
    const { addresses, publicKey, secretKey } = options;
    if (publicKey.length !== KEY_LENGTH || secretKey.length !== KEY_LENGTH) throw new TransportError({ code: "KEY_LENGTH", owner: "listener", key: "keys" }, "listener: keys must be 32 bytes");
    const parsed = addresses.map(tcpEndpoint);
    const fallback = options.fallbackReply ?? [new Uint8Array(0)];
    const families = new Map<boolean, Endpoint>();
    const endpoints: string[] = [];
    try {
      for (const { endpoint, ipv6 } of parsed) {
        let e = families.get(ipv6);
        if (!e) {
          const socket = serverSocket(SocketType.REP, publicKey, secretKey, ipv6, options.zapDomain ?? "listen");
          try {
            // The monitor goes on before the bind so no ACCEPTED event is missed.
            e = new Endpoint(socket, new ConnectionMonitor(socket), options.handler, fallback);
          } catch (err) {
            socket.close();
            throw err;
          }
          families.set(ipv6, e);
        }
        e.socket.bind(endpoint);
        endpoints.push(e.socket.lastEndpoint());
      }
    } catch (e) {
      for (const s of families.values()) s.close();
      throw e;
    }
    const sockets = [...families.values()];
    return new ReplyServer(sockets, endpoints);
  }

  /** Incoming connections currently open (monitor events), summed over the sockets. */
  get connections(): number {
    return this.#sockets.reduce((n, s) => n + s.monitor.count, 0);
  }

  close(): void {
    this.#untrack();
    for (const s of this.#sockets) s.close();
  }
}

/** A CURVE server socket of `type` with bitmarkd's NewServerSocket options (also the proofer's PUB sockets). */
export function serverSocket(type: number, publicKey: Uint8Array, secretKey: Uint8Array, ipv6: boolean, zapDomain: string): Socket {
  const s = new Socket(type);
  try {
    s.setInt(Opt.CURVE_SERVER, 1);
    s.setBytes(Opt.CURVE_SECRETKEY, secretKey);
    s.setBytes(Opt.ZAP_DOMAIN, zapDomain);
    s.setBytes(Opt.IDENTITY, publicKey);
    s.setInt(Opt.IPV6, ipv6 ? 1 : 0);
    s.setInt(Opt.IMMEDIATE, 1);
    s.setInt(Opt.SNDTIMEO, REQUEST_TIMEOUT_MS);
    s.setInt(Opt.RCVTIMEO, REQUEST_TIMEOUT_MS);
    s.setKeepAliveAndLimit();
  } catch (e) {
    s.close();
    throw e;
  }
  return s;
}
