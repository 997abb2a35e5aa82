/**
 * `bunmark bench wire`: the peer listener's throughput and latency for I/N/H requests over CURVE on loopback,
 * on this machine. Reports only.
 *
 * Server under test: a real bunmark node (this executable, `run` behind `bench wire --node-data`) over a small
 * generated chain (N blocks, default 20, made once and cached), so `H` reads real stored digests. Load: separate
 * generator processes (bunmark's own CURVE client, wire-load.ts): 1 client (req/s, round-trip p50/p99) and 8
 * concurrent clients (req/s), rotating I, N, H 1…height, after a warm-up; each measurement repeated (default 3)
 * and reported as medians, with the server's CPU time per request. A last 8-client run sends the node's threads
 * in turn a stream of SIGWINCH, which the node catches (a no-op handler installed by `--node-data`) so the
 * signals interrupt its blocking calls (EINTR) the way they killed bitmarkd 8.2, which took EINTR as fatal; the
 * node must still be alive and answering the same bytes afterwards.
 *
 * `runWire` is also what the development harness (bench/wire.ts, `make bench`) calls with node + npm zeromq as
 * the generator and a node + zeromq baseline server, and where the goals tuned for the development VM are.
 * `--quick` (smoke test): no chain, 1 run of 0.4 s.
 * Internal modes: `--node-data DIR --node-listen ADDR` (the node under test), `--load '<json>'` (a generator).
 */
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { flag, has, intFlag, noExtraArgs, parseOrHelp, type ParsedArgs } from "../cli/args.ts";
import { backendByName } from "../crypto/index.ts";
import { loadNativeAddon } from "../crypto/native.ts";
import { machineLoad, oneMinuteLoad, reportLoad } from "./load.ts";
import { BENCH_SPECS } from "./specs.ts";
import { cliCommand, median } from "./shared.ts";
import {
  BUNMARK_GENERATOR,
  catchesSignal,
  cpuMs,
  generate,
  probe,
  startBunmark,
  stopServer,
  type HexFrames,
  type LoadFigures,
  type LoadGenerator,
  type LoadRun,
  type RunningServer,
} from "./wire-procs.ts";
import { BenchError } from "./errors.ts";

const CHAIN = "local";
const SEED = "bench-wire";
export const CLIENTS = 8;
const SIGWINCH = 28;
const SIGNAL_EVERY_MS = 1;

interface Measured extends LoadFigures {
  serverCpuUsPerRequest: number;
  generatorCpuUsPerRequest: number;
}

export interface ServerFigures {
  oneClient: { perSecond: number; p50Us: number; p99Us: number; serverCpuUsPerRequest: number; generatorCpuUsPerRequest: number };
  eightClients: { perSecond: number; serverCpuUsPerRequest: number; generatorCpuUsPerRequest: number };
  runs: Measured[];
}

const hex = (s: string) => Buffer.from(s).toString("hex");
export const num = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** I, N and H n for every stored block, interleaved so that every client mixes the three. */
function requestList(height: number): HexFrames[] {
  const out: HexFrames[] = [];
  for (let n = 1; n <= height; n++) {
    const be = Buffer.alloc(8);
    be.writeBigUInt64BE(BigInt(n));
    out.push([hex(CHAIN), hex("I")], [hex(CHAIN), hex("N")], [hex(CHAIN), hex("H"), be.toString("hex")]);
  }
  return out;
}

/** The generated chain, made once per block count (N Argon2 digests) and copied into each node's data. */
async function cachedChain(blocks: number, say: (s: string) => void): Promise<string> {
  const dir = join(tmpdir(), `bunmark-bench-wire-chain-${blocks}`);
  if (existsSync(dir)) return dir;
  const partial = `${dir}.partial-${process.pid}`;
  say(`generating ${blocks} blocks into ${dir} (once)…\n`);
  const gen = Bun.spawn([...cliCommand(), "chain", "generate", "--blocks", String(blocks), "--data", partial, "--chain", CHAIN, "--seed", SEED], {
    stdout: "ignore",
    stderr: "inherit",
  });
  if ((await gen.exited) !== 0) throw new BenchError({ code: "CHILD_FAILED", what: "chain generate" }, "chain generate failed");
  renameSync(partial, dir);
  return dir;
}

/** `--node-data DIR --node-listen ADDR`: a real node (`run`), which also catches SIGWINCH. */
async function runNode(data: string, listen: string): Promise<number> {
  // SIGWINCH is ignored by default and an ignored signal interrupts nothing; a handler makes every signal
  // of the bench's stream reach the node's threads (EINTR in blocking calls).
  process.on("SIGWINCH", () => {});
  const { main: run } = await import("../cli/run.ts");
  return run(["--data", data, "--listen", listen, "--log-level", "warn"]);
}

