// @ts-check
/**
 * The measuring core of `bunmark bench wire`'s load generators, and the one definition of their JSON contract.
 * Plain JavaScript so that both generators run it: bench/wire-load.mjs (node + npm zeromq, the development harness
 * checkout) and wire-load.ts (bunmark's own CURVE client, inside the compiled executable). Each generator
 * only supplies how to open a client; the timing, the checks and the figures are these, so both report alike.
 *
 *   generator '<json>'   (node bench/wire-load.mjs '<json>' | bunmark bench wire --load '<json>')
 *     json: LoadConfig { endpoint (tcp://…), serverKey (Z85), clients, warmupMs, measureMs,
 *                        requests: [[hex frame, …], …], expect?: [[hex frame, …], …], probe?: true }
 *   stdout: probe → one line {"replies": [[hex, …], …]} (each request sent once, one client);
 *           else  → "measuring" when the warm-up ends, then one JSON line of LoadFigures.
 *
 * N clients (own CURVE key pairs) each send the request list in turn, starting at different offsets, and
 * check every reply against the expected frames. A generator is a separate process from the server under test
 * and stops by itself after warm-up + measure.
 */

/** @typedef {{ endpoint: string, serverKey: string, clients: number, warmupMs: number, measureMs: number,
 *    requests: string[][], expect?: string[][], probe?: boolean }} LoadConfig */

/** @typedef {{ clients: number, seconds: number, requests: number, errors: number, perSecond: number,
 *    p50Us: number, p99Us: number, generatorCpuMs: number }} LoadFigures */

/** One REQ client: one request on the wire at a time; `request` rejects when no reply comes in time.
 * @typedef {{ request(frames: Buffer[]): Promise<Uint8Array[]>, close(): void }} LoadClient */

/** Opens a client with a fresh key pair to `endpoint`, expecting the server key `serverKey` (Z85).
 * @typedef {(endpoint: string, serverKey: string, timeoutMs: number) => LoadClient} OpenClient */

// A reply that takes this long means the server is gone: fail rather than hang.
const RECEIVE_TIMEOUT_MS = 10_000;

/** @param {string[][]} frames */
const fromHex = (frames) => frames.map((r) => r.map((h) => Buffer.from(h, "hex")));

/** @param {Uint8Array[]} got @param {Buffer[]} want */
const same = (got, want) => got.length === want.length && got.every((f, i) => Buffer.compare(f, /** @type {Buffer} */ (want[i])) === 0);

/** @param {LoadConfig} cfg @param {Buffer[][]} requests @param {OpenClient} open */
async function probe(cfg, requests, open) {
  const c = open(cfg.endpoint, cfg.serverKey, RECEIVE_TIMEOUT_MS);
  /** @type {string[][]} */
  const replies = [];
  try {
    for (const r of requests) replies.push((await c.request(r)).map((f) => Buffer.from(f).toString("hex")));
  } finally {
    c.close();
  }
  console.log(JSON.stringify({ replies }));
}

/** @param {LoadConfig} cfg @param {Buffer[][]} requests @param {OpenClient} open */
async function load(cfg, requests, open) {
  const expected = cfg.expect && fromHex(cfg.expect);
  const start = performance.now();
  const measureFrom = start + cfg.warmupMs;
  const stopAt = measureFrom + cfg.measureMs;
  let measuring = false;
  let cpuAtMeasure = process.cpuUsage();
  let done = 0;
  let errors = 0;
  /** @type {number[]} */
  const rtts = [];

  /** @param {number} offset */
  async function client(offset) {
    const c = open(cfg.endpoint, cfg.serverKey, RECEIVE_TIMEOUT_MS);
    try {
      for (let i = offset; ; i++) {
        const k = i % requests.length;
        const t0 = performance.now();
        if (t0 >= stopAt) return;
        const reply = await c.request(/** @type {Buffer[]} */ (requests[k]));
        const t1 = performance.now();
        if (t0 < measureFrom) continue;
        if (!measuring) {
          // The first client to pass the warm-up tells the parent (it samples the server's CPU time now).
          measuring = true;
          cpuAtMeasure = process.cpuUsage();
          console.log("measuring");
        }
        done++;
        rtts.push(t1 - t0);
        if (expected && !same(reply, /** @type {Buffer[]} */ (expected[k]))) errors++;
      }
    } finally {
      c.close();
    }
  }

  const offsets = Array.from({ length: cfg.clients }, (_, c) => Math.floor((c * requests.length) / cfg.clients));
  await Promise.all(offsets.map(client));
  const cpu = process.cpuUsage(cpuAtMeasure);
  rtts.sort((a, b) => a - b);
  const at = (/** @type {number} */ q) => (rtts.length ? /** @type {number} */ (rtts[Math.min(rtts.length - 1, Math.floor(q * rtts.length))]) : NaN);
  const seconds = cfg.measureMs / 1000;
  /** @type {LoadFigures} */
  const figures = {
    clients: cfg.clients,
    seconds,
    requests: done,
    errors,
    perSecond: done / seconds,
    p50Us: at(0.5) * 1000,
    p99Us: at(0.99) * 1000,
    generatorCpuMs: (cpu.user + cpu.system) / 1000,
  };
  console.log(JSON.stringify(figures));
}

/**
 * Runs the generator for a LoadConfig given as JSON text, writing the contract's lines to stdout; rejects on
 * a failed request (the caller exits non-zero).
 * @param {string} configJson @param {OpenClient} open
 */
export async function runGenerator(configJson, open) {
  /** @type {LoadConfig} */
  const cfg = JSON.parse(configJson);
  const requests = fromHex(cfg.requests);
  await (cfg.probe ? probe(cfg, requests, open) : load(cfg, requests, open));
}
