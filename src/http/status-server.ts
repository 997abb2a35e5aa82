/**
 * Operator endpoint (`--http HOST:PORT`, and always on the data directory's unix socket): `/health` (200 while
 * serving, 503 otherwise), `/status` as JSON and `/metrics` in Prometheus text format. Reads a snapshot from the
 * node; never changes state. bunmark's own (bitmarkd has no HTTP endpoint on the peer side).
 */
import { buildInfo } from "../base/build-info.ts";
import type { CurrencyStatus } from "../payment/watcher.ts";
import type { RpcStatsSnapshot } from "../rpc/stats.ts";
import { HttpError } from "./errors.ts";

/** One peer as `status --peers` and `/status` list it: an upstream this node dialled, or a node that registered with it. */
export interface PeerRow {
  direction: "outgoing" | "incoming";
  key?: string;
  /** outgoing: the address dialled; incoming: the first listener the peer announced */
  address?: string;
  /** incoming peers are listed only once registered */
  registered: boolean;
  /** the peer's block height; null for incoming peers (never asked) */
  height: number | null;
  /**
   * ISO time last heard from the peer, null before the first: outgoing, its last reply; incoming, its last `R`
   * registration (the listener cannot tell which peer sent any other request)
   */
  lastReply: string | null;
}

export interface StatusSnapshot {
  version: string;
  chain: string;
  mode: string;
  height: number;
  publicKey: string;
  listeners: string[];
  peersIn: number;
  peersOut: number;
  /** other nodes in the peer table (this node's own record not counted) */
  knownPeers: number;
  peers: PeerRow[];
  blocksPerSecond: number;
  /** Sync phase (`registering 2/3`, `choosing chain`, `fetching 120/5000`, `verifying …`, `Normal`) and its times. */
  sync?: { phase: string; inPhaseMs: number; enteredAfterMs: number };
  digestBackend: string;
  /** item counts per pool, and byte totals per pool (names ending in `Bytes`) */
  reservoir: Record<string, number>;
  uptimeSeconds: number;
  /** client RPC: open connections, HTTPS requests in progress, refused connections, requests per method */
  rpc?: RpcStatsSnapshot;
  /** Per currency (BTC, LTC) when a payment watcher runs (src/payment/watcher.ts). */
  payment?: Record<string, CurrencyStatus>;
}

/** True when the node answers peers: started and not stopping. */
export function serving(s: StatusSnapshot): boolean {
  return s.mode !== "Stopped";
}