/** The requests and timing of a run; the client count is chosen per run. */
type Plan = Omit<LoadRun, "clients">;

async function measure(gen: LoadGenerator, server: RunningServer, plan: Plan, clients: number): Promise<Measured> {
  const pid = server.proc.pid;
  let cpuStart = 0;
  const figures = await generate(gen, server, { ...plan, clients }, () => {
    cpuStart = cpuMs(pid);
  });
  const serverCpuUsPerRequest = ((cpuMs(pid) - cpuStart) * 1000) / Math.max(1, figures.requests);
  if (figures.errors > 0) throw new BenchError({ code: "RESULTS_DIFFER", what: server.name }, `${server.name}: ${figures.errors} replies differed from the expected bytes`);
  return { ...figures, serverCpuUsPerRequest, generatorCpuUsPerRequest: (figures.generatorCpuMs * 1000) / Math.max(1, figures.requests) };
}

function summarise(runs: Measured[]): ServerFigures {
  const one = runs.filter((r) => r.clients === 1);
  const many = runs.filter((r) => r.clients === CLIENTS);
  const med = (rs: Measured[], k: keyof Measured) => median(rs.map((r) => r[k] as number));
  return {
    oneClient: {
      perSecond: med(one, "perSecond"),
      p50Us: med(one, "p50Us"),
      p99Us: med(one, "p99Us"),
      serverCpuUsPerRequest: med(one, "serverCpuUsPerRequest"),
      generatorCpuUsPerRequest: med(one, "generatorCpuUsPerRequest"),
    },
    eightClients: {
      perSecond: med(many, "perSecond"),
      serverCpuUsPerRequest: med(many, "serverCpuUsPerRequest"),
      generatorCpuUsPerRequest: med(many, "generatorCpuUsPerRequest"),
    },
    runs,
  };
}

export interface SignalRun {
  signal: "SIGWINCH";
  caught: boolean;
  sent: number;
  perSecond: number;
  /** Why the load run under signals failed, if it did. */
  failure?: string;
  alive: boolean;
  answering: boolean;
  cleanStop: boolean;
}

function nodeThreads(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    return [];
  }
}

/** 8 clients while the node gets a signal every millisecond; then is it alive and giving the same replies? */
async function signalRun(gen: LoadGenerator, node: RunningServer, plan: Plan): Promise<Omit<SignalRun, "cleanStop">> {
  const pid = node.proc.pid;
  const caught = catchesSignal(pid, SIGWINCH);
  let sent = 0;
  let threads: number[] = [];
  const timer = setInterval(() => {
    if (node.proc.exitCode !== null) return;
    // kill(2) on a thread id delivers to that thread first: rotating through the threads interrupts the poller
    // worker's and libzmq callers' blocking calls too, not only the main thread's event loop.
    if (sent % 64 === 0 || threads.length === 0) threads = nodeThreads(pid);
    try {
      process.kill(threads[sent % threads.length] ?? pid, "SIGWINCH");
      sent++;
    } catch {
      threads = []; // that thread ended
    }
  }, SIGNAL_EVERY_MS);
  let perSecond = 0;
  let failure: string | undefined;
  try {
    perSecond = (await measure(gen, node, plan, CLIENTS)).perSecond;
  } catch (e) {
    failure = e instanceof Error ? e.message : String(e);
  } finally {
    clearInterval(timer);
  }
  const alive = node.proc.exitCode === null;
  const same = (replies: HexFrames[]) => JSON.stringify(replies) === JSON.stringify(plan.expect);
  const answering = alive && (await probe(gen, node, plan.requests).then(same, () => false));
  return { signal: "SIGWINCH", caught, sent, perSecond, ...(failure ? { failure } : {}), alive, answering };
}

