/** Peer ring and RPC table rules, announcer schedule and random peers (protocol.md §6.2–§6.4), on a manual clock. */
import { describe, expect, test } from "bun:test";
import { Announce, MAX_PEERS } from "../../../src/peer/announce/announce.ts";
import { MAX_RPCS } from "../../../src/peer/announce/rpc.ts";
import type { Target } from "../../../src/peer/announce/targets.ts";
import { ANNOUNCE_TIMING } from "../../../src/peer/announce/timing.ts";
import { ManualClock } from "../../../src/base/clock.ts";
import { quietLogsWhileRunning } from "../../support/harness/profile.ts";
import { toHex } from "../../support/hex.ts";

quietLogsWhileRunning("error");

const T0 = 1_700_000_000_000; // ms, whole second
const MIN = 60_000;
const sec = (ms: number) => BigInt(Math.floor(ms / 1000));
const be64 = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0);

function key(n: number): Uint8Array {
  const k = new Uint8Array(32);
  k[0] = n;
  return k;
}
/** The i-th of thousands of distinct 32-byte keys (BE32(i + 1) ‖ zeros), for filling the bounded tables. */
function manyKey(i: number): Uint8Array {
  const b = new Uint8Array(32);
  new DataView(b.buffer).setUint32(0, i + 1);
  return b;
}
const LISTEN_A = new Uint8Array(Buffer.from("13085800000000000000000000ffffc000020a", "hex"));
const LISTEN_B = new Uint8Array(Buffer.from("070858c000020b", "hex"));

function setup(selfKey = key(0x80)) {
  const clock = new ManualClock(T0);
  const broadcasts: { command: string; parameters: Uint8Array[] }[] = [];
  const targets: Target[] = [];
  const a = new Announce({ clock, onBroadcast: (command, parameters) => broadcasts.push({ command, parameters }), onTarget: (t) => targets.push(t) });
  a.setSelf(selfKey, LISTEN_A);
  targets.length = 0;
  return { clock, a, broadcasts, targets };
}

const entry = (a: Announce, k: Uint8Array) => a.peers().find((e) => toHex(e.publicKey) === toHex(k));

