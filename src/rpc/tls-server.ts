/**
 * The client RPC port: TLS on every `client_rpc.listen` address, a Go jsonrpc stream per connection (rpc.md §3.1,
 * §4). bitmarkd 8.2: rpc/setup.go `initialiseRPC`, rpc/server.go `Callback`, vendored listener (accept, limiter),
 * Go net/rpc `ServeCodec`.
 *
 * Per connection: bytes → JsonStreamSplitter → dispatch → reply lines, written in the order calls finish
 * (synchronous calls in request order, asynchronous ones when they resolve). Replies made in one tick go out in
 * one write. At end of stream or after a framing error no more requests are read; running calls finish, their
 * replies are written, then the connection is closed (as ServeCodec waits for its calls).
 *
 * Deviations (rpc.md §9, all bunmark limits): a per-IP connection limit; TLS handshake and idle timeouts; a
 * request longer than `maximum_request_size` closes the connection; while more than `maximum_reply_backlog`
 * bytes of replies wait for a client that does not read, or 256 of its calls are running, its requests are not
 * read (the socket is paused); a listen address that cannot be bound is logged and skipped as in 8.2, but
 * start-up fails if none can be bound.
 */
import type { Socket, TCPSocketListener, TCPSocketListenOptions } from "bun";
import { logger } from "../base/log.ts";
import type { ClientRpcConfig } from "./config.ts";
import { splitListen } from "./config.ts";
import type { Dispatch } from "./dispatch.ts";
import { JsonStreamSplitter } from "./json-stream.ts";
import { ConnectionCounter, expiry, sweepInterval, type ConnectionClock, type TimeoutPolicy } from "./limits.ts";
import type { RpcStats } from "./stats.ts";
import { RpcServiceError } from "./errors.ts";

const log = logger("rpc");

/** Calls of one connection running at once; beyond it its requests are not read until one finishes. */
const MAXIMUM_RUNNING_CALLS = 256;

/** Bun's TCP sockets can pause reading; the method is not in bun-types yet. */
type Pausable = { pause(): boolean; resume(): boolean };

interface Connection extends ConnectionClock {
  ip: string;
  splitter: JsonStreamSplitter;
  /** reply lines made since the last flush */
  queued: string[];
  flushScheduled: boolean;
  /** bytes the socket has not taken yet */
  unsent: Buffer | null;
  /** no more requests are read: end of stream, framing error, or closing */
  ended: boolean;
  /** paused because replies wait for a client that does not read */
  paused: boolean;
  closed: boolean;
}

export interface TlsRpcServerOptions {
  config: ClientRpcConfig;
  certificatePem: string;
  privateKeyPem: string;
  dispatch: Dispatch;
  stats: RpcStats;
  now?: () => number;
}

export class TlsRpcServer {
  readonly #listeners: TCPSocketListener<Connection>[] = [];
  readonly #connections = new Set<Socket<Connection>>();
  readonly #counter: ConnectionCounter;
  readonly #policy: TimeoutPolicy;
  readonly #sweeper: ReturnType<typeof setInterval>;
  readonly #now: () => number;
  /** bound endpoints `host:port` (`[v6]:port`) */
  readonly endpoints: string[] = [];

