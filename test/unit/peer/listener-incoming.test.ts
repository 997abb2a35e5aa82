/** The incoming-peer table behind `status --peers` (issue 12 item 10): one row per key, expiry, and the bound. */
import { expect, test } from "bun:test";
import { IncomingPeers } from "../../../src/peer/listener/incoming.ts";
import { MAX_PEERS } from "../../../src/peer/announce/announce.ts";
import { ANNOUNCE_TIMING } from "../../../src/peer/announce/timing.ts";

const T0 = 1_700_000_000_000;
const EXPIRY = ANNOUNCE_TIMING.expiryMs;
/** The i-th distinct 32-byte key (BE32(i + 1) ‖ zeros). */
function key(i: number): Uint8Array {
  const b = new Uint8Array(32);
  new DataView(b.buffer).setUint32(0, i + 1);
  return b;
}
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
// packed listeners (protocol.md §6.1): IPv4 192.0.2.11:2136, then IPv6 [2001:db8::1]:2137
const V4 = Buffer.from("070858c000020b", "hex");
const V6 = Buffer.from("13085920010db8000000000000000000000001", "hex");

test.each([
  ["IPv4 listener", new Uint8Array(V4), "192.0.2.11:2136"],
  ["first of two listeners", new Uint8Array(Buffer.concat([V6, V4])), "[2001:db8::1]:2137"],
  ["no listener", new Uint8Array(0), null],
  ["malformed listener", new Uint8Array([0x07, 0x08]), null],
] as const)("address: %s", (_name, listeners, address) => {
  const t = new IncomingPeers(EXPIRY);
  expect(t.note(key(0), listeners, T0)).toBe(true);
  expect(t.list(T0)).toEqual([{ key: hex(key(0)), address, lastHeard: T0 }]);
});

test("a repeated registration updates the row in place; rows come most recently heard first", () => {
  const t = new IncomingPeers(EXPIRY);
  t.note(key(0), new Uint8Array(V4), T0);
  t.note(key(1), new Uint8Array(V4), T0 + 1000);
  t.note(key(0), new Uint8Array(V6), T0 + 2000);
  expect(t.list(T0 + 2000)).toEqual([
    { key: hex(key(0)), address: "[2001:db8::1]:2137", lastHeard: T0 + 2000 },
    { key: hex(key(1)), address: "192.0.2.11:2136", lastHeard: T0 + 1000 },
  ]);
});

test("a key that is not 32 bytes is refused", () => {
  const t = new IncomingPeers(EXPIRY);
  expect(t.note(new Uint8Array(31), new Uint8Array(V4), T0)).toBe(false);
  expect(t.list(T0)).toEqual([]);
});

test("entries not heard from within the announce expiry are dropped", () => {
  const t = new IncomingPeers(EXPIRY);
  t.note(key(0), new Uint8Array(V4), T0);
  t.note(key(1), new Uint8Array(V4), T0 + 60_000);
  expect(t.list(T0 + EXPIRY).map((p) => p.key)).toEqual([hex(key(1)), hex(key(0))]);
  expect(t.list(T0 + EXPIRY + 1).map((p) => p.key)).toEqual([hex(key(1))]);
  expect(t.list(T0 + 60_000 + EXPIRY + 1)).toEqual([]);
});

test("bounded at the peer table's cap: new keys refused while full, known keys still update, room after expiry", () => {
  expect(new IncomingPeers(EXPIRY).capacity).toBe(MAX_PEERS);
  const t = new IncomingPeers(EXPIRY);
  for (let i = 0; i < MAX_PEERS; i++) expect(t.note(key(i), new Uint8Array(V4), T0 + i)).toBe(true);
  expect(t.note(key(MAX_PEERS), new Uint8Array(V4), T0 + MAX_PEERS)).toBe(false);
  expect(t.note(key(5), new Uint8Array(V6), T0 + MAX_PEERS)).toBe(true);
  expect(t.list(T0 + MAX_PEERS)).toHaveLength(MAX_PEERS);
  expect(t.list(T0 + MAX_PEERS)[0]).toEqual({ key: hex(key(5)), address: "[2001:db8::1]:2137", lastHeard: T0 + MAX_PEERS });
  // key(0) expires first, which makes room for one new key
  const later = T0 + EXPIRY + 1;
  expect(t.note(key(MAX_PEERS), new Uint8Array(V4), later)).toBe(true);
  expect(t.list(later)).toHaveLength(MAX_PEERS);
  expect(t.list(later).some((p) => p.key === hex(key(0)))).toBe(false);
});
