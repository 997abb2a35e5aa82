/**
 * What a crashed node left on disk, checked against the source chain(s) it was synchronising: the store opens,
 * its height is the number of whole blocks stored (blocks 2…height present, nothing above), every block and
 * digest is the source's, each header links to the previous digest, and the index tables hold exactly the
 * entries of the stored blocks (no half-written block, no entry of a block that is not there).
 *
 *   const { height, branch, problems } = await checkStore(node.dir, { main, fork, forkAt });
 *   expect(problems).toEqual([]);
 *   expect(await wireDigestsMatch(node, main)).toEqual([]);   // a running node's `H` answers, block by block
 *
 * With a fork: blocks ≤ forkAt are shared; above it every block must come from the same one of the two.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { assetIdOf, foundationTxId } from "../../../src/chain/types/records/ids.ts";
import { blockRecords } from "../../../src/chain/types/block.ts";
import { bytesEqual } from "../../../src/encoding/hex.ts";
import { blockNumberKey, HEADER_SIZE, readBlockNumberKey, unpackHeader } from "../../../src/chain/types/header.ts";
import { CHAIN_TABLES, openStore, type Store } from "../../../src/chain/store/store.ts";
import { toHex } from "../hex.ts";
import type { NodeProcess } from "../node-process.ts";
import type { SourceChain } from "./chains.ts";

export interface Sources {
  readonly main: SourceChain;
  readonly fork?: SourceChain;
  readonly forkAt?: number;
}

export interface StoreReport {
  readonly height: number;
  /** which source the blocks above the fork point come from ("main" without a fork) */
  readonly branch: "main" | "fork" | "shared";
  readonly problems: string[];
}

/** Opens the store in `dir` (no node may be running on it), checks it, closes it. */
export async function checkStore(dir: string, sources: Sources): Promise<StoreReport> {
  if (!existsSync(join(dir, "local.lmdb"))) return { height: 1, branch: "shared", problems: [] };
  let store: Store;
  try {
    store = openStore(dir, "local");
  } catch (e) {
    return { height: 0, branch: "shared", problems: [`store does not open: ${(e as Error).message}`] };
  }
  try {
    return inspect(store, sources);
  } finally {
    await store.close();
  }
}

/** The block numbers whose digest over the wire (`H`) is not the source's: empty when every one matches. */
export async function wireDigestsMatch(node: NodeProcess, source: SourceChain): Promise<number[]> {
  const wrong: number[] = [];
  for (let n = 1; n <= source.height; n++) {
    const d = await node.digest(n, 5000);
    if (!(d instanceof Uint8Array) || !bytesEqual(d, source.digests[n]!)) wrong.push(n);
  }
  return wrong;
}

function inspect(store: Store, sources: Sources): StoreReport {
  const problems: string[] = [];
  const t = store.tables;
  const height = store.height();
  const numbers = (table: keyof typeof CHAIN_TABLES) => [...t[table].entries()].map((e) => readBlockNumberKey(e.key));
  for (const table of ["blocks", "blockDigest"] as const) {
    const keys = numbers(table);
    const expected = Array.from({ length: height - 1 }, (_, i) => i + 2);
    if (keys.join() !== expected.join()) problems.push(`${CHAIN_TABLES[table]} holds blocks [${summary(keys)}], expected 2…${height}`);
  }

  let branch: StoreReport["branch"] = sources.fork ? "shared" : "main";
  for (let n = 2; n <= height; n++) {
    const packed = t.blocks.get(blockNumberKey(n));
    if (!packed) continue; // reported above
    let source = sources.main;
    if (sources.fork && n > sources.forkAt!) {
      if (branch === "shared") branch = bytesEqual(packed, sources.fork.blocks[n] ?? new Uint8Array()) ? "fork" : "main";
      source = branch === "fork" ? sources.fork : sources.main;
    }
    if (!source.blocks[n] || !bytesEqual(packed, source.blocks[n]!)) {
      problems.push(`block ${n} is not block ${n} of the ${branch === "fork" ? "fork" : "main"} chain`);
      continue;
    }
    const digest = t.blockDigest.get(blockNumberKey(n));
    if (!digest || !bytesEqual(digest, source.digests[n]!)) problems.push(`digest of block ${n} missing or wrong`);
    const previous = n === 2 ? store.genesis.digest : t.blockDigest.get(blockNumberKey(n - 1));
    if (!previous || !bytesEqual(unpackHeader(packed).previousBlock, previous)) problems.push(`block ${n} does not link to the digest of block ${n - 1}`);
    problems.push(...blockEntries(store, n, packed, source.digests[n]!));
  }

  // Nothing may refer to a block that is not stored (a half-written or half-deleted block would).
  for (const table of ["transactions", "assets"] as const) {
    for (const { key, value } of t[table].entries()) {
      const n = readBlockNumberKey(value);
      if (n > height) problems.push(`${CHAIN_TABLES[table]} entry ${toHex(key).slice(0, 16)}… belongs to block ${n} above the height ${height}`);
    }
  }
  for (const { key, value } of t.ownerDigest.entries()) {
    const owner = key.subarray(0, key.length - 32);
    const entry = t.ownership.get(new Uint8Array([...owner, ...value]));
    if (!entry) problems.push(`OwnerDigest ${toHex(key).slice(0, 16)}… points to a missing Ownership entry`);
    else if (readBlockNumberKey(entry.subarray(33)) > height) problems.push(`Ownership entry of ${toHex(key).slice(0, 16)}… was transferred in a block above the height`);
  }
  return { height, branch, problems };
}

/** The index entries block n must have: foundation, transactions, assets. */
function blockEntries(store: Store, n: number, packed: Uint8Array, digest: Uint8Array): string[] {
  const t = store.tables;
  const out: string[] = [];
  const header = unpackHeader(packed);
  const foundation = foundationTxId(digest, n);
  if (readBlockNumberKey(t.transactions.get(foundation) ?? new Uint8Array(8)) !== n) out.push(`foundation of block ${n} missing from Transactions`);
  if (readBlockNumberKey(t.blockOwnerTxIndex.get(foundation) ?? new Uint8Array(8)) !== n) out.push(`foundation of block ${n} missing from BlockOwnerTxIndex`);
  if (!t.blockOwnerPayment.get(blockNumberKey(n))) out.push(`BlockOwnerPayment of block ${n} missing`);
  for (const r of blockRecords(packed.subarray(HEADER_SIZE), header.transactionCount, store.testnet)) {
    const tx = r.record;
    if (tx.tag === 2) {
      const stored = t.assets.get(assetIdOf(tx.fingerprint));
      if (!stored || readBlockNumberKey(stored) > n) out.push(`asset of block ${n} record ${r.index} missing`);
    } else if (tx.tag === 3 || tx.tag === 4 || tx.tag === 5 || tx.tag === 7) {
      if (readBlockNumberKey(t.transactions.get(r.txId) ?? new Uint8Array(8)) !== n) out.push(`transaction ${r.index} of block ${n} missing from Transactions`);
    }
  }
  return out;
}

/** `2…7, 9` style list of block numbers. */
function summary(ns: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ns.length; ) {
    let j = i;
    while (j + 1 < ns.length && ns[j + 1] === ns[j]! + 1) j++;
    parts.push(i === j ? `${ns[i]}` : `${ns[i]}…${ns[j]}`);
    i = j + 1;
  }
  return parts.join(", ");
}
