/**
 * The chain's tables in the store's LMDB environment: bitmarkd 8.2's LevelDB pools one-to-one (same binary keys
 * and values, the one-letter prefix dropped, shown in comments), plus BlockDigest (BE64(number) → 32-byte
 * digest) so no stored block ever needs Argon2 again (quirk #14).
 *
 * See docs/records.md §11–§12.
 */
import type { Database, RootDatabase } from "lmdb";
import type { HashBackend } from "../../crypto/api.ts";
import { BunmarkError } from "../../base/errors.ts";
import { logger } from "../../base/log.ts";
import { blockNumberKey, HEADER_SIZE } from "../types/header.ts";
import type { KV, OwnershipTables } from "../rules/ownership.ts";

const log = logger("store");

/** One table with byte keys and byte values. Writes must run inside `Store.write`. */
export interface Table extends KV {
  has(key: Uint8Array): boolean;
  /** all entries in key order */
  entries(): Iterable<{ key: Uint8Array; value: Uint8Array }>;
  /** the entry with the greatest key */
  last(): { key: Uint8Array; value: Uint8Array } | undefined;
  /** up to `limit` entries with key ≥ `start`, in key order */
  from(start: Uint8Array, limit: number): Iterable<{ key: Uint8Array; value: Uint8Array }>;
}

class LmdbTable implements Table {
  constructor(readonly db: Database<Buffer, Buffer>) {}
  get(key: Uint8Array): Uint8Array | undefined {
    const v = this.db.get(Buffer.from(key.buffer, key.byteOffset, key.byteLength));
    return v === undefined ? undefined : new Uint8Array(v);
  }
  has(key: Uint8Array): boolean {
    return this.db.doesExist(Buffer.from(key.buffer, key.byteOffset, key.byteLength));
  }
  put(key: Uint8Array, value: Uint8Array): void {
    this.db.putSync(Buffer.from(key), Buffer.from(value));
  }
  remove(key: Uint8Array): void {
    this.db.removeSync(Buffer.from(key));
  }
  *entries(): Iterable<{ key: Uint8Array; value: Uint8Array }> {
    for (const { key, value } of this.db.getRange({})) yield { key: new Uint8Array(key), value: new Uint8Array(value) };
  }
  last(): { key: Uint8Array; value: Uint8Array } | undefined {
    for (const { key, value } of this.db.getRange({ reverse: true, limit: 1 })) return { key: new Uint8Array(key), value: new Uint8Array(value) };
    return undefined;
  }
  *from(start: Uint8Array, limit: number): Iterable<{ key: Uint8Array; value: Uint8Array }> {
    for (const { key, value } of this.db.getRange({ start: Buffer.from(start), limit })) yield { key: new Uint8Array(key), value: new Uint8Array(value) };
  }
}

/** Table names (LMDB sub-database names) of the chain; bitmarkd's one-letter pool prefix in comments. */
export const CHAIN_TABLES = {
  blocks: "Blocks", // B
  blockOwnerPayment: "BlockOwnerPayment", // H
  blockOwnerTxIndex: "BlockOwnerTxIndex", // I
  assets: "Assets", // A
  transactions: "Transactions", // T
  ownerCount: "OwnerCount", // N
  ownership: "Ownership", // K
  ownerDigest: "OwnerDigest", // D
  blockDigest: "BlockDigest", // bunmark only: cached block digests
} as const;

export type ChainTables = { readonly [K in keyof typeof CHAIN_TABLES]: Table } & OwnershipTables;

/** TABLE_RESERVED: another subsystem asked for a chain table's name. STORE_CORRUPT: the tables contradict each other. */
export class StoreError extends BunmarkError<
  { code: "TABLE_RESERVED"; name: string } | { code: "STORE_CORRUPT"; table: string; key: Uint8Array; detail: string }
> {}

/** Opens (creating if needed) the chain's tables in `root`. */
export function openChainTables(root: RootDatabase): ChainTables {
  const tables = {} as { -readonly [K in keyof typeof CHAIN_TABLES]: Table };
  for (const k of Object.keys(CHAIN_TABLES) as (keyof typeof CHAIN_TABLES)[]) {
    tables[k] = new LmdbTable(root.openDB<Buffer, Buffer>({ name: CHAIN_TABLES[k], encoding: "binary", keyEncoding: "binary" }));
  }
  return tables;
}

/**
 * Digest of a stored block from the digest table; a block without one (a store written by something else)
 * costs one Argon2 here, not cached so that this never writes.
 */
export function storedDigest(store: { tables: ChainTables; hash: Pick<HashBackend, "blockDigest"> }, n: number, packed: Uint8Array): Uint8Array {
  const cached = store.tables.blockDigest.get(blockNumberKey(n));
  if (cached) return cached;
  log.warn("block digest missing from the digest table, computing it", { block: n });
  return store.hash.blockDigest(packed.subarray(0, HEADER_SIZE));
}