describe("addPeer rules (§6.2)", () => {
  const now = sec(T0);
  const cases: { name: string; ts: bigint; stored: boolean; tsMs?: number }[] = [
    { name: "current timestamp", ts: now, stored: true, tsMs: T0 },
    { name: "zero means now", ts: 0n, stored: true, tsMs: T0 },
    { name: "future means now", ts: now + 3600n, stored: true, tsMs: T0 },
    { name: "u64 max means now", ts: (1n << 64n) - 1n, stored: true, tsMs: T0 },
    { name: "54 min 59 s old", ts: now - 55n * 60n + 1n, stored: true, tsMs: T0 - 55 * MIN + 1000 },
    { name: "55 min old is expired", ts: now - 55n * 60n, stored: false },
    { name: "ancient", ts: 1n, stored: false },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const { a } = setup();
      expect(a.addPeer(key(1), LISTEN_B, c.ts)).toBe(c.stored);
      expect(entry(a, key(1))?.timestamp).toBe(c.tsMs);
    });
  }

  const updates: { name: string; first: number; second: number; accepted: boolean }[] = [
    { name: "same timestamp again", first: 0, second: 0, accepted: false },
    { name: "6 min 59 s newer", first: -10 * MIN, second: -10 * MIN + 7 * MIN - 1000, accepted: false },
    { name: "exactly 7 min newer", first: -10 * MIN, second: -3 * MIN, accepted: true },
    { name: "older", first: -5 * MIN, second: -20 * MIN, accepted: false },
  ];
  for (const u of updates) {
    test(`known key: ${u.name}`, () => {
      const { a } = setup();
      expect(a.addPeer(key(1), LISTEN_A, sec(T0 + u.first))).toBe(true);
      expect(a.addPeer(key(1), LISTEN_B, sec(T0 + u.second))).toBe(u.accepted);
      const e = entry(a, key(1))!;
      expect(toHex(e.listeners)).toBe(toHex(u.accepted ? LISTEN_B : LISTEN_A));
      expect(e.timestamp).toBe(T0 + (u.accepted ? u.second : u.first));
    });
  }

  test("own key is stored when newer by 7 min but never relayed", () => {
    const { a, clock } = setup(key(0x80));
    expect(a.addPeer(key(0x80), LISTEN_B, sec(T0))).toBe(false);
    expect(toHex(entry(a, key(0x80))!.listeners)).toBe(toHex(LISTEN_A));
    clock.advance(7 * MIN);
    expect(a.addPeer(key(0x80), LISTEN_B, sec(clock.now()))).toBe(false);
    expect(entry(a, key(0x80))!.timestamp).toBe(T0 + 7 * MIN);
  });

  const malformed: [string, Uint8Array, Uint8Array][] = [
    ["31-byte key", new Uint8Array(31), LISTEN_A],
    ["33-byte key", new Uint8Array(33), LISTEN_A],
    ["listeners with a cut 19-byte entry", key(1), LISTEN_A.subarray(0, 18)],
    ["cut entry after a good one", key(1), Buffer.concat([LISTEN_B, LISTEN_A.subarray(0, 10)])],
  ];
  for (const [name, k, l] of malformed) {
    test(`refused: ${name}`, () => {
      const { a } = setup();
      expect(a.addPeer(k, l, sec(T0))).toBe(false);
      expect(a.peers().length).toBe(1);
    });
  }

  test("empty or trailing-garbage listener bytes are kept as 8.2 keeps them", () => {
    const { a } = setup();
    expect(a.addPeer(key(1), new Uint8Array(), sec(T0))).toBe(true);
    expect(a.addPeer(key(2), Buffer.concat([LISTEN_B, new Uint8Array([1, 2])]), sec(T0))).toBe(true);
  });

  test("stored bytes are copies", () => {
    const { a } = setup();
    const k = key(1);
    const l = LISTEN_B.slice();
    a.addPeer(k, l, sec(T0));
    k[0] = 9;
    l[0] = 0;
    expect(toHex(a.peers()[0]!.publicKey)).toBe(toHex(key(1)));
    expect(toHex(a.peers()[0]!.listeners)).toBe(toHex(LISTEN_B));
  });
});

describe("peer table bound", () => {
  test("new keys are refused once MAX_PEERS entries are held; known keys still update", () => {
    const { a, clock } = setup();
    const k = manyKey;
    for (let i = 0; a.peers().length < MAX_PEERS; i++) expect(a.addPeer(k(i), LISTEN_B, sec(T0))).toBe(true);
    expect(a.addPeer(k(MAX_PEERS), LISTEN_B, sec(T0))).toBe(false);
    expect(a.peers().length).toBe(MAX_PEERS);
    clock.advance(7 * MIN);
    expect(a.addPeer(k(0), LISTEN_A, sec(T0 + 7 * MIN))).toBe(true);
    expect(toHex(entry(a, k(0))!.listeners)).toBe(toHex(LISTEN_A));
  });
});

