/**
 * Load: many concurrent CURVE clients ask a real node `I`, `N`, `H` and `B` for a fixed time while that node
 * synchronises a generated chain (so answers change under the clients' feet and the digest workers compete
 * for the CPU). Every answer is checked against the source chain (test/harness/load.ts): zero wrong answers,
 * the sync keeps going, latency percentiles reported.
 */
import { beforeAll, expect, test } from "bun:test";
import { cachedChain, loadChain, type SourceChain } from "../support/harness/chains.ts";
import { percentile, runLoad } from "../support/harness/load.ts";
import { nodeSuite, servingNode } from "../support/harness/node-suite.ts";
import { figures, PROFILE, SEED, withSeed } from "../support/harness/profile.ts";
import { Rng } from "../support/harness/rng.ts";
import { NodeProcess, secretLeaks } from "../support/node-process.ts";

const root = nodeSuite("load");
let source: SourceChain;
let p: NodeProcess;
let s: NodeProcess;

beforeAll(async () => {
  source = await loadChain(await cachedChain({ blocks: PROFILE.chainBlocks, seed: "reliability" }));
  p = await servingNode(root, source.dir);
}, 1_800_000);

test(
  `${PROFILE.loadClients} concurrent clients asking I/N/H/B of a syncing node: no wrong answer`,
  () =>
    withSeed("load", async () => {
      s = await NodeProcess.create({ root, name: "s", connect: [p.peer, p.peer, p.peer] });
      await s.start();
      // The sync is under way (a first batch stored) when the clients start.
      await s.waitFor("a first block stored", (i) => i.height > 1, 120_000);
      const stats = await runLoad({
        address: s.address,
        serverKey: s.publicKey,
        source,
        clients: PROFILE.loadClients,
        seconds: PROFILE.loadSeconds,
        rng: new Rng(SEED).fork("load"),
      });
      // The load did not wedge the sync: it goes on past what the clients last saw.
      const after = await s.waitFor("the sync going on after the load", (i) => i.height > stats.lastHeight || i.height === source.height, 120_000);
      figures("load", {
        clients: PROFILE.loadClients,
        seconds: PROFILE.loadSeconds,
        requests: stats.requests,
        mix: Object.entries(stats.byCommand).map(([c, k]) => `${c}:${k}`).join(","),
        per_second: Math.round(stats.requests / PROFILE.loadSeconds),
        wrong: stats.wrong.length,
        timeouts: stats.timeouts,
        p50_ms: percentile(stats.latenciesMs, 0.5).toFixed(1),
        p99_ms: percentile(stats.latenciesMs, 0.99).toFixed(1),
        max_ms: percentile(stats.latenciesMs, 1).toFixed(1),
        heights_during_load: `${stats.firstHeight}..${stats.lastHeight}`,
        height_after: after.height,
      });
      expect(stats.wrong.slice(0, 10)).toEqual([]);
      expect(stats.timeouts).toBe(0);
      expect(stats.requests).toBeGreaterThan(PROFILE.loadClients * PROFILE.loadSeconds);
      expect(stats.firstHeight).toBeLessThan(source.height);
      expect(s.running).toBe(true);
    }),
  600_000,
);

test("no secret key in any captured node output", () => {
  expect(secretLeaks([p, s])).toEqual([]);
});
