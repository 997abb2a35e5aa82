/**
 * Slow and hung upstreams must not stall the connector: two nodes synchronise the same generated chain side
 * by side, one from healthy peers only, the other from the same healthy peers plus two that accept TCP and
 * never say a word (the CURVE handshake never completes) and one that answers every `B` and `H` only after a
 * long delay (test/harness/bad-peers.ts). Requests use bitmarkd's 60 s timeout, so nothing is rescued by a
 * short one: the node with bad peers must finish about when the other does.
 */
import { beforeAll, expect, test } from "bun:test";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { openStore, type Store } from "../../src/chain/store/store.ts";
import { silentServer, type SilentServer, slowPeer, type SlowPeer } from "../support/harness/bad-peers.ts";
import { cachedChain, loadChain, type SourceChain } from "../support/harness/chains.ts";
import { nodeSuite, servingNode } from "../support/harness/node-suite.ts";
import { figures, PROFILE, withSeed } from "../support/harness/profile.ts";
import { wireDigestsMatch } from "../support/harness/store-check.ts";
import { NodeProcess, secretLeaks } from "../support/node-process.ts";

/** The node with bad peers may take this much longer than the one without (factor, or seconds if more). */
const SLOWDOWN_FACTOR = 1.5;
const SLOWDOWN_SECONDS = 15;

let source: SourceChain;
let p: NodeProcess;
let slowStore: Store;
let slow: SlowPeer;
let hung: SilentServer[] = [];
const nodes: NodeProcess[] = [];

const root = nodeSuite("slow", {
  beforeShutdown: async () => {
    slow?.close();
    for (const h of hung) h.close();
    await slowStore?.close();
  },
});

beforeAll(async () => {
  source = await loadChain(await cachedChain({ blocks: PROFILE.slowChainBlocks, seed: "reliability", base: PROFILE.chainBlocks }));
  p = await servingNode(root, source.dir);
  nodes.push(p);
  mkdirSync(join(root, "slow"));
  copyFileSync(join(source.dir, "local.lmdb"), join(root, "slow", "local.lmdb"));
  slowStore = openStore(join(root, "slow"), "local");
  slow = slowPeer({ store: slowStore, delayMs: PROFILE.slowDelayMs });
  hung = await Promise.all([silentServer(), silentServer()]);
}, 1_800_000);

async function syncSeconds(n: NodeProcess, started: number): Promise<number> {
  await n.waitFor("synchronised", (i) => i.height === source.height && i.normal, 600_000);
  return (performance.now() - started) / 1000;
}

test(
  "hung and slow upstreams do not stall the sync from healthy ones",
  () =>
    withSeed("slow peers", async () => {
      const timing = { upstream_timeout: 60_000 };
      const clean = await NodeProcess.create({ root, name: "clean", connect: [p.peer, p.peer, p.peer], timing });
      const troubled = await NodeProcess.create({
        root,
        name: "troubled",
        connect: [p.peer, p.peer, p.peer, { publicKey: slow.publicKey, address: slow.address }, ...hung.map((h) => ({ publicKey: h.publicKey, address: h.address }))],
        timing,
      });
      nodes.push(clean, troubled);
      const started = performance.now();
      await Promise.all([clean.start(), troubled.start()]);
      const [cleanSeconds, troubledSeconds] = await Promise.all([syncSeconds(clean, started), syncSeconds(troubled, started)]);
      expect(await wireDigestsMatch(troubled, source)).toEqual([]);
      figures("slow peers", {
        blocks: source.height - 1,
        slow_delay_ms: PROFILE.slowDelayMs,
        hung_connections: hung.reduce((s, h) => s + h.connections, 0),
        slow_peer_asked: slow.asked,
        healthy_only_seconds: cleanSeconds.toFixed(1),
        with_bad_peers_seconds: troubledSeconds.toFixed(1),
      });
      // The bad peers were really dialled, and the slow one was really asked for blocks or digests.
      expect(hung.every((h) => h.connections > 0)).toBe(true);
      expect(slow.asked).toBeGreaterThan(0);
      expect(troubledSeconds).toBeLessThan(Math.max(cleanSeconds * SLOWDOWN_FACTOR, cleanSeconds + SLOWDOWN_SECONDS));
      expect(troubled.running && clean.running).toBe(true);
    }),
  900_000,
);

test("no secret key in any captured node output", () => {
  expect(secretLeaks(nodes)).toEqual([]);
});