  constructor(readonly options: TlsRpcServerOptions) {
    const c = options.config;
    this.#now = options.now ?? Date.now;
    this.#counter = new ConnectionCounter({ total: c.maximum_connections, perIp: c.maximum_connections_per_ip });
    this.#policy = { handshakeMs: c.handshake_timeout * 1000, idleMs: c.idle_timeout * 1000 };
    for (const entry of c.listen) {
      const { host, port } = splitListen(entry)!;
      try {
        // an IPv6 literal binds IPv6 only, as Go's tcp6, so `0.0.0.0:P` and `[::]:P` can both be listed
        // (Bun supports the option; bun-types does not declare it yet)
        const listenOptions: TCPSocketListenOptions<Connection> & { ipv6Only: boolean } = {
          hostname: host === "" ? "::" : host,
          port,
          ipv6Only: host.includes(":"),
          allowHalfOpen: true,
          tls: { cert: options.certificatePem, key: options.privateKeyPem },
          socket: this.#handlers(),
        };
        const l = Bun.listen<Connection>(listenOptions);
        this.#listeners.push(l);
        this.endpoints.push(host.includes(":") ? `[${host}]:${l.port}` : `${host === "" ? "::" : host}:${l.port}`);
      } catch (e) {
        log.warn("cannot listen", { address: entry, error: (e as Error).message });
      }
    }
    if (this.#listeners.length === 0) throw new RpcServiceError({ code: "NO_LISTENER", section: "client_rpc", listen: c.listen }, `client_rpc: cannot listen on any of ${c.listen.join(", ")}`);
    this.#sweeper = setInterval(() => this.#sweep(), sweepInterval(this.#policy));
    this.#sweeper.unref();
  }

  get connections(): number {
    return this.#counter.open;
  }

  stop(): void {
    clearInterval(this.#sweeper);
    for (const l of this.#listeners) l.stop(true);
    for (const s of this.#connections) s.terminate();
  }

  #handlers() {
    const { stats, dispatch } = this.options;
    const config = this.options.config;
    return {
      open: (socket: Socket<Connection>) => {
        const ip = socket.remoteAddress;
        if (!this.#counter.tryOpen(ip)) {
          // before any TLS byte, as 8.2's limiter closes right after accept
          stats.refused++;
          socket.data = undefined as unknown as Connection;
          socket.terminate();
          return;
        }
        stats.connections++;
        const now = this.#now();
        socket.data = {
          ip,
          splitter: new JsonStreamSplitter(config.maximum_request_size),
          queued: [],
          flushScheduled: false,
          unsent: null,
          ended: false,
          paused: false,
          closed: false,
          openedAt: now,
          handshaken: false,
          lastActivity: now,
          running: 0,
        };
        this.#connections.add(socket);
        socket.setNoDelay(true);
        socket.setKeepAlive(true, 300_000);
      },
      handshake: (socket: Socket<Connection>) => {
        if (socket.data) socket.data.handshaken = true;
      },
      data: (socket: Socket<Connection>, chunk: Buffer) => {
        const c = socket.data;
        if (!c || c.ended) return;
        c.lastActivity = this.#now();
        c.splitter.push(chunk);
        this.#readRequests(socket, c, dispatch);
        this.#flush(socket, c);
      },
      drain: (socket: Socket<Connection>) => {
        const c = socket.data;
        if (!c) return;
        c.lastActivity = this.#now();
        this.#flush(socket, c);
      },
      end: (socket: Socket<Connection>) => {
        const c = socket.data;
        if (!c) return;
        // the client sent everything: answer what is buffered and what runs, then close
        this.#readRequests(socket, c, dispatch);
        c.ended = true;
        this.#flush(socket, c);
      },
      close: (socket: Socket<Connection>) => {
        const c = socket.data;
        if (!c || c.closed) return;
        c.closed = true;
        this.#connections.delete(socket);
        this.#counter.close(c.ip);
        stats.connections--;
      },
      error: (socket: Socket<Connection>, error: Error) => {
        log.debug("connection error", { ip: socket.data?.ip, error: error.message });
      },
    };
  }

  /** Runs every complete request in the buffer unless the client's replies are backed up. */
  #readRequests(socket: Socket<Connection>, c: Connection, dispatch: Dispatch): void {
    while (!c.ended) {
      if (this.#backedUp(c)) {
        if (!c.paused) {
          c.paused = true;
          (socket as unknown as Pausable).pause();
        }
        return;
      }
      const value = c.splitter.next();
      if (value === null) return;
      if (typeof value === "string") {
        this.#endStream(socket, c, value);
        return;
      }
      const reply = dispatch(value.toString("utf8"));
      if (reply === undefined) {
        this.#endStream(socket, c, "invalid request");
        return;
      }
      if (typeof reply === "string") c.queued.push(reply);
      else {
        c.running++;
        reply.then((line) => {
          c.running--;
          c.queued.push(line);
          this.#scheduleFlush(socket, c);
        });
      }
    }
  }

  /** Replies wait for the client, or too many of its calls are running: read nothing more for now. */
  #backedUp(c: Connection): boolean {
    return (c.unsent?.length ?? 0) > this.options.config.maximum_reply_backlog || c.running >= MAXIMUM_RUNNING_CALLS;
  }

  #endStream(socket: Socket<Connection>, c: Connection, why: string): void {
    log.debug("closing client connection", { ip: c.ip, why });
    c.ended = true;
    this.#closeIfDone(socket, c);
  }

  #scheduleFlush(socket: Socket<Connection>, c: Connection): void {
    if (c.flushScheduled) return;
    c.flushScheduled = true;
    queueMicrotask(() => {
      c.flushScheduled = false;
      this.#flush(socket, c);
    });
  }

  #flush(socket: Socket<Connection>, c: Connection): void {
    if (c.closed) return;
    if (c.unsent) {
      const n = socket.write(c.unsent);
      c.unsent = n < c.unsent.length ? c.unsent.subarray(Math.max(n, 0)) : null;
    }
    if (c.queued.length > 0) {
      const text = c.queued.join("");
      c.queued.length = 0;
      if (c.unsent) c.unsent = Buffer.concat([c.unsent, Buffer.from(text)]);
      else {
        const n = socket.write(text);
        const size = Buffer.byteLength(text);
        if (n < size) c.unsent = Buffer.from(text).subarray(Math.max(n, 0));
      }
    }
    if (c.paused && !this.#backedUp(c)) {
      c.paused = false;
      (socket as unknown as Pausable).resume();
      this.#readRequests(socket, c, this.options.dispatch);
      if (c.queued.length > 0) this.#scheduleFlush(socket, c);
    }
    this.#closeIfDone(socket, c);
  }

  #closeIfDone(socket: Socket<Connection>, c: Connection): void {
    if (c.ended && c.running === 0 && c.queued.length === 0 && !c.unsent && !c.closed) socket.end();
  }

  #sweep(): void {
    const now = this.#now();
    for (const socket of this.#connections) {
      const c = socket.data;
      // a client that takes no replies makes no activity either: it is closed like an idle one
      const why = expiry(c, now, this.#policy);
      if (why) {
        log.debug("closing client connection", { ip: c.ip, why });
        socket.terminate();
      }
    }
  }
}
