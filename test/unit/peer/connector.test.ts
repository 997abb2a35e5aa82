/**
 * The connector driver with real Upstream clients over an in-memory network (fakes in peer-connector-fakes.ts):
 * sync from several peers, majority chain, bad and dead peers, fork recovery and protection, dynamic slots,
 * start in any order, and the sequential mode the bench compares against.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { setLogLevel, setLogSink } from "../../../src/base/log.ts";
import { packConnection, parseConnection } from "../../../src/peer/address.ts";
import { connectorConfig, type ConnectorConfig } from "../../../src/peer/sync/constants.ts";
import { Connector, type StaticPeer } from "../../../src/peer/sync/connector.ts";
import { ModeState } from "../../../src/base/mode.ts";
import { SyncProgress } from "../../../src/peer/sync/progress.ts";
import { until } from "../../support/until.ts";
import { type Block, FakeHasher, FakeNet, FakePeer, FakeStore, key, makeChain } from "../../support/connector-fakes.ts";

const OWN = { publicKey: key(0), secretKey: new Uint8Array(32).fill(1) };
const lines: string[] = [];
afterAll(setLogSink((l) => lines.push(l), false));
setLogLevel("info");

const running: Connector[] = [];
afterEach(async () => {
  for (const c of running.splice(0)) await c.stop();
  lines.length = 0;
});

interface Setup {
  net: FakeNet;
  store: FakeStore;
  hasher: FakeHasher;
  mode: ModeState;
  connector: Connector;
  peers: FakePeer[];
  reconnects: number;
}

/** A node whose statics are the given chains (one fake peer each), not started. */
function setup(chains: Block[][], local: Block[] = [], over: Partial<ConnectorConfig> = {}, hasher = new FakeHasher()): Setup {
  const net = new FakeNet();
  const peers = chains.map((c, i) => net.add(`127.0.0.1:${3000 + i}`, new FakePeer(key(i + 1), c)));
  const statics: StaticPeer[] = peers.map((p, i) => ({ publicKey: p.key, address: `127.0.0.1:${3000 + i}` }));
  const store = new FakeStore(local);
  const mode = new ModeState();
  const s: Setup = { net, store, hasher, mode, peers, reconnects: 0, connector: undefined as unknown as Connector };
  s.connector = new Connector({
    chain: "local",
    config: connectorConfig({ cycleMs: 3_600_000, timeoutMs: 300, upstreamPollMs: 100, dynamicClients: 3, hedgeAfterMs: 50, ...over }),
    keys: OWN,
    listeners: () => new Uint8Array(),
    statics,
    store,
    hash: hasher,
    mode,
    announce: { addPeer: () => true, reconnect: () => void s.reconnects++ },
    transport: () => net.transport(),
    progress: new SyncProgress({ tty: false }),
  });
  running.push(s.connector);
  return s;
}

/** Started, all statics registered and polled, past Connecting. */
async function connected(s: Setup): Promise<void> {
  s.connector.start();
  await until(() => s.connector.status().upstreams.filter((u) => u.key && u.registered && u.height > 0).length === s.peers.length);
  await s.connector.runCycle();
  expect(s.connector.state.name).toBe("HighestBlock");
  // every registered upstream has answered: its last reply is known (status --peers shows it)
  for (const u of s.connector.status().upstreams.filter((x) => x.registered)) expect(u.lastReply).toBeGreaterThan(0);
}

const A = makeChain(40, 0xa);