describe("announcer schedule (§6.4)", () => {
  test("first run after 2 min, then every 11 min: rpc then peer with be64(now)", async () => {
    const { a, clock, broadcasts } = setup(key(0x80));
    const fp = new Uint8Array(32).fill(0xab);
    const rpcAddr = new Uint8Array(Buffer.from("0708d3c0000201", "hex"));
    a.setRpc(fp, rpcAddr);
    await a.start();
    clock.advance(2 * MIN - 1);
    expect(broadcasts).toEqual([]);
    clock.advance(1);
    expect(broadcasts.map((b) => b.command)).toEqual(["rpc", "peer"]);
    expect(broadcasts[0]!.parameters.map(toHex)).toEqual([toHex(fp), toHex(rpcAddr), (sec(T0 + 2 * MIN)).toString(16).padStart(16, "0")]);
    expect(broadcasts[1]!.parameters.map(toHex)).toEqual([toHex(key(0x80)), toHex(LISTEN_A), (sec(T0 + 2 * MIN)).toString(16).padStart(16, "0")]);
    clock.advance(11 * MIN - 1);
    expect(broadcasts.length).toBe(2);
    clock.advance(1);
    expect(broadcasts.length).toBe(4);
    expect(be64(broadcasts[3]!.parameters[2]!)).toBe(sec(T0 + 13 * MIN));
    clock.advance(22 * MIN);
    expect(broadcasts.length).toBe(8);
    await a.stop();
    clock.advance(60 * MIN);
    expect(broadcasts.length).toBe(8);
    expect(clock.pending).toBe(0);
  });

  test("no own record → nothing is announced", async () => {
    const clock = new ManualClock(T0);
    const seen: string[] = [];
    const a = new Announce({ clock, onBroadcast: (c) => seen.push(c) });
    await a.start();
    clock.advance(30 * MIN);
    expect(seen).toEqual([]);
    await a.stop();
  });

  test("expiry: strictly older than 55 min at a run; own entry never; targets re-selected when the ring changed", () => {
    const { a, clock, targets } = setup(key(0x80));
    clock.advance(10 * MIN);
    a.addPeer(key(1), LISTEN_B, sec(T0)); // 10 min old
    a.addPeer(key(2), LISTEN_B, sec(clock.now()));
    a.run(); // ring changed by two additions
    expect(targets.map((t) => t.label)).toEqual(["N1"]);
    targets.length = 0;
    a.run(); // unchanged → no selection
    expect(targets).toEqual([]);
    clock.advance(45 * MIN); // key 1 exactly 55 min old: kept
    a.run();
    expect(a.peers().length).toBe(3);
    expect(targets).toEqual([]);
    clock.advance(1);
    a.run();
    expect(a.peers().map((e) => e.publicKey[0])).toEqual([2, 0x80]);
    expect(targets.map((t) => [t.label, t.publicKey[0]])).toEqual([["N1", 2]]);
    clock.advance(10 * MIN);
    a.run();
    expect(a.peers().map((e) => e.publicKey[0])).toEqual([0x80]);
  });

  test("an update of a known key does not count as a ring change", () => {
    const { a, clock, targets } = setup();
    a.addPeer(key(1), LISTEN_B, sec(T0));
    a.run();
    targets.length = 0;
    clock.advance(8 * MIN);
    expect(a.addPeer(key(1), LISTEN_A, sec(clock.now()))).toBe(true);
    a.run();
    expect(targets).toEqual([]);
  });
});

