/**
 * DeleteDownToBlock (bitmarkd 8.2 block/delete.go, docs/records.md §11.3): fork recovery. Deletes every stored block
 * numbered ≥ n, highest first, in ONE write transaction, undoing each block's index entries the way 8.2 does:
 * assets and issues removed, transfers moved back to the owner of their link (new ownership index, last
 * transfer block 0), the foundation entries removed.
 *
 * Quirk #12, kept for compatibility (later payment amounts of a re-grown chain depend on it, and the 8.2
 * storage vectors show it): a deleted BlockOwnerTransfer leaves its BlockOwnerTxIndex entry and the
 * BlockOwnerPayment it overwrote; BlockOwnerPayment[n] of a deleted block also stays. Re-storing the same blocks
 * rewrites those entries with the same values. OwnerCount only ever grows, so ownership indexes differ
 * after a delete and re-store; the owned items and their data are the same.
 * Quirk #11: when no block is left the tip and ring are reset to the genesis state.
 * Digests come from the digest table (quirk #14), so no Argon2 runs.
 */
import type { HashBackend } from "../../crypto/api.ts";
import { accountToBytes, type Account } from "../types/account.ts";
import { decodeBlock, type BlockEvent } from "../types/block.ts";
import { assetIdOf, foundationTxId } from "../types/records/ids.ts";
import { Tag } from "../types/records/types.ts";
import { blockNumberKey, unpackHeader } from "../types/header.ts";
import { transferOwnership } from "../rules/ownership.ts";
import { linkOwner } from "../rules/validate-block.ts";
import { storedDigest, StoreError, type ChainTables } from "./tables.ts";

/** What a delete-down needs of the Store (which passes itself). */
interface DeletingStore {
  readonly testnet: boolean;
  readonly tables: ChainTables;
  readonly hash: Pick<HashBackend, "blockDigest">;
}

function linkOwnerOf(store: DeletingStore, link: Uint8Array): Uint8Array {
  const owner = linkOwner(store, link);
  if (!owner) throw new StoreError({ code: "STORE_CORRUPT", table: "Transactions", key: link, detail: "the link of a stored transfer is missing" });
  return accountToBytes(owner);
}

/** Removes one stored block's entries (inside the delete transaction); returns what was removed. */
function deleteBlock(store: DeletingStore, number: number, packed: Uint8Array): BlockEvent {
  const t = store.tables;
  const { header, records } = decodeBlock(packed, store.testnet);
  const digest = storedDigest(store, number, packed);
  let blockOwner: Account | undefined;
  for (const { record: tx, txId } of records) {
    switch (tx.tag) {
      case Tag.BaseData:
      case Tag.BlockFoundation:
        blockOwner ??= tx.owner;
        break;
      case Tag.AssetData:
        t.assets.remove(assetIdOf(tx.fingerprint));
        break;
      case Tag.BitmarkIssue:
        if (t.transactions.has(txId)) {
          t.transactions.remove(txId);
          transferOwnership(t, txId, txId, 0, accountToBytes(tx.owner), null);
        }
        break;
      case Tag.BitmarkTransferUnratified:
      case Tag.BitmarkTransferCountersigned:
      case Tag.BlockOwnerTransfer:
        t.transactions.remove(txId);
        transferOwnership(t, txId, tx.link, 0, accountToBytes(tx.owner), linkOwnerOf(store, tx.link));
        break;
    }
  }
  const bn = blockNumberKey(number);
  const foundation = foundationTxId(digest, number);
  t.transactions.remove(foundation);
  if (blockOwner) transferOwnership(t, foundation, foundation, 0, accountToBytes(blockOwner), null);
  t.blockOwnerTxIndex.remove(foundation);
  t.blocks.remove(bn);
  t.blockDigest.remove(bn);
  return { number, digest, header, records };
}

/**
 * Deletes the stored blocks numbered ≥ n, highest first; call inside one write transaction (`Store.deleteDownToBlock`
 * does, then reloads its tip and ring). Returns the deleted blocks in deletion order.
 */
export function deleteDownToBlock(store: DeletingStore, n: number): BlockEvent[] {
  const events: BlockEvent[] = [];
  let packed: Uint8Array | undefined = store.tables.blocks.last()?.value;
  while (packed) {
    const number = unpackHeader(packed).number;
    if (number < n) break;
    events.push(deleteBlock(store, number, packed));
    packed = store.tables.blocks.get(blockNumberKey(number - 1));
  }
  return events;
}
