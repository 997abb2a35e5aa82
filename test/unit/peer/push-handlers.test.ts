/**
 * The push pipeline's seams: the dispatcher's one error boundary (a handler's Fault is a warning with bitmarkd's
 * text, anything else an error, neither relayed), handler tables installed whole, and the chain's block handler
 * with its pre-check (a block that does not extend the tip is dropped before its digest is paid), judged in the
 * block's turn in a real store: blocks pushed back to back, and a stop while blocks wait.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { Announce } from "../../../src/peer/announce/announce.ts";
import { ManualClock } from "../../../src/base/clock.ts";
import { fail } from "../../../src/base/fault.ts";
import { setLogSink } from "../../../src/base/log.ts";
import { PushDispatcher } from "../../../src/peer/listener/push.ts";
import { blockHandlers } from "../../../src/chain/pushed-block.ts";
import { openStore, type Store } from "../../../src/chain/store/store.ts";
import { packHeader } from "../../../src/chain/types/header.ts";
import { activeBackend, type HashBackend } from "../../../src/crypto/index.ts";
import { generateChain } from "../../../src/testnet/generate.ts";
import { quietLogsWhileRunning } from "../../support/harness/profile.ts";
import { fromHex, toHex } from "../../support/hex.ts";
import { tempDirs } from "../../support/temp-dirs.ts";

quietLogsWhileRunning("warn");

const lines: string[] = [];
let restoreSink = () => undefined as void;
beforeEach(() => {
  lines.length = 0;
  restoreSink = setLogSink((l) => lines.push(l), false);
});
afterEach(() => restoreSink());

function dispatcher() {
  const sent: string[] = [];
  const d = new PushDispatcher({
    isNormal: () => true,
    announce: new Announce({ clock: new ManualClock(0) }),
    broadcast: { send: (command, parameters) => void sent.push(`${command}:${parameters.map(toHex).join(",")}`) },
  });
  return { d, sent };
}

describe("dispatcher error boundary and handler tables", () => {
  test("a table is installed whole; true relays, a Fault is logged as a warning with its text, anything else as an error", async () => {
    const { d, sent } = dispatcher();
    d.install({
      assets: () => true,
      issues: () => fail("transaction already exists"),
      transfer: () => {
        throw new Error("disk on fire");
      },
      proof: () => false,
    });
    for (const command of ["assets", "issues", "transfer", "proof"]) d.push(command, [fromHex("01")]);
    await d.idle();
    expect(sent).toEqual(["assets:01"]);
    expect(lines.some((l) => l.includes("WARN") && l.includes("failed issues") && l.includes("transaction already exists"))).toBe(true);
    expect(lines.some((l) => l.includes("ERROR") && l.includes("failed transfer") && l.includes("disk on fire"))).toBe(true);
    expect(lines.some((l) => l.includes("failed proof"))).toBe(false);
  });
});

describe("chain block handler", () => {
  const TIP = { height: 7, digest: new Uint8Array(32).fill(0xab) };
  const header = (number: number, previous: Uint8Array) =>
    packHeader({ version: 1, transactionCount: 2, number, previousBlock: previous, merkleRoot: new Uint8Array(32), timestamp: 0, bits: 0n, nonce: 0 });
  const cases = [
    { name: "extends the tip: stored, relayed", block: header(8, TIP.digest), stored: 1, ahead: [] as number[], relay: true },
    { name: "ahead of the tip: not digested, the connector told", block: header(12, new Uint8Array(32)), stored: 0, ahead: [12], relay: false },
    { name: "the tip again (duplicate): dropped", block: header(7, new Uint8Array(32)), stored: 0, ahead: [7], relay: false },
    { name: "next number on another parent (fork): dropped", block: header(8, new Uint8Array(32).fill(1)), stored: 0, ahead: [8], relay: false },
    { name: "shorter than a header: dropped, nobody told", block: fromHex("0102"), stored: 0, ahead: [], relay: false },
  ];
  test.each(cases)("$name", async ({ block, stored, ahead, relay }) => {
    const seen: number[] = [];
    let storedCount = 0;
    const { block: handle } = blockHandlers({
      store: { storeIncoming: async (_packed, { onlyIf }) => (onlyIf(TIP) ? (storedCount++, {}) : undefined) },
      blockAhead: (n) => void seen.push(n),
    });
    expect(await handle(block, [block], new AbortController().signal)).toBe(relay);
    expect(storedCount).toBe(stored);
    expect(seen).toEqual(ahead);
  });
});

describe("pushed blocks in a store", () => {
  const tempDir = tempDirs("bunmark-pushed-");
  const hash = activeBackend();
  /** `local` compares no digest with the difficulty: a stand-in digest keeps Argon2 out. */
  const fastHash: HashBackend = { ...hash, blockDigest: (h) => hash.sha3_256(h), blockDigestBatch: async (hs) => hs.map((h) => hash.sha3_256(h)) };
  let source: Store;
  beforeEach(async () => {
    source = openStore(tempDir(), "local", { hash: fastHash });
    await generateChain(source, { blocks: 3, seed: "pushed" });
  });
  afterEach(() => source.close());

  function node(digest: HashBackend = fastHash) {
    const store = openStore(tempDir(), "local", { hash: digest });
    const ahead: number[] = [];
    const { d, sent } = dispatcher();
    d.install(blockHandlers({ store, blockAhead: (n) => void ahead.push(n) }));
    const pushBlocks = () => [2, 3, 4].forEach((n) => d.push("block", [source.getBlock(n)]));
    return { store, d, sent, ahead, pushBlocks };
  }
  const relayOf = (s: Store, n: number) => `block:${toHex(s.getBlock(n))}`;

  test("consecutive blocks arriving back to back are all stored and relayed in order, none judged ahead", async () => {
    const { store, d, sent, ahead, pushBlocks } = node();
    pushBlocks();
    await d.idle();
    expect(store.height()).toBe(4);
    expect(sent).toEqual([2, 3, 4].map((n) => relayOf(source, n)));
    expect(ahead).toEqual([]);
    await store.close();
  });

  test("stop() while blocks wait in the store: the one being digested is stored, the rest dropped undigested", async () => {
    let release = () => {};
    const digested: number[] = [];
    const gated: HashBackend = {
      ...fastHash,
      blockDigestBatch: async (hs) => {
        digested.push(hs.length);
        if (digested.length === 1) await new Promise<void>((r) => (release = r));
        return fastHash.blockDigestBatch(hs);
      },
    };
    const { store, d, sent, ahead, pushBlocks } = node(gated);
    pushBlocks();
    while (digested.length === 0) await Bun.sleep(1);
    d.stop();
    release();
    await d.idle();
    expect(store.height()).toBe(2);
    expect(digested).toEqual([1]);
    expect(sent).toEqual([relayOf(source, 2)]);
    expect(ahead).toEqual([]);
    await store.close();
  });
});
