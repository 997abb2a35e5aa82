/**
 * The HTTPS interface (rpc.md §7; bitmarkd 8.2 rpc/httphandler.go, rpc/setup.go `initialiseHTTPS`): on every
 * `https_rpc.listen` address, `POST /bitmarkd/rpc` (one JSON-RPC exchange through the same dispatch as the TLS
 * stream) and `GET /bitmarkd/details|connections|peers` behind their allow lists; everything else 404.
 * Every response carries `Content-Type: application/json` and `X-Content-Type-Options: nosniff`.
 *
 * 8.2 behaviour kept: 405 is checked before the allow list; a body that is not a request gets status 200 with
 * the 500 body; when net/rpc replies and then fails (unknown method, params missing or not an array) the 500
 * body follows the reply line; /bitmarkd/peers pages the ring after `public_key` (`count` 1..100, default 10)
 * and answers 500 on an empty ring.
 *
 * Deviations: HTTP/1.1 only (Bun.serve; 8.2's Go server also offers HTTP/2 by ALPN); the allow lists also match
 * IPv6 clients written `[::1]` (8.2 drops that form) and an IPv4-mapped client address as plain IPv4; 10 s idle
 * timeout (Go: 10 s read/write timeouts); the body is limited to `maximum_request_size` of client_rpc (8.2: none).
 * An argument that a method cannot decode gets only its error line (8.2 appends the 500 body there too: the
 * method contract does not tell decoding errors from method errors).
 */
import type { Server } from "bun";
import { logger } from "../base/log.ts";
import { ONE } from "../chain/rules/difficulty.ts";
import { goStringify } from "./go-json.ts";
import { goDuration, goTimeJson } from "./go-time.ts";
import { allowEntry, splitListen, type AllowName, type HttpsRpcConfig } from "./config.ts";
import type { NodeFacts } from "./deps.ts";
import type { Dispatch } from "./dispatch.ts";
import { JsonStreamSplitter } from "./json-stream.ts";
import type { RpcStats } from "./stats.ts";
import { RpcServiceError } from "./errors.ts";

const log = logger("https");

const HEADERS = { "Content-Type": "application/json", "X-Content-Type-Options": "nosniff" };
const MESSAGES: Record<number, string> = { 403: "forbidden", 404: "not found", 405: "method not allowed", 500: "internal server error" };
const ROUTES: Record<string, { method: string; allow?: AllowName }> = {
  "/bitmarkd/rpc": { method: "POST" },
  "/bitmarkd/details": { method: "GET", allow: "details" },
  "/bitmarkd/connections": { method: "GET", allow: "connections" },
  "/bitmarkd/peers": { method: "GET", allow: "peers" },
};
const DEFAULT_COUNT = 10;
const MAXIMUM_COUNT = 100;

export function errorBody(code: number): string {
  return `{"code":${code},"error":"${MESSAGES[code]}"}`;
}

function respond(status: number, body: string): Response {
  return new Response(body, { status, headers: HEADERS });
}

/** `/bitmarkd/peers` paging (8.2 announce.GetNext loop): entries with keys after `start`, up to the wrap-around. */
export function peerPage(ring: ReturnType<NodeFacts["peers"]>, start: Uint8Array, count: number): object[] {
  const sorted = [...ring].sort((a, b) => Buffer.compare(a.publicKey, b.publicKey));
  return sorted
    .filter((p) => Buffer.compare(p.publicKey, start) > 0)
    .slice(0, count)
    .map((p) => ({ publicKey: Buffer.from(p.publicKey).toString("hex"), listeners: p.listeners, timestamp: goTimeJson(p.timestamp) }));
}

export interface HttpsRpcServerOptions {
  config: HttpsRpcConfig;
  certificatePem: string;
  privateKeyPem: string;
  dispatch: Dispatch;
  facts: NodeFacts;
  stats: RpcStats;
  version: string;
  maximumRequestSize: number;
}

export class HttpsRpcServer {
  readonly #servers: Server<undefined>[] = [];
  readonly #allow: Record<AllowName, ReadonlySet<string>>;
  readonly #started = process.hrtime.bigint();
  readonly endpoints: string[] = [];