describe("synchronisation", () => {
  test("from three peers at once, in order, then Normal", async () => {
    const s = setup([A, A, A]);
    await connected(s);
    expect(s.mode.get()).toBe("Resynchronise");
    await s.connector.runCycle();
    expect(s.store.sameAs(A)).toBe(true);
    expect(s.connector.state.name).toBe("Sampling");
    expect(s.mode.get()).toBe("Normal");
    expect(s.connector.state.mode).toBe("Normal");
    // spread: every peer served blocks, no block stored twice
    for (const p of s.peers) expect(p.count("B")).toBeGreaterThan(0);
    expect(s.store.stores).toBe(39);
    // verified in batches
    expect(Math.max(...s.hasher.batches)).toBe(8);
    expect(lines.some((l) => l.includes("synchronised"))).toBe(true);
  });

  test("sequential mode (as 8.2) gives the same chain, one block at a time", async () => {
    const s = setup([A, A, A], [], { parallelVerify: false });
    await connected(s);
    await s.connector.runCycle();
    expect(s.store.sameAs(A)).toBe(true);
    expect(s.hasher.batches.every((n) => n === 1)).toBe(true);
  });

  test("200 blocks per cycle, then a pause (8.2)", async () => {
    const long = makeChain(260, 0xb);
    const s = setup([long, long, long], [], { verifyChunk: 16 });
    await connected(s);
    await s.connector.runCycle();
    expect(s.store.height()).toBe(201);
    expect(s.connector.state.name).toBe("FetchBlocks");
    await s.connector.runCycle();
    expect(s.store.sameAs(long)).toBe(true);
    expect(s.connector.state.name).toBe("Sampling");
  });

  test("follows the majority, not the single highest peer", async () => {
    const C = makeChain(60, 0xc);
    const s = setup([A, A, C]);
    await connected(s);
    await s.connector.runCycle();
    expect(s.store.sameAs(A)).toBe(true);
    expect(s.peers[2]!.count("B")).toBe(0);
  });

  test("a peer serving invalid blocks is cooled down; the batch completes from the others", async () => {
    const s = setup([A, A, A]);
    s.peers[1]!.corrupt = (n) => n >= 10;
    await connected(s);
    await s.connector.runCycle();
    expect(s.store.sameAs(A)).toBe(true);
    expect(Object.keys(s.connector.state.cooldown)).toEqual([Buffer.from(s.peers[1]!.key).toString("hex")]);
    expect(lines.some((l) => l.includes("peer served an invalid block"))).toBe(true);
  });

  test("a peer that stops answering does not stall the sync", async () => {
    const s = setup([A, A, A], [], { timeoutMs: 2000 });
    s.peers[2]!.hang = (cmd) => cmd === "B";
    await connected(s);
    const started = Date.now();
    await s.connector.runCycle();
    expect(s.store.sameAs(A)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000); // well under the 2 s timeout
  });

  test("a digest batch computed ahead that fails is a failed fetch, never an unhandled rejection", async () => {
    // The second batch (prepared while the first is still being digested) fails at once.
    class FailingSecondBatch extends FakeHasher {
      calls = 0;
      override async blockDigestBatch(headers: Uint8Array[]): Promise<Uint8Array[]> {
        const call = this.calls++;
        if (call === 1) throw new Error("digest worker gone");
        if (call === 0) await Bun.sleep(100);
        return super.blockDigestBatch(headers);
      }
    }
    const s = setup([A, A, A], [], {}, new FailingSecondBatch());
    await connected(s);
    await s.connector.runCycle();
    expect(s.store.height()).toBe(9); // the first batch (blocks 2…9) only
    expect(s.connector.state.name).toBe("HighestBlock");
    expect(lines.some((l) => l.includes("digest worker gone"))).toBe(true);
    await s.connector.runCycle();
    expect(s.store.sameAs(A)).toBe(true);
  });

  test("catching up after new blocks: only the missing ones are fetched", async () => {
    const s = setup([A.slice(0, 29), A.slice(0, 29), A.slice(0, 29)], A.slice(0, 19));
    await connected(s);
    await s.connector.runCycle();
    expect(s.store.height()).toBe(30);
    for (const p of s.peers) p.chain = A;
    await until(() => s.connector.status().upstreams.filter((u) => u.height === 40).length === 3);
    await s.connector.runCycle();
    expect(s.store.sameAs(A)).toBe(true);
    expect(s.store.deletes).toEqual([]);
    expect(s.peers.reduce((n, p) => n + p.count("B"), 0)).toBe(39 - 19);
  });
});

describe("forks", () => {
  test("fork recovery: local blocks after the common one are replaced", async () => {
    const local = makeChain(35, 0xd, A, 25); // shares blocks 2…25 with A, then differs
    const s = setup([A, A, A], local);
    await connected(s);
    await s.connector.runCycle();
    expect(s.store.deletes).toEqual([26]);
    expect(s.store.sameAs(A)).toBe(true);
    // bounded search: far fewer H requests than the fork depth times peers
    const h = s.peers.reduce((n, p) => n + p.count("H") - p.count("H" + p.height), 0);
    expect(h).toBeLessThan(20);
  });

  test("fork protection: a fork deeper than 60 blocks is refused, every cycle pauses", async () => {
    const long = makeChain(110, 0xe);
    const local = makeChain(100, 0xf, long, 30); // common block 30: depth 70
    const s = setup([long, long, long], local);
    await connected(s);
    for (let i = 0; i < 3; i++) {
      await s.connector.runCycle();
      expect(s.connector.state.name).toBe("HighestBlock");
    }
    expect(s.store.sameAs(local)).toBe(true);
    expect(s.store.deletes).toEqual([]);
    expect(lines.filter((l) => l.includes("fork protection")).length).toBe(3);
  });
});

