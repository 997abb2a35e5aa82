/**
 * Smoke test of `bunmark bench wire` (the user's tool: bunmark's own load generator, a report and no goals) and
 * of the development harness bench/wire.ts (node + npm zeromq load, the node + zeromq baseline, the goals), both
 * in their tiny mode (--quick: genesis only, one short run). Timings are not judged here (benchmarks are
 * commands, not timed tests); correctness is: identical replies from both servers, and a node alive and
 * answering after the signal run.
 */
import { describe, expect, test } from "bun:test";
import { nodeGenerator } from "../../../bench/wire.ts";
import { ROOT } from "../../support/paths.ts";


async function bench(args: string[], env: Record<string, string> = {}, harness = false): Promise<{ code: number; stdout: string; stderr: string }> {
  const command = harness ? ["bench/wire.ts"] : ["src/main.ts", "bench", "wire"];
  const proc = Bun.spawn([process.execPath, ...command, ...args], { cwd: ROOT, stdout: "pipe", stderr: "pipe", env: { ...process.env, ...env } });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

interface ServerReport {
  runs: { clients: number; errors: number }[];
  oneClient: { perSecond: number; p50Us: number; p99Us: number };
  eightClients: { perSecond: number; serverCpuUsPerRequest: number; generatorCpuUsPerRequest: number };
}

/** The figures of one server: a 1-client and an 8-client run, every reply as expected. */
function expectFigures(s: ServerReport): void {
  expect(s.runs.map((x) => x.clients)).toEqual([1, 8]);
  for (const run of s.runs) expect(run.errors).toBe(0);
  expect(s.oneClient.perSecond).toBeGreaterThan(0);
  expect(s.oneClient.p50Us).toBeGreaterThan(0);
  expect(s.oneClient.p99Us).toBeGreaterThanOrEqual(s.oneClient.p50Us);
  expect(s.eightClients.perSecond).toBeGreaterThan(0);
  expect(s.eightClients.serverCpuUsPerRequest).toBeGreaterThanOrEqual(0);
  expect(s.eightClients.generatorCpuUsPerRequest).toBeGreaterThan(0);
}

const GOAL_NAMES = ["p50 latency ≤ 1.3 × baseline", "1 client ≥ 3,400 req/s", "8 clients ≥ 8,800 req/s", "node alive and answering after signals"];

const nodeAvailable = Bun.spawnSync(["node", "--input-type=module", "-e", "await import('zeromq')"], { cwd: `${ROOT}/bench`, stderr: "ignore" }).exitCode === 0;

describe("bench wire", () => {
  test.skipIf(!nodeAvailable)(
    "harness --quick --json reports both servers, the signal run and the goals",
    async () => {
      const r = await bench(["--quick", "--json"], {}, true);
      expect([0, 1]).toContain(r.code); // 1 = a goal missed, which a loaded test machine may well do
      const report = JSON.parse(r.stdout);
      expect(report.bench).toBe("wire");
      expect(report.machine.cores).toBeGreaterThan(0);
      expect(report.machine.node).toMatch(/^node v\d+/);
      expect(report.config).toMatchObject({ runs: 1, clients: 8, height: 1, requests: 3 });
      expect(report.generator).toBe("node + npm zeromq REQ clients");
      for (const name of ["bunmark", "baseline"]) expectFigures(report.servers[name]);
      expect(report.signals).toMatchObject({ signal: "SIGWINCH", caught: true, alive: true, answering: true, cleanStop: true });
      expect(report.signals.sent).toBeGreaterThan(0);
      expect(report.goals.map((g: { goal: string }) => g.goal)).toEqual(GOAL_NAMES);
      expect(report.goals[3].status).toBe("pass");
    },
    120_000,
  );

  test.each([
    { name: "node is Bun's own executable", node: process.execPath, reason: /is Bun, not node/ },
    { name: "node cannot run", node: "/nonexistent/node", reason: /node cannot load|ENOENT|not found/ },
  ])("harness: bunmark's own generator, with the reason, when $name", ({ node, reason }) => {
    const saved = process.env.BUNMARK_NODE;
    process.env.BUNMARK_NODE = node;
    try {
      const found = nodeGenerator();
      expect("whyNot" in found && found.whyNot).toMatch(reason);
    } finally {
      if (saved === undefined) delete process.env.BUNMARK_NODE;
      else process.env.BUNMARK_NODE = saved;
    }
  });

  test(
    "bunmark bench wire --quick --json: bunmark's own generator, no baseline, no goals (it reports), the signal run",
    async () => {
      const r = await bench(["--quick", "--json"]);
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(report.generator).toBe("bunmark's own CURVE REQ clients (RequestClient)");
      expect(report.machine.node).toBeUndefined();
      expect(report.servers.baseline).toBeUndefined();
      expect(report.baselineSkipped).toBeUndefined();
      expect(report.goals).toBeUndefined();
      expect(report.load.cores).toBeGreaterThan(0);
      expect(r.stderr).toStartWith("bench wire: load average ");
      expectFigures(report.servers.bunmark);
      expect(report.signals).toMatchObject({ signal: "SIGWINCH", caught: true, alive: true, answering: true, cleanStop: true });
    },
    120_000,
  );

  test(
    "harness without node + zeromq: bunmark's own generator, the baseline skipped with the reason, the goals",
    async () => {
      const r = await bench(["--quick", "--json"], { BUNMARK_NODE: "/nonexistent/node" }, true);
      expect([0, 1]).toContain(r.code);
      const report = JSON.parse(r.stdout);
      expect(report.baselineSkipped).toMatch(/^baseline needs node \+ npm zeromq; here node cannot run: .*ENOENT/);
      expect(report.goals.map((g: { goal: string; status: string }) => [g.goal, g.status === "skip"])).toEqual(GOAL_NAMES.map((n, i) => [n, i === 0]));
      expect(report.goals[3].status).toBe("pass");
    },
    120_000,
  );

  test.each([["--runs", "0"], ["--seconds", "0"]])("%s %s is refused", async (name, value) => {
    const r = await bench([name, value]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--runs and --seconds must be at least 1");
  });
});
