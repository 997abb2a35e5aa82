/** The peer table survives a restart (unlike 8.2's peer file, §6.8/§13). */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Announce } from "../../../src/peer/announce/announce.ts";
import { JsonPeerFile, peerFilePath } from "../../../src/peer/announce/store.ts";
import { ManualClock } from "../../../src/base/clock.ts";
import { quietLogsWhileRunning } from "../../support/harness/profile.ts";

const T0 = 1_700_000_000_000;
const MIN = 60_000;
let dir: string;

quietLogsWhileRunning("error");
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "bunmark-peers-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const key = (n: number) => new Uint8Array(32).fill(n);
const listeners = (n: number) => new Uint8Array([7, 8, 0x58, 192, 0, 2, n]);
const view = (a: Announce) => a.peers().map((e) => [Buffer.from(e.publicKey).toString("hex"), Buffer.from(e.listeners).toString("hex"), e.timestamp]);

test("save → new instance → same ring", async () => {
  const path = peerFilePath(dir, "testing");
  expect(path).toBe(join(dir, "bunmark-peers-testing.json"));
  const clock = new ManualClock(T0);
  const first = new Announce({ clock, store: new JsonPeerFile(path) });
  await first.start();
  first.setSelf(key(0x50), listeners(1));
  for (const n of [0x10, 0x20, 0x90]) first.addPeer(key(n), listeners(n), BigInt((T0 - n * 1000) / 1000));
  await first.stop();

  clock.advance(5 * MIN);
  const targets: string[] = [];
  const second = new Announce({ clock, store: new JsonPeerFile(path), onTarget: (t) => targets.push(t.label) });
  await second.start();
  expect(view(second)).toEqual(view(first));
  second.setSelf(key(0x50), listeners(1));
  expect(targets).toEqual(["N1", "N3", "X50"]);
  await second.stop();
});

test("the saved file is rewritten after every announcer run", async () => {
  const path = join(dir, "runs.json");
  const clock = new ManualClock(T0);
  const a = new Announce({ clock, store: new JsonPeerFile(path) });
  a.setSelf(key(1), listeners(1));
  await a.start();
  a.addPeer(key(2), listeners(2), 0n);
  clock.advance(2 * MIN);
  await a.save(); // waits for the run's save
  const doc = JSON.parse(readFileSync(path, "utf8"));
  expect(doc.peers.map((p: { publicKey: string }) => p.publicKey.slice(0, 2))).toEqual(["01", "02"]);
  expect(doc.peers[1].timestamp).toBe(T0 / 1000);
  await a.stop();
});

test("restored records follow the insertion rules: expired ones are dropped", async () => {
  const path = join(dir, "old.json");
  const peers = [
    { publicKey: "aa".repeat(32), listeners: "070858c0000201", timestamp: T0 / 1000 - 55 * 60 },
    { publicKey: "bb".repeat(32), listeners: "070858c0000202", timestamp: T0 / 1000 - 54 * 60 },
  ];
  writeFileSync(path, JSON.stringify({ peers }));
  const a = new Announce({ clock: new ManualClock(T0), store: new JsonPeerFile(path) });
  await a.start();
  expect(a.peers().map((e) => e.publicKey[0])).toEqual([0xbb]);
  await a.stop();
});

test("own key in the file does not override setSelf (either order)", async () => {
  const path = join(dir, "own.json");
  writeFileSync(path, JSON.stringify({ peers: [{ publicKey: "01".repeat(32), listeners: "070858c0000209", timestamp: T0 / 1000 }] }));
  const before = new Announce({ clock: new ManualClock(T0 + 1000), store: new JsonPeerFile(path) });
  before.setSelf(key(1), listeners(1));
  await before.start();
  expect(view(before)).toEqual([["01".repeat(32), Buffer.from(listeners(1)).toString("hex"), T0 + 1000]]);

  const after = new Announce({ clock: new ManualClock(T0 + 1000), store: new JsonPeerFile(path) });
  await after.start();
  after.setSelf(key(1), listeners(1));
  expect(view(after)).toEqual([["01".repeat(32), Buffer.from(listeners(1)).toString("hex"), T0 + 1000]]);
});

const broken: [string, string][] = [
  ["not JSON", "{"],
  ["8.2's format (array of hex strings)", JSON.stringify(["2001"])],
  ["no list", JSON.stringify({ peers: 3 })],
];
for (const [name, text] of broken) {
  test(`unreadable file (${name}) → empty table, no throw`, async () => {
    const path = join(dir, "broken.json");
    writeFileSync(path, text);
    expect(await new JsonPeerFile(path).load()).toEqual([]);
  });
}

test("bad entries are skipped, good ones kept; a missing file is empty", async () => {
  const path = join(dir, "mixed.json");
  const good = { publicKey: "cc".repeat(32), listeners: "", timestamp: 5 };
  writeFileSync(path, JSON.stringify({ peers: [{ publicKey: "zz", listeners: "", timestamp: 1 }, { publicKey: "cc", listeners: "0", timestamp: 1 }, { ...good, timestamp: -1 }, good] }));
  const loaded = await new JsonPeerFile(path).load();
  expect(loaded.length).toBe(1);
  expect(loaded[0]!.timestamp).toBe(5n);
  expect(await new JsonPeerFile(join(dir, "absent.json")).load()).toEqual([]);
});
