/**
 * Step 10 of bitmarkd 8.2's StoreIncoming (block/store.go, docs/records.md §11.1): the writes of a block that
 * passed `rules/validate-block.ts`, run by the Store inside the block's one write transaction.
 *
 * Where 8.2 panics half-way through its writes, this throws, which aborts the transaction, so nothing of the
 * block is stored (quirks #7 and #9):
 *   #7  a BaseData/BlockFoundation after the block-owner record(s) → "transaction count out of range";
 *   #9  a second move of the same item within one block → "double transfer attempt".
 *
 * See docs/deviations.md §2.
 */
import { fail } from "../../base/fault.ts";
import { concatBytes } from "../../encoding/hex.ts";
import { accountToBytes, type Account } from "../types/account.ts";
import { packCurrencyMap } from "../types/currency.ts";
import { blockNumberKey } from "../types/header.ts";
import { foundationTxId } from "../types/records/ids.ts";
import { Tag } from "../types/records/types.ts";
import { createAssetOwnership, createBlockOwnership, OwnershipError, transferOwnership } from "../rules/ownership.ts";
import type { ValidBlock } from "../rules/validate-block.ts";
import type { ChainTables } from "./tables.ts";

/** Writes a validated block's entries; call inside one write transaction. */
export function writeBlock(t: ChainTables, testnet: boolean, block: ValidBlock): void {
  const { header, digest, records, owner } = block;
  const number = header.number;
  const bn = blockNumberKey(number);
  const move = (link: Uint8Array, txId: Uint8Array, from: Account, to: Account) => {
    try {
      transferOwnership(t, link, txId, number, accountToBytes(from), accountToBytes(to));
    } catch (e) {
      if (e instanceof OwnershipError && e.type.code === "NOT_CURRENTLY_OWNED") fail("double transfer attempt"); // quirk #9
      throw e;
    }
  };
  for (const r of records.slice(owner.firstProcessed)) {
    const tx = r.record;
    switch (tx.tag) {
      case Tag.BaseData:
      case Tag.BlockFoundation:
        fail("transaction count out of range"); // quirk #7
      case Tag.AssetData:
        if (!t.assets.has(r.assetId!)) t.assets.put(r.assetId!, concatBytes(bn, r.packed));
        break;
      case Tag.BitmarkIssue:
        if (!t.transactions.has(r.txId)) {
          t.transactions.put(r.txId, concatBytes(bn, r.packed));
          createAssetOwnership(t, r.txId, number, tx.assetId, accountToBytes(tx.owner));
        }
        break;
      case Tag.BitmarkTransferUnratified:
      case Tag.BitmarkTransferCountersigned:
        t.transactions.put(r.txId, concatBytes(bn, r.packed));
        move(tx.link, r.txId, r.linkOwner!, tx.owner);
        break;
      case Tag.BlockOwnerTransfer:
        t.transactions.put(r.txId, concatBytes(bn, r.packed));
        t.blockOwnerPayment.put(r.transferredBlockKey!, packCurrencyMap(tx.payments, testnet));
        t.blockOwnerTxIndex.put(r.txId, bn);
        move(tx.link, r.txId, r.linkOwner!, tx.owner);
        break;
    }
  }
  t.blockOwnerPayment.put(bn, owner.packedPayments);
  const foundation = foundationTxId(digest, number);
  t.transactions.put(foundation, concatBytes(bn, owner.foundation));
  t.blockOwnerTxIndex.put(foundation, bn);
  createBlockOwnership(t, foundation, number, accountToBytes(owner.owner));
  t.blocks.put(bn, block.packed);
  t.blockDigest.put(bn, digest);
}
