/**
 * The connector's acceptance tests at the stated scale: real nodes (`bunmark run` processes, chain `local`) on
 * loopback, chains from `bunmark chain generate`, the production fork protection (60).
 *
 * - clean sync: three nodes hold the 300-block chain A; a fourth starts empty (first: the others start after
 *   it, in reverse order) and ends with every block digest and every chain table of A. One of its upstreams
 *   is a garbage peer (test/helpers/garbage-peer.ts: A's chain for everything but `B`, whose answers are
 *   garbage or come too late); hung and slow peers are covered by reliability-slow-peers.test.ts.
 * - fork recovery: a node on chain B (A's first 280 blocks, then 16 of its own) ends on A, B's own
 *   transactions gone from its Transactions table.
 * - fork protection: a node on chain D (A's first 230 blocks, then 66 of its own: deeper than 60) is refused,
 *   keeps D and says why, once per connector cycle.
 *
 * Every generated block costs one Argon2 digest, so the chains are generated once, by continuing stores
 * (chain generate keeps the blocks a store already holds): A's first 230 blocks, copied and continued as D
 * while A goes on to 280, copied and continued as B while A goes on to 300. Figures (generation, sync, fork
 * phases, load) are printed at the end.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { CHAIN_TABLES, openStore } from "../../src/chain/store/store.ts";
import { CONNECTOR_DEFAULTS } from "../../src/peer/sync/constants.ts";
import { connectEachToOthers, nodeSuite } from "../support/harness/node-suite.ts";
import { garbagePeer, KINDS, type GarbagePeer } from "../support/garbage-peer.ts";
import { NodeProcess } from "../support/node-process.ts";
import { CLI } from "../support/paths.ts";

const SEED = "multinode";
/** chain A: blocks 2…301 */
const A_BLOCKS = 300;
/** chain B: A's blocks up to 280, then 281…296 of its own */
const B_FORK = 280;
const B_BLOCKS = 295;
/** chain D: A's blocks up to 230, then 231…296 of its own — 66 blocks to replace, more than the protection */
const D_FORK = 230;
const D_BLOCKS = 295;
const A_HEIGHT = A_BLOCKS + 1;
const B_HEIGHT = B_BLOCKS + 1;
const D_HEIGHT = D_BLOCKS + 1;
/** a garbage answer that never comes in time: longer than the upstream timeout (TEST_TIMING: 3 s) */
const LATE_MS = 4000;
/** how long the refused node is watched for busy-looping */
const WATCH_MS = 3000;

/** printed at the end: seconds per phase, kept blocks, load */
const figures: Record<string, unknown> = { loadavg_start: loadavg() };
/** generators still running (a failed beforeAll must not leave them computing digests) */
const generating = new Set<Subprocess>();
// registered before nodeSuite's (bun runs afterAll hooks in order): load read with the nodes up, generators killed before rmSync
afterAll(() => {
  figures.loadavg_end = loadavg();
  console.log(`multinode figures ${JSON.stringify(figures)}`);
  for (const p of generating) p.kill("SIGKILL");
});
let garbage: GarbagePeer | undefined;
const root = nodeSuite("multinode", { beforeShutdown: () => garbage?.close() });
const chainDir = { a: join(root, "chain-a"), b: join(root, "chain-b"), d: join(root, "chain-d") };

/** What the tests compare: digests (hex, index = block number) and every chain table (count and hash). */
interface ChainSummary {
  height: number;
  digests: string[];
  tables: Record<string, { entries: number; sha256: string }>;
  /** txid (hex) → block number, from the Transactions table */
  txBlock: Map<string, number>;
}

let A: ChainSummary, B: ChainSummary, D: ChainSummary;
let sources: NodeProcess[] = [];

function loadavg(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}

function seconds(since: number): number {
  return Number(((performance.now() - since) / 1000).toFixed(1));
}

/** `bunmark chain generate` into `dir` (continuing what it holds); returns the summary it prints. */
async function generate(dir: string, blocks: number, forkAt?: number): Promise<{ height: number; kept: number; seconds: number }> {
  const args = ["chain", "generate", "--blocks", String(blocks), "--data", dir, "--seed", SEED, ...(forkAt === undefined ? [] : ["--fork-at", String(forkAt)])];
  const p = Bun.spawn([process.execPath, CLI, ...args], { stdout: "pipe", stderr: "pipe" });
  generating.add(p);
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  generating.delete(p);
  if (code !== 0) throw new Error(`chain ${args.join(" ")}: exit ${code}\n${err}`);
  return JSON.parse(out);
}

function copyChain(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  copyFileSync(join(from, "local.lmdb"), join(to, "local.lmdb"));
}

