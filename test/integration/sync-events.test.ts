/**
 * Issue 17 on loopback with real nodes (`bunmark run` processes, chain `local`, a 6-block chain from `bunmark
 * chain generate`):
 *
 * - event-driven start: a fresh node whose connector cycle and height poll are an hour reaches its three
 *   upstreams' height and Normal: no tick of either timer can have fired, the events did it; `/status` shows
 *   the phase;
 * - peer hygiene, asked by an independent client (pyzmq): `R` replies name peers the node has reached, never
 *   the asker (by key or by address) nor the node itself, and a stopped peer no more once the window passed;
 * - push to every node: six nodes in a ring, each `connect`ing to the next only, poll and cycle an hour; every
 *   node is dialled back by the one it connects to, and a block pushed into one node is served by all six,
 *   through pushes alone, within hops × (digest time + 100 ms) (figures printed at the end).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { blockNumberKey, HEADER_SIZE } from "../../src/chain/types/header.ts";
import { openStore } from "../../src/chain/store/store.ts";
import { activeBackend } from "../../src/crypto/index.ts";
import { canonical, packConnections, parseConnection, unpackAll } from "../../src/peer/address.ts";
import { curveKeyPair } from "../../src/transport/curve.ts";
import { ensureKeyPair } from "../../src/transport/keys.ts";
import { connectEachToOthers, nodeSuite } from "../support/harness/node-suite.ts";
import { NodeProcess } from "../support/node-process.ts";
import { CLI } from "../support/paths.ts";
import { pyzmqRequests, pyzmqSkipReason } from "../support/pyzmq.ts";
import { toHex } from "../support/hex.ts";

const hash = activeBackend();

const HOUR = 3_600_000;
/** Events only: neither the connector cycle nor the upstream poll fires while a test runs. */
const EVENTS_ONLY = { connector_cycle: HOUR, upstream_poll: HOUR };
/** The reached-peer window on the upstreams (production: 2 min). */
const WINDOW_MS = 2000;
const CHAIN_BLOCKS = 6;
const te = new TextEncoder();
const td = new TextDecoder();

const figures: Record<string, unknown> = {};
afterAll(() => console.log(`sync-events figures ${JSON.stringify(figures)}`));
const root = nodeSuite("sync-events");
const chainDir = join(root, "chain");
const ringChain = join(root, "ring-chain");

async function generate(dir: string, blocks: number): Promise<void> {
  const p = Bun.spawn([process.execPath, CLI, "chain", "generate", "--blocks", String(blocks), "--data", dir, "--seed", "sync-events"], { stdout: "pipe", stderr: "pipe" });
  const [err, code] = await Promise.all([new Response(p.stderr).text(), p.exited]);
  if (code !== 0) throw new Error(`chain generate: exit ${code}\n${err}`);
}

let upstreams: NodeProcess[] = [];

beforeAll(async () => {
  await generate(chainDir, CHAIN_BLOCKS);
  upstreams = await Promise.all(
    [1, 2, 3].map((i) => NodeProcess.create({ root, name: `u${i}`, chainFrom: chainDir, timing: { minimum_clients: 2, peer_reached_window: WINDOW_MS } })),
  );
  connectEachToOthers(upstreams);
  await Promise.all(upstreams.map((u) => u.start()));
  await Promise.all(upstreams.map((u) => u.waitFor("Normal", (i) => i.normal, 60_000)));
}, 180_000);

describe("event-driven start", () => {
  test("a fresh node with three upstreams reaches Normal with its cycle and height poll set to an hour", async () => {
    const s = await NodeProcess.create({ root, name: "fresh", connect: upstreams.map((u) => u.peer), timing: { ...EVENTS_ONLY, minimum_clients: 3 }, http: true });
    const t0 = performance.now();
    await s.start();
    const info = await s.waitFor("Normal at the upstreams' height", (i) => i.normal && i.height === CHAIN_BLOCKS + 1, 60_000);
    figures.fresh_start_to_normal_s = Number(((performance.now() - t0) / 1000).toFixed(2));
    expect(info.height).toBe(CHAIN_BLOCKS + 1);
    expect(s.output).toMatch(/connector: started .*cycleMs=3600000/);
    expect(s.output).toMatch(/chain chosen height=7 .*votes=3/);
    for (const phase of ["registering", '"choosing chain"', "fetching", "verifying", "Normal"]) expect(s.output).toContain(`sync phase phase=${phase}`);
    const status = (await (await fetch(`http://127.0.0.1:${s.httpPort}/status`)).json()) as { sync?: { phase: string; enteredAfterMs: number } };
    expect(status.sync?.phase).toBe("Normal");
    expect(status.sync!.enteredAfterMs).toBeGreaterThan(0);
    expect(await s.stop()).toBe(0);
  }, 120_000);
});

