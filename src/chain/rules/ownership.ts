/**
 * Ownership index (bitmarkd 8.2 ownership/): who currently owns each bitmark and each block.
 *
 * Tables (keys and values byte-identical to 8.2's pools, `owner` = account bytes, variant byte included):
 *   OwnerCount  N[owner]               = BE64(next index for that owner; only ever grows)
 *   Ownership   K[owner ‖ BE64(index)] = item(1) ‖ last transfer txid(32) ‖ BE64(last transfer block)
 *                                        ‖ issue txid / F (32) ‖ BE64(issue block) ‖ asset id (64) | BE64(owned block)
 *   OwnerDigest D[owner ‖ txid]         = BE64(index) of the K entry currently held under that txid
 *
 * See docs/records.md §12.
 */
import { blockNumberKey, readBe64, readBlockNumberKey } from "../types/header.ts";
import { bytesEqual, concatBytes } from "../../encoding/hex.ts";
import { BunmarkError } from "../../base/errors.ts";

/** Synchronous key-value access to one table (inside a write transaction when writing). */
export interface KV {
  get(key: Uint8Array): Uint8Array | undefined;
  put(key: Uint8Array, value: Uint8Array): void;
  remove(key: Uint8Array): void;
}

export interface OwnershipTables {
  ownerCount: KV;
  ownership: KV;
  ownerDigest: KV;
}

export const OWNED_ASSET = 0;
const OWNED_BLOCK = 1;

export interface OwnershipEntry {
  item: typeof OWNED_ASSET | typeof OWNED_BLOCK;
  lastTransferTxId: Uint8Array;
  lastTransferBlock: number;
  issueTxId: Uint8Array;
  issueBlock: number;
  /** OWNED_ASSET only */
  assetId?: Uint8Array;
  /** OWNED_BLOCK only */
  ownedBlock?: number;
}

/**
 * NOT_CURRENTLY_OWNED: a transfer found no D entry for (current owner, previous txid), so that account does not
 * own the item (StoreIncoming turns it into "double transfer attempt"). OWNERSHIP_CORRUPT: a D entry without
 * its K entry.
 */
export class OwnershipError extends BunmarkError<{ code: "NOT_CURRENTLY_OWNED" | "OWNERSHIP_CORRUPT"; owner: Uint8Array; txId: Uint8Array }> {}

function decodeOwnership(v: Uint8Array): OwnershipEntry {
  const item = v[0] === OWNED_BLOCK ? OWNED_BLOCK : OWNED_ASSET;
  const entry: OwnershipEntry = {
    item,
    lastTransferTxId: v.slice(1, 33),
    lastTransferBlock: readBlockNumberKey(v.subarray(33)),
    issueTxId: v.slice(41, 73),
    issueBlock: readBlockNumberKey(v.subarray(73)),
  };
  if (item === OWNED_ASSET) entry.assetId = v.slice(81, 145);
  else entry.ownedBlock = readBlockNumberKey(v.subarray(81));
  return entry;
}

function create(t: OwnershipTables, txId: Uint8Array, data: Uint8Array, owner: Uint8Array): void {
  const count = t.ownerCount.get(owner) ?? new Uint8Array(8);
  t.ownerCount.put(owner, blockNumberKey(readBlockNumberKey(count) + 1));
  t.ownership.put(concatBytes(owner, count), data);
  t.ownerDigest.put(concatBytes(owner, txId), count);
}

/** New bitmark: owned by `owner` under its issue txid. */
export function createAssetOwnership(t: OwnershipTables, issueTxId: Uint8Array, issueBlock: number, assetId: Uint8Array, owner: Uint8Array): void {
  const bn = blockNumberKey(issueBlock);
  create(t, issueTxId, concatBytes(Uint8Array.of(OWNED_ASSET), issueTxId, new Uint8Array(8), issueTxId, bn, assetId), owner);
}

/** New block ownership: owned by `owner` under the foundation txid F. */
export function createBlockOwnership(t: OwnershipTables, foundationTxId: Uint8Array, blockNumber: number, owner: Uint8Array): void {
  const bn = blockNumberKey(blockNumber);
  create(t, foundationTxId, concatBytes(Uint8Array.of(OWNED_BLOCK), foundationTxId, new Uint8Array(8), foundationTxId, bn, bn), owner);
}

/**
 * Moves the entry held by `currentOwner` under `previousTxId` to `newOwner` under `transferTxId` (a new index
 * for the new owner; last transfer txid/block updated). `newOwner` null only deletes the entry.
 * Throws OwnershipError NOT_CURRENTLY_OWNED when there is no such entry (8.2 panics there: "OwnerDigest database corrupt").
 */
export function transferOwnership(
  t: OwnershipTables,
  previousTxId: Uint8Array,
  transferTxId: Uint8Array,
  transferBlock: number,
  currentOwner: Uint8Array,
  newOwner: Uint8Array | null,
): void {
  const dKey = concatBytes(currentOwner, previousTxId);
  const index = t.ownerDigest.get(dKey);
  if (!index) throw new OwnershipError({ code: "NOT_CURRENTLY_OWNED", owner: currentOwner, txId: previousTxId });
  const kKey = concatBytes(currentOwner, index);
  const data = t.ownership.get(kKey);
  if (!data) throw new OwnershipError({ code: "OWNERSHIP_CORRUPT", owner: currentOwner, txId: previousTxId });
  t.ownership.remove(kKey);
  t.ownerDigest.remove(dKey);
  if (!newOwner) return;
  const moved = Uint8Array.from(data);
  moved.set(transferTxId, 1);
  moved.set(blockNumberKey(transferBlock), 33);
  create(t, transferTxId, moved, newOwner);
}

/** Whether `owner` currently holds the item last moved by `txId` (8.2 CurrentlyOwns). */
export function currentlyOwns(t: { readonly ownerDigest: Pick<KV, "get"> }, owner: Uint8Array, txId: Uint8Array): boolean {
  return t.ownerDigest.get(concatBytes(owner, txId)) !== undefined;
}

/** An ownership entry with its index in the owner's list. */
export interface IndexedOwnership extends OwnershipEntry {
  n: bigint;
}

/**
 * 8.2 ListBitmarksFor: reads `count` entries of K from `owner ‖ BE64(start)` on and keeps those of `owner` (the
 * scan stops at the first other owner's key, so fewer may come back).
 */
export function listOwnership(
  ownership: { from(start: Uint8Array, limit: number): Iterable<{ key: Uint8Array; value: Uint8Array }> },
  owner: Uint8Array,
  start: bigint,
  count: number,
): IndexedOwnership[] {
  const out: IndexedOwnership[] = [];
  for (const { key, value } of ownership.from(concatBytes(owner, blockNumberKey(start)), count)) {
    if (key.length !== owner.length + 8 || !bytesEqual(key.subarray(0, owner.length), owner)) break;
    out.push({ n: readBe64(key.subarray(owner.length)), ...decodeOwnership(value) });
  }
  return out;
}

/** The entry `owner` holds under `txId`, if any. */
export function ownershipEntry(t: Pick<OwnershipTables, "ownerDigest" | "ownership">, owner: Uint8Array, txId: Uint8Array): OwnershipEntry | undefined {
  const index = t.ownerDigest.get(concatBytes(owner, txId));
  const data = index && t.ownership.get(concatBytes(owner, index));
  return data ? decodeOwnership(data) : undefined;
}