  constructor(readonly options: HttpsRpcServerOptions) {
    const a = options.config.allow;
    this.#allow = { details: new Set(a.details), connections: new Set(a.connections), peers: new Set(a.peers) };
    for (const entry of options.config.listen) {
      const { host, port } = splitListen(entry)!;
      try {
        const server = Bun.serve({
          hostname: host === "" ? "::" : host,
          port,
          ipv6Only: host.includes(":"),
          tls: { cert: options.certificatePem, key: options.privateKeyPem },
          idleTimeout: 10,
          maxRequestBodySize: options.maximumRequestSize,
          fetch: (req, srv) => this.#handle(req, srv),
          error: (e) => {
            log.warn("request failed", { error: e.message });
            return respond(500, errorBody(500));
          },
        });
        this.#servers.push(server);
        this.endpoints.push(host.includes(":") ? `[${host}]:${server.port}` : `${host === "" ? "::" : host}:${server.port}`);
      } catch (e) {
        log.warn("cannot listen", { address: entry, error: (e as Error).message });
      }
    }
    const listen = options.config.listen;
    if (this.#servers.length === 0) throw new RpcServiceError({ code: "NO_LISTENER", section: "https_rpc", listen }, `https_rpc: cannot listen on any of ${listen.join(", ")}`);
  }

  stop(): void {
    for (const s of this.#servers) s.stop(true);
  }

  async #handle(req: Request, server: Server<undefined>): Promise<Response> {
    const url = new URL(req.url);
    const route = ROUTES[url.pathname];
    if (!route) return respond(404, errorBody(404));
    if (req.method !== route.method) return respond(405, errorBody(405));
    if (route.allow) {
      const remote = server.requestIP(req)?.address ?? "";
      const ip = allowEntry(remote.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1"));
      if (ip === undefined || !this.#allow[route.allow].has(ip)) {
        log.warn("Deny access", { address: remote });
        return respond(403, errorBody(403));
      }
    }
    const stats = this.options.stats;
    stats.httpsInProgress++;
    try {
      switch (url.pathname) {
        case "/bitmarkd/rpc":
          return respond(200, await this.#rpc(req));
        case "/bitmarkd/details":
          return respond(200, this.#details());
        case "/bitmarkd/connections":
          return respond(200, goStringify({ connectedTo: this.options.facts.upstreams().map((u) => ({ address: u.address, server: u.server })) }));
        default:
          return this.#peers(url);
      }
    } finally {
      stats.httpsInProgress--;
    }
  }

  async #rpc(req: Request): Promise<string> {
    const splitter = new JsonStreamSplitter(this.options.maximumRequestSize);
    splitter.push(Buffer.from(await req.arrayBuffer()));
    const value = splitter.next();
    const codec = { error: false };
    const line = value === null || typeof value === "string" ? undefined : await this.options.dispatch(value.toString("utf8"), codec);
    if (line === undefined) return errorBody(500);
    return codec.error ? line + errorBody(500) : line;
  }

  #details(): string {
    const f = this.options.facts;
    const peers = f.peerCounts();
    const counters = f.transactionCounters();
    return goStringify({
      chain: f.chain,
      mode: f.mode(),
      blocks: { local: f.height(), remote: f.remoteHeight() },
      rpcs: this.options.stats.rpcs,
      peers: { incoming: peers.incoming, outgoing: peers.outgoing },
      transactionCounters: { pending: counters.pending, verified: counters.verified },
      difficulty: ONE.reciprocal, // the current difficulty, never adjusted in 8.2 (as Node.Info)
      version: this.options.version,
      uptime: goDuration(process.hrtime.bigint() - this.#started),
      publicKey: f.publicKey,
    });
  }

  #peers(url: URL): Response {
    const ring = this.options.facts.peers();
    if (ring.length === 0) return respond(500, errorBody(500));
    const key = url.searchParams.get("public_key") ?? "";
    const start = /^[0-9a-fA-F]{64}$/.test(key) ? Buffer.from(key, "hex") : new Uint8Array(0);
    const n = /^[+-]?\d+$/.test(url.searchParams.get("count") ?? "") ? Number(url.searchParams.get("count")) : NaN;
    const count = n >= 1 && n <= MAXIMUM_COUNT ? n : DEFAULT_COUNT;
    return respond(200, goStringify(peerPage(ring, start, count)));
  }
}
