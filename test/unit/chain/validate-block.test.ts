/**
 * rules/validate-block.ts on its own: a generated `local` block checked against a read-only view (tables that
 * have only get/has, a tip given as data), with no Store and no write. The view's tip is varied to reach each
 * check against the tip in 8.2's order; the tables never change.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HashBackend } from "../../../src/crypto/api.ts";
import { activeBackend } from "../../../src/crypto/index.ts";
import { checkBlockHeader, validateBlock, type ChainTip, type ChainView } from "../../../src/chain/rules/validate-block.ts";
import { CHAIN_TABLES, openStore, type Store } from "../../../src/chain/store/store.ts";
import { generateChain } from "../../../src/testnet/generate.ts";
import { unpackHeader } from "../../../src/chain/types/header.ts";
import { faultOf } from "../../support/fault.ts";

const hash = activeBackend();

const fastHash: HashBackend = { ...hash, blockDigest: (h) => hash.sha3_256(h), blockDigestBatch: async (hs) => hs.map((h) => hash.sha3_256(h)) };
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const open = (): Store => {
  const dir = mkdtempSync(join(tmpdir(), "bunmark-validate-"));
  dirs.push(dir);
  return openStore(dir, "local", { hash: fastHash });
};

/** A view over `s` that cannot write: each table exposes get and has only. */
function readOnlyView(s: Store, tip: ChainTip): ChainView {
  const ro = (t: { get(k: Uint8Array): Uint8Array | undefined; has(k: Uint8Array): boolean }) => ({ get: (k: Uint8Array) => t.get(k), has: (k: Uint8Array) => t.has(k) });
  const { assets, transactions, blockOwnerTxIndex, ownerDigest } = s.tables;
  return { chain: "local", testnet: true, tip: () => tip, tables: { assets: ro(assets), transactions: ro(transactions), blockOwnerTxIndex: ro(blockOwnerTxIndex), ownerDigest: ro(ownerDigest) } };
}

const snapshot = (s: Store) => (Object.keys(CHAIN_TABLES) as (keyof typeof CHAIN_TABLES)[]).map((k) => [...s.tables[k].entries()].length).join(",");

describe("validateBlock against a read-only view", async () => {
  const source = open();
  await generateChain(source, { blocks: 3, seed: "validate" });
  const block2 = source.getBlock(2);
  const block3 = source.getBlock(3);
  // the state after block 2: a second store holding only it
  const s = open();
  await s.storeIncoming(block2);
  const now = unpackHeader(block3).timestamp + 60;
  const digest3 = fastHash.blockDigest(block3.subarray(0, 100));
  const tip = s.tip();

  const cases: { name: string; tip: ChainTip; packed?: Uint8Array; fault?: string }[] = [
    { name: "the next block passes", tip },
    { name: "another previous digest", tip: { ...tip, digest: new Uint8Array(32) }, fault: "previous block digest does not match" },
    { name: "a tip of a higher version", tip: { ...tip, version: 99 }, fault: "block version must not decrease" },
    { name: "a tip far later than the block", tip: { ...tip, timestamp: tip.timestamp + 3600 }, fault: "invalid block header timestamp" },
    { name: "a number that does not follow the tip (quirk #8)", tip: { ...tip, height: tip.height + 1 }, fault: "invalid block header version" },
    { name: "a changed merkle root", tip, packed: Uint8Array.from(block3, (b, i) => (i === 44 ? b ^ 1 : b)), fault: "Merkle Root Does Not Match" },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const before = snapshot(s);
      const packed = c.packed ?? block3;
      const run = () => validateBlock(readOnlyView(s, c.tip), fastHash, packed, checkBlockHeader(packed, now), digest3);
      if (c.fault) expect(faultOf(run)).toBe(c.fault);
      else {
        const valid = run();
        expect(valid.header.number).toBe(3);
        expect(valid.records.length).toBe(valid.header.transactionCount);
        expect(valid.digest).toEqual(digest3);
      }
      expect(snapshot(s)).toBe(before);
      expect(s.height()).toBe(2);
    });
  }
});