async function summarise(dir: string): Promise<ChainSummary> {
  const store = openStore(dir, "local");
  try {
    const height = store.height();
    const digests = Array.from({ length: height + 1 }, (_, n) => (n === 0 ? "" : Buffer.from(store.digestForBlock(n)).toString("hex")));
    const tables: ChainSummary["tables"] = {};
    for (const k of Object.keys(CHAIN_TABLES) as (keyof typeof CHAIN_TABLES)[]) {
      const h = createHash("sha256");
      let entries = 0;
      for (const { key, value } of store.tables[k].entries()) {
        h.update(`${Buffer.from(key).toString("hex")}=${Buffer.from(value).toString("hex")};`);
        entries++;
      }
      tables[CHAIN_TABLES[k]] = { entries, sha256: h.digest("hex") };
    }
    const txBlock = new Map<string, number>();
    for (const { key } of store.tables.transactions.entries()) txBlock.set(Buffer.from(key).toString("hex"), store.transaction(key)!.block);
    return { height, digests, tables, txBlock };
  } finally {
    await store.close();
  }
}

const pick = (s: ChainSummary, names: string[]) => Object.fromEntries(names.map((n) => [n, s.tables[n]]));

/** Digests of blocks from…to as a node serves them (`H`), hex. */
async function wireDigests(n: NodeProcess, from: number, to: number): Promise<string[]> {
  const out: string[] = [];
  for (let b = from; b <= to; b++) {
    const d = await n.digest(b);
    out.push(d instanceof Uint8Array ? Buffer.from(d).toString("hex") : `no digest: ${d}`);
  }
  return out;
}

/** A node holding a copy of `chain`, following the three A nodes. */
function follower(name: string, chain: string | undefined, extra: { connect?: NodeProcess["peer"][]; timing?: Record<string, number> } = {}): Promise<NodeProcess> {
  return NodeProcess.create({
    root,
    name,
    ...(chain ? { chainFrom: chain } : {}),
    connect: [...sources.map((s) => s.peer), ...(extra.connect ?? [])],
    timing: { minimum_clients: 3, ...extra.timing },
  });
}

beforeAll(async () => {
  const started = performance.now();
  // A's first 230 blocks are shared by B and D; the tails of A and D are generated side by side (2 cores).
  const prefix = await generate(chainDir.a, D_FORK - 1);
  figures.generate_shared_prefix_s = seconds(started);
  copyChain(chainDir.a, chainDir.d);
  const d = generate(chainDir.d, D_BLOCKS, D_FORK);
  const toB = await generate(chainDir.a, B_FORK - 1);
  copyChain(chainDir.a, chainDir.b);
  const [a, b, dd] = await Promise.all([generate(chainDir.a, A_BLOCKS), generate(chainDir.b, B_BLOCKS, B_FORK), d]);
  figures.generate_all_s = seconds(started);
  figures.generated_s = { a: Number((a.seconds + toB.seconds + prefix.seconds).toFixed(1)), b: b.seconds, d: dd.seconds };
  // each continuation kept what the store held and paid digests for its new blocks only
  expect([prefix.kept, toB.kept, a.kept, b.kept, dd.kept]).toEqual([0, D_FORK - 1, B_FORK - 1, B_FORK - 1, D_FORK - 1]);
  [A, B, D] = await Promise.all([summarise(chainDir.a), summarise(chainDir.b), summarise(chainDir.d)]);
  expect([A.height, B.height, D.height]).toEqual([A_HEIGHT, B_HEIGHT, D_HEIGHT]);

  sources = await Promise.all([1, 2, 3].map((i) => NodeProcess.create({ root, name: `a${i}`, chainFrom: chainDir.a, timing: { minimum_clients: 2 } })));
  connectEachToOthers(sources);
}, 900_000);