describe("peer hygiene of R replies (independent pyzmq client)", () => {
  const skip = pyzmqSkipReason();
  const now = () => blockNumberKey(Math.floor(Date.now() / 1000));

  /** The peers named by `tries` R requests to `to` from asker `key` announcing `listeners`: key hex → listeners. */
  async function named(to: NodeProcess, key: Uint8Array, listeners: Uint8Array, tries = 40): Promise<Map<string, string[]>> {
    const request = [te.encode("local"), te.encode("R"), te.encode("local"), key, listeners, now()];
    const { replies } = await pyzmqRequests({ address: to.address, serverKey: to.publicKey, requests: Array.from({ length: tries }, () => request) });
    const out = new Map<string, string[]>();
    for (const r of replies) {
      if (r === "timeout") throw new Error("R timed out");
      if (td.decode(r[0]) === "R") out.set(toHex(r[2]!), unpackAll(r[3]!).map(canonical));
      else expect(td.decode(r[0])).toBe("E");
    }
    return out;
  }

  test.skipIf(skip !== undefined)("never the asker or the node itself; a stopped peer is gone after the window", async () => {
    const [u1, u2, u3] = upstreams as [NodeProcess, NodeProcess, NodeProcess];
    const hex = (n: NodeProcess) => toHex(n.publicKey);
    const stranger = curveKeyPair().publicKey;
    const nowhere = packConnections([parseConnection("127.0.0.1:9")]);
    // u1 has reached u2 and u3 (its upstreams): both are named, u1 never (nor the asker). The node of the
    // previous test may be named too while its dial-back is within the window.
    const both = [...(await named(u1, stranger, nowhere)).keys()];
    expect(both).toContain(hex(u2));
    expect(both).toContain(hex(u3));
    expect(both).not.toContain(hex(u1));
    expect(both).not.toContain(toHex(stranger));
    // the asker by key, then by address (another key announcing u3's listener)
    const byKey = [...(await named(u1, u2.publicKey, nowhere)).keys()];
    expect(byKey).toContain(hex(u3));
    expect(byKey).not.toContain(hex(u2));
    const byAddress = [...(await named(u1, stranger, packConnections([parseConnection(u3.address)]))).keys()];
    expect(byAddress).toContain(hex(u2));
    expect(byAddress).not.toContain(hex(u3));

    expect(await u3.stop()).toBe(0);
    const stopped = performance.now();
    // u1 polls u3 no more successfully: after the window only u2 is named (the stopped node of the previous
    // test is gone as well)
    await Bun.sleep(WINDOW_MS + 500);
    const after = await named(u1, stranger, nowhere);
    figures.stopped_peer_absent_after_ms = Math.round(performance.now() - stopped);
    expect([...after.keys()]).toEqual([hex(u2)]);
    await u3.start();
  }, 60_000);
});

describe("blocks reach every node by push", () => {
  test("a 6-node ring (each connects to the next only, poll and cycle an hour): dialled back, a pushed block served everywhere", async () => {
    await generate(ringChain, CHAIN_BLOCKS + 1);
    const store = openStore(ringChain, "local");
    const block = store.getBlock(CHAIN_BLOCKS + 2).slice();
    await store.close();
    const digestMs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await hash.blockDigestBatch([block.subarray(0, HEADER_SIZE)]);
      digestMs.push(performance.now() - t);
    }
    const digest = digestMs.sort((a, b) => a - b)[1]!;

    const ring = await Promise.all(
      Array.from({ length: 6 }, (_, i) => NodeProcess.create({ root, name: `r${i}`, chainFrom: chainDir, timing: { ...EVENTS_ONLY, minimum_clients: 1 }, http: true })),
    );
    for (const n of ring) ensureKeyPair(n.dir);
    for (let i = 0; i < 6; i++) ring[i]!.writeConfig([ring[(i + 1) % 6]!.peer]);
    await Promise.all(ring.map((n) => n.start()));
    await Promise.all(ring.map((n) => n.waitFor("Normal", (i) => i.normal, 60_000)));
    // every node has two registered upstreams: the one it connects to, and the dial-back to its predecessor
    const out = async (n: NodeProcess) => ((await (await fetch(`http://127.0.0.1:${n.httpPort}/status`)).json()) as { peersOut: number }).peersOut;
    const deadline = Date.now() + 30_000;
    while ((await Promise.all(ring.map(out))).some((c) => c < 2) && Date.now() < deadline) await Bun.sleep(100);
    expect(await Promise.all(ring.map(out))).toEqual([2, 2, 2, 2, 2, 2]);

    // pushed into r0; the farthest node is 3 hops away either way round
    const served = new Map<number, number>();
    const t0 = performance.now();
    const ack = await ring[0]!.request(["block", block], 5000);
    expect(ack && td.decode(ack[0])).toBe("block");
    while (served.size < 6 && performance.now() - t0 < 30_000) {
      await Promise.all(
        ring.map(async (n, i) => {
          if (!served.has(i) && (await n.height(1000)) === CHAIN_BLOCKS + 2) served.set(i, performance.now() - t0);
        }),
      );
      await Bun.sleep(5);
    }
    const ms = ring.map((_, i) => Math.round(served.get(i) ?? Number.NaN));
    const hops = [0, 1, 2, 3, 2, 1];
    figures.ring = { digest_ms: Math.round(digest), served_ms: ms, bound_ms: hops.map((h) => Math.round(Math.max(1, h) * (digest + 100))) };
    expect(ms.every((x) => Number.isFinite(x))).toBe(true);
    // The bound is reported, not asserted: the machine is shared and digest times vary from run to run. What
    // is asserted is that the block got everywhere with both timers an hour away: by push alone.
  }, 240_000);
});
