/**
 * Listener fuzzing against a real node (`bunmark run`, chain local, in Normal mode so that pushes are really
 * processed): several CURVE clients send generated hostile requests (test/harness/listener-fuzz.ts) mixed with
 * valid I/N/H/B queries whose answers are known exactly from the source chain. Every request must get the
 * reply bitmarkd 8.2 gives, or none when libzmq drops an oversized frame (the client then reconnects); the
 * node must stay up and its resident memory bounded.
 */
import { beforeAll, expect, test } from "bun:test";
import { decodeBlock } from "../../src/chain/types/block.ts";
import { cachedChain, loadChain, type SourceChain } from "../support/harness/chains.ts";
import { type ChainView, runListenerFuzz } from "../support/harness/listener-fuzz.ts";
import { nodeSuite, servingNode } from "../support/harness/node-suite.ts";
import { figures, PROFILE, SEED, withSeed } from "../support/harness/profile.ts";
import { Rng } from "../support/harness/rng.ts";
import { NodeProcess, secretLeaks } from "../support/node-process.ts";

/** Peak resident memory the node may reach while fuzzed (idle ~60 MiB; two 128 MiB Argon2 arenas once a block is pushed). */
const RSS_LIMIT_MIB = 768;
/** Growth allowed from the end of the first half of the requests to the end of the second: nothing may pile up. */
const RSS_GROWTH_LIMIT_MIB = 96;

const root = nodeSuite("fuzz");
let source: SourceChain;
let p: NodeProcess;
let t: NodeProcess;

beforeAll(async () => {
  source = await loadChain(await cachedChain({ blocks: PROFILE.chainBlocks, seed: "reliability" }));
  p = await servingNode(root, source.dir);
  t = await NodeProcess.create({ root, name: "t", chainFrom: source.dir, connect: [p.peer, p.peer, p.peer] });
  await t.start();
  await t.waitFor("Normal mode", (i) => i.normal && i.height === source.height, 60_000);
}, 1_800_000);

test(
  "hostile requests from concurrent CURVE clients: right replies, node up, memory bounded",
  () =>
    withSeed("listener fuzz", async () => {
      const view: ChainView = {
        chain: "local",
        height: source.height,
        blocks: source.blocks,
        digests: source.digests,
        records: source.blocks.slice(2).flatMap((b) => decodeBlock(b, true).records.map((r) => r.packed)),
      };
      const idleKiB = t.rssKiB()!;
      let peakKiB = idleKiB;
      const sampler = setInterval(() => (peakKiB = Math.max(peakKiB, t.rssKiB() ?? 0)), 100);
      const started = performance.now();
      /** Half of the requests, then the resident memory once the last large frame is gone. */
      const half = async (label: string) => {
        const stats = await runListenerFuzz({
          address: t.address,
          serverKey: t.publicKey,
          view,
          rng: new Rng(SEED).fork(`listener-fuzz-${label}`),
          clients: PROFILE.fuzzClients,
          total: Math.ceil(PROFILE.fuzzRequests / 2),
        });
        await Bun.sleep(2000);
        return { stats, rssKiB: t.rssKiB() ?? 0 };
      };
      const first = await half("a");
      const second = await half("b").finally(() => clearInterval(sampler));
      const seconds = (performance.now() - started) / 1000;
      const stats = {
        sent: first.stats.sent + second.stats.sent,
        valid: first.stats.valid + second.stats.valid,
        dropped: first.stats.dropped + second.stats.dropped,
        reconnects: first.stats.reconnects + second.stats.reconnects,
        failures: [...first.stats.failures, ...second.stats.failures],
      };

      figures("listener fuzz", {
        requests: stats.sent,
        valid_checked: stats.valid,
        dropped_oversized: stats.dropped,
        reconnects: stats.reconnects,
        wrong_replies: stats.failures.length,
        crashes: t.running ? 0 : 1,
        rss_idle_mib: Math.round(idleKiB / 1024),
        rss_half_mib: Math.round(first.rssKiB / 1024),
        rss_end_mib: Math.round(second.rssKiB / 1024),
        rss_peak_mib: Math.round(peakKiB / 1024),
        seconds: seconds.toFixed(1),
      });
      expect(stats.failures.slice(0, 10)).toEqual([]);
      expect(t.running).toBe(true);
      expect(p.running).toBe(true);
      expect(stats.sent).toBeGreaterThanOrEqual(PROFILE.fuzzRequests);
      expect(stats.valid).toBeGreaterThan(PROFILE.fuzzRequests / 5);
      expect(stats.dropped).toBeGreaterThan(0);
      // Still exactly right after the storm, and still in Normal mode at the same height.
      expect(await t.info()).toEqual({ version: "8.2", chain: "local", normal: true, height: source.height });
      expect(peakKiB / 1024).toBeLessThan(RSS_LIMIT_MIB);
      expect((second.rssKiB - first.rssKiB) / 1024).toBeLessThan(RSS_GROWTH_LIMIT_MIB);
    }),
  1_800_000,
);

test("no secret key in any captured node output", () => {
  expect(secretLeaks([p, t])).toEqual([]);
});
