/** `bunmark bench rpc --json` runs end to end: a node, the embedded python3 generator, figures for each run. */
import { expect, test } from "bun:test";
import { CLI } from "../support/paths.ts";

test("bench rpc produces figures for 1 and 2 connections", async () => {
  const proc = Bun.spawn([process.execPath, CLI, "bench", "rpc", "--json", "--seconds", "1", "--warmup", "0", "--connections", "1,2"], { stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  expect(await proc.exited).toBe(0);
  const report = JSON.parse(out) as { method: string; runs: { connections: number; requests: number; rps: number; p99Ms: number; cpuUsPerRequest: number; firstReply: string }[] };
  expect(report.method).toBe("Node.Info");
  expect(report.runs.map((r) => r.connections)).toEqual([1, 2]);
  for (const r of report.runs) {
    expect(r.requests).toBeGreaterThan(0);
    expect(r.p99Ms).toBeGreaterThan(0);
    expect(r.cpuUsPerRequest).toBeGreaterThanOrEqual(0);
    expect(r.firstReply).toStartWith('{"id":1,');
  }
  expect(err).toBe("");
}, 120_000);