describe("RPC table (§6.3)", () => {
  const fp = (n: number) => new Uint8Array(32).fill(n);
  const addr = new Uint8Array(Buffer.from("0708d3c0000201", "hex"));

  test("malformed records are ignored", () => {
    const { a } = setup();
    expect(a.addRpc(new Uint8Array(31), addr, sec(T0))).toBe(false);
    expect(a.addRpc(fp(1), new Uint8Array(101), sec(T0))).toBe(false);
    expect(a.addRpc(fp(1), new Uint8Array(Buffer.from("13" + "00".repeat(10), "hex")), sec(T0))).toBe(false);
    expect(a.addRpc(fp(1), new Uint8Array(100), sec(T0))).toBe(true);
  });

  test("new: timestamp rules as for peers", () => {
    const { a } = setup();
    expect(a.addRpc(fp(1), addr, sec(T0 - 55 * MIN))).toBe(false);
    expect(a.addRpc(fp(1), addr, 0n)).toBe(true);
    expect(a.rpcs()[0]!.timestamp).toBe(T0);
  });

  test("known: addresses replaced, relayed only after more than 7 min, stored time becomes local now", () => {
    const { a, clock } = setup();
    expect(a.addRpc(fp(1), addr, sec(T0 - 30 * MIN))).toBe(true);
    expect(a.rpcs()[0]!.timestamp).toBe(T0 - 30 * MIN);
    const addr2 = new Uint8Array(Buffer.from("0708d3c0000202", "hex"));
    expect(a.addRpc(fp(1), addr2, 1n)).toBe(true); // 30 min since stored
    expect(toHex(a.rpcs()[0]!.addresses)).toBe(toHex(addr2));
    expect(a.rpcs()[0]!.timestamp).toBe(T0);
    clock.advance(7 * MIN);
    expect(a.addRpc(fp(1), addr, sec(clock.now()))).toBe(false); // exactly 7 min: not more
    expect(a.rpcs()[0]!.timestamp).toBe(T0 + 7 * MIN);
    clock.advance(7 * MIN + 1);
    expect(a.addRpc(fp(1), addr, 0n)).toBe(true);
  });

  test("expiry keeps local entries and compacts like 8.2 (last entry moves into the gap)", () => {
    const { a, clock } = setup();
    a.setRpc(fp(0), addr);
    a.addRpc(fp(1), addr, 0n);
    clock.advance(30 * MIN);
    a.addRpc(fp(2), addr, 0n);
    a.addRpc(fp(3), addr, 0n);
    clock.advance(25 * MIN + 1); // fp1: 55 min + 1 ms old
    a.run();
    expect(a.rpcs().map((e) => e.fingerprint[0])).toEqual([0, 3, 2]);
    clock.advance(60 * MIN);
    a.run();
    expect(a.rpcs().map((e) => e.fingerprint[0])).toEqual([0]);
    expect(a.rpcs()[0]!.local).toBe(true);
  });

  test("new fingerprints are refused once MAX_RPCS entries are held; known ones still update, the own one is kept", () => {
    const { a, clock } = setup();
    const f = manyKey;
    for (let i = 0; a.rpcs().length < MAX_RPCS; i++) expect(a.addRpc(f(i), addr, sec(T0))).toBe(true);
    expect(a.addRpc(f(MAX_RPCS), addr, sec(T0))).toBe(false);
    expect(a.rpcs().length).toBe(MAX_RPCS);
    a.setRpc(fp(0xee), addr);
    expect(a.rpcs().length).toBe(MAX_RPCS + 1);
    clock.advance(7 * MIN + 1);
    const addr2 = new Uint8Array(Buffer.from("0708d3c0000202", "hex"));
    expect(a.addRpc(f(0), addr2, 0n)).toBe(true);
    expect(toHex(a.rpcs()[0]!.addresses)).toBe(toHex(addr2));
  });

  test("own record: malformed is a configuration error; only once", () => {
    const { a } = setup();
    expect(() => a.setRpc(new Uint8Array(31), addr)).toThrow("invalid length");
    a.setRpc(fp(5), addr);
    expect(() => a.setRpc(fp(6), addr)).toThrow();
  });
});

describe("randomPeer (R)", () => {
  test("none eligible → null (ring of self and requester, or of self only)", () => {
    const { a } = setup(key(0x80));
    expect(a.randomPeer(key(1))).toBeNull();
    a.addPeer(key(1), LISTEN_B, sec(T0));
    a.reached(key(1));
    expect(a.randomPeer(key(1))).toBeNull();
    expect(a.randomPeer(key(0x80))?.publicKey[0]).toBe(1);
  });

  test("uniform over eligible peers, never self or requester", () => {
    const clock = new ManualClock(T0);
    const asked: number[] = [];
    let next = 0;
    const a = new Announce({ clock, randomIndex: (n) => (asked.push(n), next++ % n) });
    a.setSelf(key(0x80), LISTEN_A);
    for (const i of [1, 2, 3, 4]) a.addPeer(key(i), LISTEN_B, sec(T0)), a.reached(key(i));
    const picks = [0, 1, 2].map(() => a.randomPeer(key(2))!.publicKey[0]);
    expect(asked).toEqual([3, 3, 3]);
    expect(picks).toEqual([1, 3, 4]);
  });

  test("default RNG covers every eligible peer", () => {
    const { a } = setup(key(0x80));
    for (const i of [1, 2, 3]) a.addPeer(key(i), LISTEN_B, sec(T0)), a.reached(key(i));
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(a.randomPeer(key(9))!.publicKey[0]!);
    expect([...seen].sort()).toEqual([1, 2, 3]);
  });
});

