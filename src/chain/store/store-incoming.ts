/**
 * StoreIncoming (bitmarkd 8.2 block/store.go, docs/records.md §11.1) in its order: header checks, the Argon2
 * digest (the only slow step: skipped when the caller has it), the other checks (rules/validate-block.ts), then
 * the writes (write-block.ts) in ONE write transaction. The Store runs it through `Store.storeIncoming`, one
 * block at a time, and moves its tip, ring and listeners afterwards.
 *
 * See docs/deviations.md §2 and §D.
 */
import { at } from "../../base/at.ts";
import type { HashBackend } from "../../crypto/api.ts";
import { checkBlockHeader, digestsFor, validateBlock, type ChainView, type ValidBlock } from "../rules/validate-block.ts";
import type { ChainTables } from "./tables.ts";
import { writeBlock } from "./write-block.ts";

/** `digestsFor` stays importable from here: block producers and benchmarks compute digests ahead of storing. */
export { digestsFor };

export interface StoreIncomingOptions {
  /** the block's Argon2 digest, already computed (skips the only expensive step); undefined: computed here */
  digest?: Uint8Array | undefined;
}

/** What StoreIncoming needs of the Store (which passes itself): a read view, the tables and its write transaction. */
export interface IncomingStore extends ChainView {
  readonly tables: ChainTables;
  readonly hash: HashBackend;
  nowSeconds(): number;
  write<T>(fn: () => T): T;
}

/** Validates `packed` and writes it; resolves with what was written, rejects with a Fault (nothing written). */
export async function storeIncoming(store: IncomingStore, packed: Uint8Array, options: StoreIncomingOptions = {}): Promise<ValidBlock> {
  const checked = checkBlockHeader(packed, store.nowSeconds());
  // a private copy: the tip and the ring keep it, and callers' Buffers may be reused
  const digest = Uint8Array.from(options.digest ?? at(await digestsFor(store, [packed]), 0));
  const block = validateBlock(store, store.hash, packed, checked, digest);
  store.write(() => writeBlock(store.tables, store.testnet, block));
  return block;
}