describe("multi-node synchronisation (chains of 300 blocks, fork protection 60)", () => {
  test("clean sync: an empty node started before its three peers ends with A's digests and tables, a garbage peer survived", async () => {
    const startOrder = [...sources].reverse();
    // The garbage peer stands in front of the first A node to start, and the syncing node waits for all four
    // upstreams: the garbage peer has reported A's height (a second before the last A node starts) when the
    // vote chooses the peers to fetch from, so it is among them.
    garbage = garbagePeer({ upstream: startOrder[0]!.peer, lateMs: LATE_MS });
    const s = await follower("sync", undefined, { connect: [garbage], timing: { minimum_clients: 4, bad_peer_cooldown: 1000 } });
    const started = performance.now();
    await s.start();
    await Bun.sleep(500);
    for (const n of startOrder) await n.start();
    await Promise.all(sources.map((n) => n.waitFor("Normal mode", (i) => i.normal, 60_000)));
    const serving = performance.now();
    await s.waitFor("synchronised", (i) => i.height === A_HEIGHT && i.normal, 300_000);
    figures.clean_sync_s = seconds(serving);
    figures.clean_sync_with_startup_s = seconds(started);
    figures.garbage_served = garbage.served;

    expect(await wireDigests(s, 1, A_HEIGHT)).toEqual(A.digests.slice(1));
    expect(await wireDigests(sources[0]!, 1, A_HEIGHT)).toEqual(A.digests.slice(1));
    expect(s.output).toContain("synchronised");
    // Whether the garbage peer is asked for blocks depends on the event-driven vote (issue 17: it runs as soon as
    // the upstreams have reported heights, and may fetch from the three A nodes alone); it was asked in most runs.
    // What it served is recorded in the figures; kinds rotate per request, so once asked three times it has given a
    // reply of the wrong shape, an E reply and a timeout, and the node synced past them.
    if (KINDS.reduce((n, k) => n + garbage!.served[k], 0) >= 3) expect(KINDS.slice(0, 3).filter((k) => garbage!.served[k] === 0)).toEqual([]);
    expect(s.running).toBe(true);

    expect(await s.stop()).toBe(0);
    expect((await summarise(s.dir)).tables).toEqual(A.tables);
  }, 600_000);

  test("fork recovery: a node on B (forked at 280) ends on A, B's own transactions removed", async () => {
    const bOnly = [...B.txBlock].filter(([, block]) => block > B_FORK).map(([tx]) => tx);
    const aOnly = [...A.txBlock].filter(([, block]) => block > B_FORK).map(([tx]) => tx);
    expect(bOnly.length).toBeGreaterThan(B_HEIGHT - B_FORK); // a foundation and more in every block
    expect(bOnly.filter((tx) => A.txBlock.has(tx))).toEqual([]);
    const e = await follower("fork-b", chainDir.b);
    const started = performance.now();
    await e.start();
    await e.waitFor("on chain A", (i) => i.height === A_HEIGHT && i.normal, 240_000);
    figures.fork_recovery_s = seconds(started);
    expect(await wireDigests(e, 1, A_HEIGHT)).toEqual(A.digests.slice(1));
    expect(e.output).toContain("fork detected");

    expect(await e.stop()).toBe(0);
    const after = await summarise(e.dir);
    expect(bOnly.filter((tx) => after.txBlock.has(tx))).toEqual([]);
    expect(aOnly.filter((tx) => after.txBlock.get(tx) !== A.txBlock.get(tx))).toEqual([]);
    // the index tables keep 8.2's delete-down quirks (src/chain/delete-down.ts); the chain itself is A's
    const chain = ["Blocks", "BlockDigest", "Transactions", "Assets"];
    expect(pick(after, chain)).toEqual(pick(A, chain));
  }, 300_000);

  test("fork protection: a node on D (66 blocks of its own) is refused with the real constant, keeps D and does not busy-loop", async () => {
    expect(CONNECTOR_DEFAULTS.forkProtection).toBe(60);
    expect(D_HEIGHT - D_FORK).toBeGreaterThan(CONNECTOR_DEFAULTS.forkProtection);
    const g = await follower("fork-d", chainDir.d);
    expect(JSON.parse(readFileSync(g.configPath, "utf8")).timing).not.toHaveProperty("fork_protection");
    const started = performance.now();
    await g.start();
    const refusal = /fork protection: remote chain forks too deep.*depth=">=60"/;
    await g.waitForLog(refusal, { timeoutMs: 60_000 });
    figures.fork_refused_after_s = seconds(started);

    const mark = g.mark();
    const cpuBefore = g.cpuSeconds()!;
    const watchStart = performance.now();
    await Bun.sleep(WATCH_MS);
    const watched = performance.now() - watchStart;
    const cpu = (g.cpuSeconds()! - cpuBefore) / (watched / 1000);
    const refusals = g.output.slice(mark).split("\n").filter((l) => refusal.test(l)).length;
    figures.fork_protection = { refusals_in_ms: `${refusals}/${Math.round(watched)}`, cpu_fraction: Number(cpu.toFixed(3)) };
    // once per connector cycle (TEST_TIMING: 300 ms), never back to back
    expect(refusals).toBeGreaterThanOrEqual(2);
    expect(refusals).toBeLessThanOrEqual(Math.ceil(watched / 300) + 1);
    expect(cpu).toBeLessThan(0.5);

    expect(await g.info()).toMatchObject({ height: D_HEIGHT, normal: false });
    expect(await wireDigests(g, D_FORK - 1, D_HEIGHT)).toEqual(D.digests.slice(D_FORK - 1));
    expect(D.digests[D_FORK]).toBe(A.digests[D_FORK]!);
    expect(D.digests[D_FORK + 1]).not.toBe(A.digests[D_FORK + 1]!);
    expect(await g.stop()).toBe(0);
  }, 300_000);
});