export function renderMetrics(s: StatusSnapshot, residentBytes = process.memoryUsage.rss()): string {
  const lines: string[] = [];
  const gauge = (name: string, help: string, value: number, labels = "") => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name}${labels} ${value}`);
  };
  const b = buildInfo();
  const q = (v: string) => JSON.stringify(v); // Prometheus label values: quoted, escaped as JSON strings are
  gauge("bunmark_build_info", "Version, commit and build date of this executable (value 1).", 1, `{version=${q(b.version)},commit=${q(b.commit)},date=${q(b.date)},protocol=${q(b.protocol)}}`);
  gauge("bunmark_block_height", "Local block height (genesis = 1).", s.height);
  gauge("bunmark_mode_normal", "1 when the node is in mode Normal, 0 while resynchronising.", s.mode === "Normal" ? 1 : 0);
  gauge("bunmark_peers_incoming", "Incoming peer connections on the listener.", s.peersIn);
  gauge("bunmark_peers_outgoing", "Registered upstream connections.", s.peersOut);
  gauge("bunmark_peers_known", "Other nodes in the peer table.", s.knownPeers);
  gauge("bunmark_sync_blocks_per_second", "Blocks stored per second during the last sync window.", s.blocksPerSecond);
  gauge("bunmark_uptime_seconds", "Seconds since start.", s.uptimeSeconds);
  gauge("process_resident_memory_bytes", "Resident memory size in bytes.", residentBytes);
  lines.push("# HELP bunmark_digest_backend Active block-digest backend.", "# TYPE bunmark_digest_backend gauge");
  lines.push(`bunmark_digest_backend{backend="${s.digestBackend}"} 1`);
  const pools = Object.entries(s.reservoir);
  lines.push("# HELP bunmark_reservoir_items Items held by the reservoir, per pool.", "# TYPE bunmark_reservoir_items gauge");
  for (const [pool, n] of pools) if (!pool.endsWith("Bytes")) lines.push(`bunmark_reservoir_items{pool="${pool}"} ${n}`);
  lines.push("# HELP bunmark_reservoir_bytes Packed bytes held by the reservoir, per pool.", "# TYPE bunmark_reservoir_bytes gauge");
  for (const [pool, n] of pools) if (pool.endsWith("Bytes")) lines.push(`bunmark_reservoir_bytes{pool="${pool.slice(0, -"Bytes".length)}"} ${n}`);
  if (s.rpc) {
    gauge("bunmark_rpc_connections", "Open client RPC (TLS JSON-RPC) connections.", s.rpc.connections);
    gauge("bunmark_rpc_https_in_progress", "HTTPS requests being served.", s.rpc.httpsInProgress);
    lines.push("# HELP bunmark_rpc_refused_total Client RPC connections closed at accept by a limit.", "# TYPE bunmark_rpc_refused_total counter", `bunmark_rpc_refused_total ${s.rpc.refused}`);
    lines.push("# HELP bunmark_rpc_requests_total Client RPC requests answered, per method and outcome.", "# TYPE bunmark_rpc_requests_total counter");
    for (const [method, n] of Object.entries(s.rpc.requests)) {
      const errors = s.rpc.errors[method] ?? 0;
      lines.push(`bunmark_rpc_requests_total{method="${method}",outcome="ok"} ${n - errors}`, `bunmark_rpc_requests_total{method="${method}",outcome="error"} ${errors}`);
    }
  }
  if (s.payment) renderPaymentMetrics(s.payment, lines);
  return lines.join("\n") + "\n";
}

function renderPaymentMetrics(payment: Record<string, CurrencyStatus>, lines: string[]): void {
  const families = [
    ["bunmark_payment_last_block", "Highest coin block seen by the REST source: the tip at start, then each block inspected (-1: none, or discovery).", (c: CurrencyStatus) => c.lastBlock ?? -1],
    ["bunmark_payment_seen", "Currency transactions seen carrying a pay id and amounts.", (c: CurrencyStatus) => c.paymentsSeen],
    ["bunmark_payment_matched", "Payments that verified a pending reservoir item.", (c: CurrencyStatus) => c.paymentsMatched],
    ["bunmark_payment_orphans", "Orphan payments held (seen before their transactions).", (c: CurrencyStatus) => c.orphansHeld],
    ["bunmark_payment_malformed", "Currency transactions ignored as malformed.", (c: CurrencyStatus) => c.malformed],
  ] as const;
  for (const [name, help, value] of families) {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [currency, c] of Object.entries(payment)) lines.push(`${name}{currency="${currency}",source="${c.source}"} ${value(c)}`);
  }
}

export interface StatusServer {
  readonly url: string;
  stop(): void;
}

function route(req: Request, snapshot: () => StatusSnapshot): Response {
  const path = new URL(req.url).pathname;
  if (path === "/health") {
    const s = snapshot();
    return serving(s) ? new Response("ok\n") : new Response(`${s.mode.toLowerCase()}\n`, { status: 503 });
  }
  if (path === "/status") return Response.json(snapshot());
  if (path === "/metrics") return new Response(renderMetrics(snapshot()), { headers: { "content-type": "text/plain; version=0.0.4" } });
  return new Response("not found\n", { status: 404 });
}

/** Serves the endpoint on `host:port` (`[v6]:port` accepted; checked by the configuration before). */
export function startStatusServer(address: string, snapshot: () => StatusSnapshot): StatusServer {
  const [, hostname, port] = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address) ?? [];
  if (hostname === undefined) throw new HttpError({ code: "ADDRESS_INVALID", address }, `http ${JSON.stringify(address)}: expected HOST:PORT`);
  let server: ReturnType<typeof Bun.serve>;
  try {
    server = Bun.serve({ hostname, port: Number(port), fetch: (req) => route(req, snapshot) });
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new HttpError({ code: "SERVE_FAILED", address, detail }, `cannot serve HTTP on ${address}: ${detail}`);
  }
  return { url: server.url.href, stop: () => server.stop(true) };
}

/**
 * The same endpoint on a unix socket in the data directory, always on: `bunmark status` reads peers there (the
 * socket's file mode keeps it to the node's user).
 */
export function startLocalStatusSocket(path: string, snapshot: () => StatusSnapshot): StatusServer {
  const server = Bun.serve({ unix: path, fetch: (req) => route(req, snapshot) });
  return { url: `unix:${path}`, stop: () => server.stop(true) };
}