describe("peer hygiene (issue 17): R names only peers this node reached within the window", () => {
  const LISTEN_C = new Uint8Array(Buffer.from("070858c000020c", "hex"));
  const LISTEN_D = new Uint8Array(Buffer.from("070858c000020d", "hex"));
  /** self 0x80 (LISTEN_A), peer 1 on LISTEN_B, peer 2 on LISTEN_C, both stored at T0. */
  function hygiene() {
    const clock = new ManualClock(T0);
    const a = new Announce({ clock });
    a.setSelf(key(0x80), LISTEN_A);
    a.addPeer(key(1), LISTEN_B, sec(T0));
    a.addPeer(key(2), LISTEN_C, sec(T0));
    const named = (asker: Uint8Array, listeners = LISTEN_D) => {
      const out = new Set<number>();
      for (let i = 0; i < 100; i++) {
        const p = a.randomPeer(asker, listeners);
        if (p) out.add(p.publicKey[0]!);
      }
      return [...out].sort();
    };
    return { a, clock, named };
  }

  test("a stored peer never reached is not named; a reached one is, until the window has passed", () => {
    const { a, clock, named } = hygiene();
    expect(named(key(9))).toEqual([]);
    a.reached(key(1));
    expect(named(key(9))).toEqual([1]);
    expect(a.isReached(key(1))).toBe(true);
    a.reached(key(2));
    clock.advance(ANNOUNCE_TIMING.reachedWindowMs / 2);
    a.reached(key(2)); // peer 2 keeps answering, peer 1 stopped
    expect(named(key(9))).toEqual([1, 2]);
    clock.advance(ANNOUNCE_TIMING.reachedWindowMs / 2 + 1);
    expect(named(key(9))).toEqual([2]);
    expect(a.isReached(key(1))).toBe(false);
    clock.advance(ANNOUNCE_TIMING.reachedWindowMs);
    expect(named(key(9))).toEqual([]);
  });

  test("never the asker (by key or by address) nor this node (by key or by address)", () => {
    const { a, named } = hygiene();
    a.reached(key(1));
    a.reached(key(2));
    a.reached(key(0x80));
    expect(named(key(1))).toEqual([2]); // asker's key
    expect(named(key(9), LISTEN_C)).toEqual([1]); // asker announces peer 2's address
    a.addPeer(key(3), LISTEN_A.subarray(0, 19), sec(T0)); // another key on this node's IPv6 address
    a.reached(key(3));
    expect(named(key(9))).toEqual([1, 2]);
  });

  test("the window is a timing value", () => {
    const a = new Announce({ timing: { reachedWindowMs: 1000 } });
    expect(a.timing.reachedWindowMs).toBe(1000);
  });
});

test("timing constants are bitmarkd's and overridable", () => {
  expect(ANNOUNCE_TIMING).toEqual({ initialMs: 120_000, intervalMs: 660_000, rebroadcastMs: 420_000, expiryMs: 3_300_000, reachedWindowMs: 120_000 });
  const a = new Announce({ timing: { intervalMs: 1000 } });
  expect(a.timing).toEqual({ ...ANNOUNCE_TIMING, intervalMs: 1000 });
});
