/**
 * Optional operator endpoint (`--http HOST:PORT`): `/status` as JSON and `/metrics` in Prometheus text format.
 * Reads a snapshot from the node; never changes state.
 */

/** Per-currency payment figures as shown (src/payment/watcher.ts `CurrencyStatus` provides them). */
export interface PaymentFigures {
  source: string;
  state: string;
  lastBlock: number | null;
  paymentsSeen: number;
  paymentsMatched: number;
  orphansHeld: number;
  malformed: number;
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
  knownPeers: number;
  blocksPerSecond: number;
  digestBackend: string;
  reservoir: Record<string, number>;
  uptimeSeconds: number;
  /** Per currency (BTC, LTC) when a payment watcher runs (src/payment/watcher.ts). */
  payment?: Record<string, PaymentFigures>;
}

export function renderMetrics(s: StatusSnapshot): string {
  const lines: string[] = [];
  const gauge = (name: string, help: string, value: number, labels = "") => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name}${labels} ${value}`);
  };
  gauge("bunmark_block_height", "Local block height (genesis = 1).", s.height);
  gauge("bunmark_mode_normal", "1 when the node is in mode Normal, 0 while resynchronising.", s.mode === "Normal" ? 1 : 0);
  gauge("bunmark_peers_incoming", "Incoming peer connections on the listener.", s.peersIn);
  gauge("bunmark_peers_outgoing", "Registered upstream connections.", s.peersOut);
  gauge("bunmark_peers_known", "Entries in the peer table.", s.knownPeers);
  gauge("bunmark_sync_blocks_per_second", "Blocks stored per second during the last sync window.", s.blocksPerSecond);
  gauge("bunmark_uptime_seconds", "Seconds since start.", s.uptimeSeconds);
  lines.push("# HELP bunmark_digest_backend Active block-digest backend.", "# TYPE bunmark_digest_backend gauge");
  lines.push(`bunmark_digest_backend{backend="${s.digestBackend}"} 1`);
  lines.push("# HELP bunmark_reservoir_items Items held by the reservoir, per pool.", "# TYPE bunmark_reservoir_items gauge");
  for (const [pool, n] of Object.entries(s.reservoir)) lines.push(`bunmark_reservoir_items{pool="${pool}"} ${n}`);
  if (s.payment) renderPaymentMetrics(s.payment, lines);
  return lines.join("\n") + "\n";
}

function renderPaymentMetrics(payment: Record<string, PaymentFigures>, lines: string[]): void {
  const families = [
    ["bunmark_payment_last_block", "Highest coin block seen by the REST source: the tip at start, then each block inspected (-1: none, or discovery).", (c: PaymentFigures) => c.lastBlock ?? -1],
    ["bunmark_payment_seen", "Currency transactions seen carrying a pay id and amounts.", (c: PaymentFigures) => c.paymentsSeen],
    ["bunmark_payment_matched", "Payments that verified a pending reservoir item.", (c: PaymentFigures) => c.paymentsMatched],
    ["bunmark_payment_orphans", "Orphan payments held (seen before their transactions).", (c: PaymentFigures) => c.orphansHeld],
    ["bunmark_payment_malformed", "Currency transactions ignored as malformed.", (c: PaymentFigures) => c.malformed],
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
  if (path === "/status") return Response.json(snapshot());
  if (path === "/metrics") return new Response(renderMetrics(snapshot()), { headers: { "content-type": "text/plain; version=0.0.4" } });
  return new Response("not found\n", { status: 404 });
}

/** Serves the endpoint on `host:port` (`[v6]:port` accepted). */
export function startStatusServer(address: string, snapshot: () => StatusSnapshot): StatusServer {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  if (!m) throw new Error(`--http expects HOST:PORT, got ${JSON.stringify(address)}`);
  const server = Bun.serve({ hostname: m[1]!, port: Number(m[2]), fetch: (req) => route(req, snapshot) });
  return { url: server.url.href, stop: () => server.stop(true) };
}

/**
 * The same endpoint on a unix socket in the data directory, always on: `bunmark status` reads peer counts
 * there (the socket's file mode keeps it to the node's user).
 */
export function startLocalStatusSocket(path: string, snapshot: () => StatusSnapshot): StatusServer {
  const server = Bun.serve({ unix: path, fetch: (req) => route(req, snapshot) });
  return { url: `unix:${path}`, stop: () => server.stop(true) };
}

