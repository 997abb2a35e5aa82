/** Target selection exactly as 8.2's determineConnections (protocol.md §6.5), for every ring size 1…20 and position. */
import { describe, expect, test } from "bun:test";
import { Announce } from "../../../src/peer/announce/announce.ts";
import { type PeerEntry, PeerRing } from "../../../src/peer/announce/ring.ts";
import { selectTargets, type Target } from "../../../src/peer/announce/targets.ts";
import { ManualClock } from "../../../src/base/clock.ts";
import { quietLogsWhileRunning } from "../../support/harness/profile.ts";

/** Expected messages per ring size as [label, offset from self], worked out from §6.5's rules and table. */
const EXPECTED: Record<number, [string, number][]> = {
  1: [],
  2: [["N1", 1]],
  3: [["N1", 1]],
  4: [["N1", 1], ["N3", 2], ["X50", 2]],
  5: [["N1", 1], ["N3", 2], ["X50", 2]],
  6: [["N1", 1], ["N3", 2], ["X75", 4]],
  7: [["N1", 1], ["N3", 2], ["X75", 4]],
  8: [["N1", 1], ["N3", 2], ["X25", 2], ["X50", 4], ["X75", 6]],
  9: [["N1", 1], ["N3", 2], ["X25", 2], ["X50", 4], ["X75", 6]],
  10: [["N1", 1], ["N3", 2], ["X25", 2], ["X50", 5], ["X75", 7]],
  11: [["N1", 1], ["N3", 2], ["X25", 2], ["X50", 5], ["X75", 7]],
  12: [["N1", 1], ["N3", 2], ["X50", 6], ["X75", 9]],
  13: [["N1", 1], ["N3", 2], ["X50", 6], ["X75", 9]],
  14: [["N1", 1], ["N3", 2], ["X50", 7], ["X75", 10]],
  15: [["N1", 1], ["N3", 2], ["X50", 7], ["X75", 10]],
  16: [["N1", 1], ["N3", 2], ["X25", 4], ["X50", 8], ["X75", 12]],
  17: [["N1", 1], ["N3", 2], ["X25", 4], ["X50", 8], ["X75", 12]],
  18: [["N1", 1], ["N3", 2], ["X25", 4], ["X50", 9], ["X75", 13]],
  19: [["N1", 1], ["N3", 2], ["X25", 4], ["X50", 9], ["X75", 13]],
  20: [["N1", 1], ["N3", 2], ["X25", 5], ["X50", 10], ["X75", 15]],
};

/** Distinct targets per size, the last column of §6.5's table. */
const DISTINCT: [number, number, number][] = [
  [1, 1, 0],
  [2, 3, 1],
  [4, 5, 2],
  [6, 7, 3],
  [8, 11, 4],
  [12, 15, 4],
  [16, 20, 5],
];

function key(i: number): Uint8Array {
  const k = new Uint8Array(32);
  k[0] = 0x10 + i; // ring order = i
  k[31] = i;
  return k;
}

function ring(size: number): PeerEntry[] {
  return Array.from({ length: size }, (_, i) => ({ publicKey: key(i), listeners: new Uint8Array([7, 0, i, 10, 0, 0, i]), timestamp: 0 }));
}

quietLogsWhileRunning("error");

const indexOfKey = (t: Target) => t.publicKey[31]!;

describe("selectTargets", () => {
  for (let size = 1; size <= 20; size++) {
    test(`ring of ${size}, every position`, () => {
      const entries = ring(size);
      for (let self = 0; self < size; self++) {
        const got = selectTargets(entries, self).map((t): [string, number] => [t.label, (indexOfKey(t) - self + size) % size]);
        expect(got).toEqual(EXPECTED[size]!);
        for (const t of selectTargets(entries, self)) expect(t.listeners).toBe(entries[indexOfKey(t)]!.listeners);
      }
    });
  }

  for (const [from, to, distinct] of DISTINCT) {
    test(`sizes ${from}–${to}: ${distinct} distinct targets`, () => {
      for (let size = from; size <= to; size++) {
        const keys = new Set(selectTargets(ring(size), 0).map(indexOfKey));
        expect(keys.size).toBe(distinct);
        expect(keys.has(0)).toBe(false);
      }
    });
  }

  test("self not in the ring → nothing", () => {
    expect(selectTargets(ring(5), -1)).toEqual([]);
    expect(selectTargets(ring(5), 5)).toEqual([]);
  });
});

describe("Announce emits the selection", () => {
  test("setSelf selects at once; reconnect selects again; order is by key bytes", () => {
    const clock = new ManualClock(1_700_000_000_000);
    const targets: Target[] = [];
    const a = new Announce({ clock, onTarget: (t) => targets.push(t) });
    const now = BigInt(clock.now() / 1000);
    // keys inserted out of order; own key is index 3 of 8
    for (const i of [7, 0, 5, 1, 6, 2, 4]) expect(a.addPeer(key(i), new Uint8Array(), now)).toBe(true);
    expect(targets).toEqual([]);
    a.setSelf(key(3), new Uint8Array());
    const picked = () => targets.map((t) => [t.label, indexOfKey(t)]);
    expect(picked()).toEqual([["N1", 4], ["N3", 5], ["X25", 5], ["X50", 7], ["X75", 1]]);
    targets.length = 0;
    a.reconnect();
    expect(picked()).toEqual([["N1", 4], ["N3", 5], ["X25", 5], ["X50", 7], ["X75", 1]]);
  });

  test("ring order is byte-wise: a shorter key sorts before its extensions", () => {
    const r = new PeerRing();
    for (const k of [[1, 2], [1], [0, 255], [1, 0]]) r.put({ publicKey: new Uint8Array(k), listeners: new Uint8Array(), timestamp: 0 });
    expect(r.entries().map((e) => Buffer.from(e.publicKey).toString("hex"))).toEqual(["00ff", "01", "0100", "0102"]);
    expect(r.search(new Uint8Array([1, 0]))).toBe(2);
    expect(r.search(new Uint8Array([2]))).toBe(-5);
  });
});