describe("connections", () => {
  test("below the minimum: stays Connecting and asks the announcer for targets", async () => {
    const s = setup([A, A]);
    s.connector.start();
    await until(() => s.connector.status().registered === 2);
    await s.connector.runCycle();
    expect(s.connector.state.name).toBe("Connecting");
    expect(s.reconnects).toBe(1);
    expect(s.mode.get()).toBe("Resynchronise");
  });

  test("start in any order: an unreachable static peer is retried until it comes up", async () => {
    const s = setup([A, A, A]);
    s.peers[0]!.down = true;
    s.connector.start(); // does not throw or wait
    await until(() => s.connector.status().registered === 2);
    s.peers[0]!.down = false;
    await until(() => s.connector.status().registered === 3, 5000);
  });

  test("E invalid public key on R is retried, never fatal", async () => {
    const s = setup([A, A, A]);
    s.peers[0]!.registerReply = [new TextEncoder().encode("E"), new TextEncoder().encode("invalid public key")];
    s.connector.start();
    await until(() => s.peers[0]!.count("R") >= 2);
    expect(s.connector.status().upstreams[0]!.registered).toBe(false);
    delete s.peers[0]!.registerReply;
    await until(() => s.connector.status().registered === 3);
  });

  test("dynamic targets: own key ignored, known key kept, least recently used slot reused", async () => {
    const s = setup([A]);
    const listeners = (port: number) => packConnection(parseConnection(`127.0.0.1:${port}`));
    for (let i = 0; i < 5; i++) s.net.add(`127.0.0.1:${4000 + i}`, new FakePeer(key(10 + i), A));
    s.connector.start();
    const target = (i: number) => ({ label: "N1", publicKey: key(10 + i), listeners: listeners(4000 + i) });
    s.connector.connectTarget({ label: "N1", publicKey: OWN.publicKey, listeners: listeners(4999) });
    s.connector.connectTarget({ label: "N1", publicKey: key(1), listeners: listeners(3000) }); // the static peer
    expect(s.connector.status().upstreams.filter((u) => u.slot.startsWith("dynamic") && u.key).length).toBe(0);
    for (const i of [0, 1, 2]) s.connector.connectTarget(target(i));
    s.connector.connectTarget(target(0)); // refresh: 0 becomes most recently used
    s.connector.connectTarget(target(3)); // evicts 1, the least recently used
    const keys = s.connector.status().upstreams.filter((u) => u.slot.startsWith("dynamic")).map((u) => u.key);
    const hex = (i: number) => Buffer.from(key(10 + i)).toString("hex");
    expect(keys.sort()).toEqual([hex(0), hex(2), hex(3)].sort());
    await until(() => s.connector.status().registered === 4);
  });

  test("dynamic targets: a slot that failed to register is reused first, a fresh one is not", async () => {
    const s = setup([A], [], { timeoutMs: 100 });
    const listeners = (port: number) => packConnection(parseConnection(`127.0.0.1:${port}`));
    const peers = [0, 1, 2, 3, 4].map((i) => s.net.add(`127.0.0.1:${4000 + i}`, new FakePeer(key(10 + i), A)));
    peers[1]!.down = true;
    s.connector.start();
    const target = (i: number) => ({ label: "X25", publicKey: key(10 + i), listeners: listeners(4000 + i) });
    for (const i of [0, 1, 2]) s.connector.connectTarget(target(i)); // LRU → MRU: 0, 1 (down), 2
    await until(() => s.connector.status().registered === 3); // static + 0 + 2
    await Bun.sleep(120); // slot of 1 has had its timeout to register
    s.connector.connectTarget(target(3)); // replaces 1, the failed one (not 0, the least recently used)
    s.connector.connectTarget(target(4)); // 3 is not registered yet but fresh: replaces 0, the least recently used
    const dynamic = () => s.connector.status().upstreams.filter((u) => u.slot.startsWith("dynamic")).map((u) => u.key);
    const hex = (i: number) => Buffer.from(key(10 + i)).toString("hex");
    expect(dynamic().sort()).toEqual([hex(2), hex(3), hex(4)].sort());
  });
});

describe("progress", () => {
  test("plain log lines while syncing, one line per interval", async () => {
    const long = makeChain(120, 0x5);
    const s = setup([long, long, long], [], {}, new FakeHasher(2));
    await connected(s);
    await s.connector.runCycle();
    const progress = lines.filter((l) => l.includes("sync progress"));
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.at(-1)).toContain("target=120");
  });
});