/** The report as a table. */
export function printTable(o: Report): void {
  const { machine, config } = o;
  console.log(`bench wire: I/N/H over CURVE on loopback, ${config.requests} requests rotating (chain ${CHAIN}, height ${config.height})`);
  console.log(`load: ${o.generator} in a separate process; warm-up ${config.warmupMs} ms, ${config.runs} × ${config.measureMs} ms per figure, medians`);
  console.log(`machine: ${machine.cpu} (${machine.cores} cores), bun ${machine.bun}${machine.node ? `, ${machine.node}` : ""}; load average ${num(o.load.start, 2)} at start, ${num(o.load.end, 2)} at end`);
  console.log(`hashing path: native ${o.hashing.native ?? "—"} (CPU: ${o.hashing.cpuFeatures.join(" ") || "—"})`);
  console.log("");
  const head = ["server", "1c req/s", "p50 µs", "p99 µs", "cpu µs/req", `${CLIENTS}c req/s`, "cpu µs/req"];
  const widths = [26, 10, 9, 9, 11, 10, 11];
  const row = (cells: string[]) =>
    console.log(widths.map((width, i) => (i === 0 ? (cells[i] ?? "").padEnd(width) : (cells[i] ?? "").padStart(width))).join(""));
  row(head);
  const line = (name: string, f: ServerFigures) =>
    row([name, num(f.oneClient.perSecond), num(f.oneClient.p50Us), num(f.oneClient.p99Us), num(f.oneClient.serverCpuUsPerRequest), num(f.eightClients.perSecond), num(f.eightClients.serverCpuUsPerRequest)]);
  line("bunmark node", o.servers.bunmark);
  if (o.servers.baseline) {
    const b = o.servers.baseline;
    const m = o.servers.bunmark;
    line("node + zeromq (baseline)", b);
    const r = (x: number, y: number) => `${num(x / y, 2)}×`;
    row([
      "bunmark / baseline",
      r(m.oneClient.perSecond, b.oneClient.perSecond),
      r(m.oneClient.p50Us, b.oneClient.p50Us),
      r(m.oneClient.p99Us, b.oneClient.p99Us),
      r(m.oneClient.serverCpuUsPerRequest, b.oneClient.serverCpuUsPerRequest),
      r(m.eightClients.perSecond, b.eightClients.perSecond),
      r(m.eightClients.serverCpuUsPerRequest, b.eightClients.serverCpuUsPerRequest),
    ]);
  } else if (o.baselineSkipped) console.log(`baseline skipped: ${o.baselineSkipped}`);
  console.log("(cpu µs/req: the server process's user + system CPU time per request, all its threads)");
  const gen = (f: ServerFigures) => `${num(f.oneClient.generatorCpuUsPerRequest)} / ${num(f.eightClients.generatorCpuUsPerRequest)}`;
  console.log(`load generator's own CPU µs/req (1c / ${CLIENTS}c): ${gen(o.servers.bunmark)} against bunmark${o.servers.baseline ? `, ${gen(o.servers.baseline)} against the baseline` : ""}`);
  const s = o.signals;
  console.log("");
  console.log(
    `signals: ${CLIENTS} clients while the node's threads got ${num(s.sent)} × ${s.signal} (every ${SIGNAL_EVERY_MS} ms; ${s.caught ? "caught by a handler, so calls are interrupted" : "NOT caught: ignored by the kernel, nothing interrupted"}): ` +
      `${s.failure ? `load failed (${s.failure})` : `${num(s.perSecond)} req/s`}; alive ${s.alive ? "yes" : "NO"}, same replies ${s.answering ? "yes" : "NO"}, clean stop ${s.cleanStop ? "yes" : "NO"}`,
  );
}

export interface Report {
  bench: "wire";
  /** node's version, when node drives the load */
  machine: { cpu: string; cores: number; bun: string; node?: string; platform: string };
  load: { start: number; end: number; cores: number };
  config: { runs: number; warmupMs: number; measureMs: number; clients: number; height: number; requests: number };
  generator: string;
  /** The node's Argon2 compression (it runs with this process's environment and addon) and the CPU features behind it. */
  hashing: { native: string | null; cpuFeatures: string[] };
  servers: { bunmark: ServerFigures; baseline?: ServerFigures };
  baselineSkipped?: string;
  signals: SignalRun;
}

/** How a run is measured; the development harness adds a baseline server and names node's version. */
export interface WireOptions {
  gen: LoadGenerator;
  runs: number;
  measureMs: number;
  blocks: number;
  quick: boolean;
  say: (s: string) => void;
  /** a second server answering from the node's replies (the node + zeromq baseline), or why there is none */
  baseline?: { start(table: [HexFrames, HexFrames][]): Promise<RunningServer> } | { skipped: string };
  /** `node vX` when node drives the load */
  node?: string;
}

