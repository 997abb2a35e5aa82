// @ts-check
/**
 * Load generator of `bunmark bench wire`, run under node with the npm `zeromq` package (v6): N CURVE REQ
 * clients in this process, each sending the request list in turn (each client starting at another offset)
 * and checking every reply against the expected frames. The same generator drives both servers (the bunmark
 * node and the node + zeromq baseline), so their figures compare.
 *
 *   node bench-wire-load.mjs '<json>'
 *     { endpoint, serverKey (Z85), clients, warmupMs, measureMs, requests: [[hex frame, …], …],
 *       expect?: [[hex frame, …], …], probe?: true }
 *   stdout: probe → one line {"replies": [[hex, …], …]} (each request sent once, one client);
 *           else  → "measuring" when the warm-up ends, then one JSON line with the figures (see `report`).
 *
 * It is a separate process from the server under test and stops by itself after warm-up + measure.
 */
import { Request, curveKeyPair } from "zeromq";

/** @typedef {{ endpoint: string, serverKey: string, clients: number, warmupMs: number, measureMs: number,
 *    requests: string[][], expect?: string[][], probe?: boolean }} LoadConfig */

/** @type {LoadConfig} */
const cfg = JSON.parse(process.argv[2] ?? "{}");
const requests = cfg.requests.map((r) => r.map((h) => Buffer.from(h, "hex")));
const expected = cfg.expect?.map((r) => r.map((h) => Buffer.from(h, "hex")));
// A reply that takes this long means the server is gone: fail rather than hang.
const RECEIVE_TIMEOUT_MS = 10_000;

function socket() {
  const keys = curveKeyPair();
  const s = new Request({
    curveServerKey: cfg.serverKey,
    curvePublicKey: keys.publicKey,
    curveSecretKey: keys.secretKey,
    receiveTimeout: RECEIVE_TIMEOUT_MS,
    linger: 0,
  });
  s.connect(cfg.endpoint);
  return s;
}

/** @param {Buffer[]} got @param {Buffer[]} want */
function same(got, want) {
  return got.length === want.length && got.every((f, i) => f.equals(/** @type {Buffer} */ (want[i])));
}

async function probe() {
  const s = socket();
  /** @type {string[][]} */
  const replies = [];
  for (const r of requests) {
    await s.send(r);
    replies.push((await s.receive()).map((f) => f.toString("hex")));
  }
  s.close();
  console.log(JSON.stringify({ replies }));
}

async function load() {
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
    const s = socket();
    try {
      for (let i = offset; ; i++) {
        const k = i % requests.length;
        const t0 = performance.now();
        if (t0 >= stopAt) return;
        await s.send(/** @type {Buffer[]} */ (requests[k]));
        const reply = await s.receive();
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
      s.close();
    }
  }

  const offsets = Array.from({ length: cfg.clients }, (_, c) => Math.floor((c * requests.length) / cfg.clients));
  await Promise.all(offsets.map(client));
  const cpu = process.cpuUsage(cpuAtMeasure);
  rtts.sort((a, b) => a - b);
  const at = (/** @type {number} */ q) => (rtts.length ? /** @type {number} */ (rtts[Math.min(rtts.length - 1, Math.floor(q * rtts.length))]) : NaN);
  const seconds = cfg.measureMs / 1000;
  console.log(
    JSON.stringify({
      clients: cfg.clients,
      seconds,
      requests: done,
      errors,
      perSecond: done / seconds,
      p50Us: at(0.5) * 1000,
      p99Us: at(0.99) * 1000,
      generatorCpuMs: (cpu.user + cpu.system) / 1000,
    }),
  );
}

try {
  await (cfg.probe ? probe() : load());
} catch (e) {
  console.error(`bench-wire-load: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
