/**
 * Development harness of `bench wire` (`make bench`): the same measurement as `bunmark bench wire`
 * (src/bench/wire.ts runWire) with node + npm zeromq driving the load (bench/wire-load.mjs) and a node + zeromq
 * baseline server (bench/wire-baseline.mjs) answering the same bytes from a table, in the same run — so the
 * node's latency is judged against what node + the zeromq binding cost for that traffic. Without node + zeromq
 * the load comes from bunmark's own client and the baseline is skipped (the report says why).
 *
 * Goals (development VM, 2 cores): p50 latency ≤ 1.3 × the baseline's; ≥ 3,400 req/s from 1 client and ≥ 8,800
 * req/s from 8 clients (bitmarkd 8.2 on this machine, load generator included); alive after the signals.
 *
 *   bun bench/wire.ts [--quick] [--runs N] [--seconds S] [--blocks N] [--json]
 */
import { spawnSync } from "bun";
import { join } from "node:path";
import { parseCommand } from "../src/cli/args.ts";
import { reportLoad } from "../src/bench/load.ts";
import { lines } from "../src/bench/shared.ts";
import { BENCH_SPECS } from "../src/bench/specs.ts";
import { BUNMARK_GENERATOR, type HexFrames, type LoadGenerator, type RunningServer } from "../src/bench/wire-procs.ts";
import { CLIENTS, num, printTable, runWire, wireFlags, type Report } from "../src/bench/wire.ts";
import { atLeast, atMost, goalLines, holds, type Goal } from "./goals.ts";

const GOALS = { latencyRatio: 1.3, oneClient: 3_400, eightClients: 8_800 };
const SCRIPTS = import.meta.dir;

/** node + npm zeromq when they work from this folder, or why not. */
export function nodeGenerator(): { gen: LoadGenerator & { node: string } } | { whyNot: string } {
  const node = process.env.BUNMARK_NODE ?? Bun.which("node");
  if (!node) return { whyNot: "node is not installed" };
  // `node` may be Bun's own shim, under which the zeromq binding does not work.
  let check;
  try {
    check = spawnSync([node, "--input-type=module", "-e", "if (process.versions.bun) process.exit(3); await import('zeromq')"], { cwd: SCRIPTS, stderr: "pipe" });
  } catch (e) {
    return { whyNot: `node cannot run: ${e instanceof Error ? e.message : e}` };
  }
  if (check.exitCode === 3) return { whyNot: `${node} is Bun, not node` };
  if (check.exitCode !== 0) return { whyNot: `node cannot load the npm zeromq package: ${check.stderr.toString().trim().split("\n")[0]}` };
  return { gen: { node, name: "node + npm zeromq REQ clients", command: (config) => [node, join(SCRIPTS, "wire-load.mjs"), config] } };
}

/** The node + zeromq baseline answering from `table` (request frames → reply frames). */
async function startBaseline(node: string, table: [HexFrames, HexFrames][]): Promise<RunningServer> {
  const proc = Bun.spawn([node, join(SCRIPTS, "wire-baseline.mjs")], { stdin: new TextEncoder().encode(JSON.stringify({ table })), stdout: "pipe", stderr: "inherit" });
  for await (const line of lines(proc.stdout)) {
    const [ready, endpoint, serverKey] = line.split(" ");
    if (ready === "ready" && endpoint && serverKey) return { name: "baseline", proc, endpoint, serverKey };
  }
  throw new Error(`baseline exited with code ${await proc.exited} before it was ready`);
}

export function wireGoals(r: Report): Goal[] {
  const { bunmark, baseline } = r.servers;
  const s = r.signals;
  return [
    atMost("wire", `p50 latency ≤ ${GOALS.latencyRatio} × baseline`, baseline ? bunmark.oneClient.p50Us / baseline.oneClient.p50Us : undefined, GOALS.latencyRatio),
    atLeast("wire", `1 client ≥ ${num(GOALS.oneClient)} req/s`, bunmark.oneClient.perSecond, GOALS.oneClient),
    atLeast("wire", `${CLIENTS} clients ≥ ${num(GOALS.eightClients)} req/s`, bunmark.eightClients.perSecond, GOALS.eightClients),
    holds("wire", "node alive and answering after signals", !s.failure && s.alive && s.answering && s.cleanStop),
  ];
}

/** Runs the harness; prints the table (or the report with its goals as JSON) and returns the goals. */
export async function wireBench(args: string[]): Promise<Goal[]> {
  const p = parseCommand(BENCH_SPECS.wire!, args);
  if (p === "help") throw new Error("usage: bun bench/wire.ts [--quick] [--runs N] [--seconds S] [--blocks N] [--json]");
  const json = p.flags.has("json");
  reportLoad("wire (development harness)");
  const found = nodeGenerator();
  const report = await runWire({
    ...wireFlags(p),
    say: (s) => json || process.stderr.write(s),
    ...("gen" in found
      ? { gen: found.gen, node: `node ${spawnSync([found.gen.node, "--version"]).stdout.toString().trim()}`, baseline: { start: (t) => startBaseline(found.gen.node, t) } }
      : { gen: BUNMARK_GENERATOR, baseline: { skipped: `baseline needs node + npm zeromq; here ${found.whyNot}` } }),
  });
  const goals = wireGoals(report);
  if (json) console.log(JSON.stringify({ ...report, goals }));
  else printTable(report);
  return goals;
}

if (import.meta.main) {
  const goals = await wireBench(process.argv.slice(2));
  if (!process.argv.includes("--json")) console.log(["", ...goalLines(goals)].join("\n"));
  process.exitCode = goals.some((g) => g.status === "fail") ? 1 : 0;
}
