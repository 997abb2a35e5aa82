/**
 * `bunmark bench crypto` as a user tool (issue 12 item 11): it reports and exits 0 whatever the figures, prints the
 * load average first, carries no development anchors or goals, and `--quick` finishes in under 30 s.
 */
import { expect, test } from "bun:test";
import { CLI } from "../../support/paths.ts";

test("bench crypto --quick --json: under 30 s, exit 0, load line first, bunmark's implementations only, no goals", async () => {
  const t0 = performance.now();
  const p = Bun.spawn([process.execPath, CLI, "bench", "crypto", "--quick", "--json"], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  expect(performance.now() - t0).toBeLessThan(30_000);
  expect(code).toBe(0);
  expect(err).toMatch(/^bench crypto: load average \d+\.\d\d on \d+ cores\n/);
  const report = JSON.parse(out);
  expect(Object.keys(report.medians_ms).sort()).toEqual(expect.arrayContaining(["ts"]));
  for (const anchor of ["argon2-cli", "npm-argon2", "hash-wasm", "noble"]) expect(report.medians_ms[anchor]).toBeUndefined();
  expect(report.goals).toBeUndefined();
  expect(report.load.cores).toBeGreaterThan(0);
}, 60_000);

test("a busy machine is named: the warning above 0.5 per core", async () => {
  const { machineLoad } = await import("../../../src/bench/load.ts");
  const l = machineLoad();
  expect(l.busy).toBe(l.oneMinute / l.cores > 0.5);
});
