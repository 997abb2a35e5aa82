/** `bunmark bench rpc --json` runs end to end: a node (fresh or a copy of a generated chain), the embedded python3 generator, figures for each run. */
import { expect, test } from "bun:test";
import { cachedOwnershipChain } from "../support/harness/chains.ts";
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

test("bench rpc --chain-from serves a generated chain: Bitmark.Provenance answered from it", async () => {
  const chain = await cachedOwnershipChain({ seed: "rpc-methods", bitmarks: 30, steps: 4 });
  const argument = JSON.stringify({ txId: chain.lastTransfer, count: 200 });
  const args = ["bench", "rpc", "--json", "--seconds", "1", "--warmup", "0", "--connections", "1", "--chain-from", chain.dir, "--method", "Bitmark.Provenance", "--argument", argument];
  const proc = Bun.spawn([process.execPath, CLI, ...args], { stdout: "pipe", stderr: "pipe" });
  const out = await new Response(proc.stdout).text();
  expect(await proc.exited).toBe(0);
  const report = JSON.parse(out) as { methodAnswered: boolean; runs: { requests: number; firstReply: string }[] };
  expect(report.methodAnswered).toBe(true);
  expect(report.runs[0]!.requests).toBeGreaterThan(0);
  expect(report.runs[0]!.firstReply).toContain(`"record":"BitmarkTransferUnratified","isOwner":true,"txId":"${chain.lastTransfer}"`);
}, 120_000);

test("bench rpc --chain-from a directory without a chain: refused", () => {
  const r = Bun.spawnSync([process.execPath, CLI, "bench", "rpc", "--chain-from", "/nonexistent-bunmark-dir"]);
  expect(r.exitCode).toBe(1);
  expect(r.stderr.toString()).toContain("--chain-from /nonexistent-bunmark-dir: no local.lmdb there");
});