/** Runs the whole measurement and returns the report. */
export async function runWire(o: WireOptions): Promise<Report> {
  const { gen, runs, measureMs, blocks, quick, say } = o;
  const load = machineLoad();
  const chainDir = blocks > 0 ? await cachedChain(blocks, say) : undefined;
  const height = blocks + 1;
  const requests = requestList(height);
  const dataDir = mkdtempSync(join(tmpdir(), "bunmark-bench-wire-"));
  const started: RunningServer[] = [];
  try {
    say("starting the bunmark node…\n");
    const node = await startBunmark(dataDir, chainDir);
    started.push(node);
    const expect = await probe(gen, node, requests);
    const table = requests.map((request, i): [HexFrames, HexFrames] => {
      const reply = expect[i];
      if (reply === undefined) throw new BenchError({ code: "REQUEST_REFUSED", what: "node", request: i }, `the node answered ${expect.length} of ${requests.length} requests`);
      return [request, reply];
    });
    for (const [i, [request, reply]] of table.entries()) {
      if (reply[0] !== request[1]) {
        throw new BenchError({ code: "REQUEST_REFUSED", what: "node", request: i }, `the node refused request ${i}: ${Buffer.from(reply[1] ?? "", "hex").toString()}`);
      }
    }
    const plan: Plan = { warmupMs: quick ? 200 : 1000, measureMs, requests, expect };

    let baseline: RunningServer | undefined;
    let baselineSkipped = o.baseline && "skipped" in o.baseline ? o.baseline.skipped : undefined;
    if (o.baseline && "start" in o.baseline) {
      try {
        baseline = await o.baseline.start(table);
        started.push(baseline);
        if (JSON.stringify(await probe(gen, baseline, requests)) !== JSON.stringify(expect)) throw new BenchError({ code: "RESULTS_DIFFER", what: "baseline" }, "its replies differ from the node's");
      } catch (e) {
        baselineSkipped = `baseline unavailable: ${e instanceof Error ? e.message : e}`;
        baseline = undefined;
      }
    }

    const nodeRuns: Measured[] = [];
    const baselineRuns: Measured[] = [];
    const results: [RunningServer, Measured[]][] = baseline ? [[node, nodeRuns], [baseline, baselineRuns]] : [[node, nodeRuns]];
    for (let r = 0; r < runs; r++) {
      // Alternate the order so that a change of machine load does not always favour the same server.
      const order = r % 2 === 0 ? results : [...results].reverse();
      for (const [server, measured] of order) {
        for (const clients of [1, CLIENTS]) {
          say(`run ${r + 1}/${runs}: ${server.name}, ${clients} client${clients > 1 ? "s" : ""}…\n`);
          measured.push(await measure(gen, server, plan, clients));
        }
      }
    }
    say(`${CLIENTS} clients with SIGWINCH to the node's threads every ${SIGNAL_EVERY_MS} ms…\n`);
    const signals = await signalRun(gen, node, plan);
    const cleanStop = (await stopServer(node)) === 0;
    const baselineFigures = baseline ? summarise(baselineRuns) : undefined;
    return {
      bench: "wire",
      machine: { cpu: cpus()[0]?.model ?? "unknown", cores: availableParallelism(), bun: Bun.version, ...(o.node ? { node: o.node } : {}), platform: `${process.platform}-${process.arch}` },
      load: { start: load.oneMinute, end: oneMinuteLoad(), cores: load.cores },
      config: { runs, warmupMs: plan.warmupMs, measureMs, clients: CLIENTS, height, requests: requests.length },
      generator: gen.name,
      hashing: { native: backendByName("native")?.hashingPath() ?? null, cpuFeatures: loadNativeAddon()?.cpuFeatures() ?? [] },
      servers: { bunmark: summarise(nodeRuns), ...(baselineFigures ? { baseline: baselineFigures } : {}) },
      ...(baselineSkipped ? { baselineSkipped } : {}),
      signals: { ...signals, cleanStop },
    };
  } finally {
    for (const s of started) await stopServer(s);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The run's shape from the flags (the harness in bench/ reads the same flags). */
export function wireFlags(p: ParsedArgs): Pick<WireOptions, "runs" | "measureMs" | "blocks" | "quick"> {
  const quick = has(p, "quick");
  const blocks = intFlag(p, "blocks", quick ? 0 : 20);
  const measureMs = quick ? 400 : intFlag(p, "seconds", 3) * 1000;
  const runs = intFlag(p, "runs", quick ? 1 : 3);
  if (runs < 1 || measureMs < 1) throw new BenchError({ code: "VALUE_INVALID", what: "--runs/--seconds" }, "--runs and --seconds must be at least 1");
  return { quick, blocks, measureMs, runs };
}

export async function main(args: string[]): Promise<number> {
  const p = parseOrHelp(BENCH_SPECS.wire, args);
  if (p === 0) return 0;
  const nodeData = flag(p, "node-data");
  if (nodeData !== undefined) return runNode(nodeData, flag(p, "node-listen") ?? "");
  const load = flag(p, "load");
  if (load !== undefined) return (await import("./wire-load.ts")).runLoad(load);
  noExtraArgs(p);
  const json = has(p, "json");
  const shape = wireFlags(p);
  reportLoad("wire");
  const report = await runWire({ gen: BUNMARK_GENERATOR, ...shape, say: (s) => json || process.stderr.write(s) });
  if (json) console.log(JSON.stringify(report));
  else printTable(report);
  return 0;
}
