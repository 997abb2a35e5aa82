/**
 * Who signs and who owns, per record type (docs/records.md §5.3, ownership/transfer.go OwnerOf): the questions a
 * block validator or the reservoir asks of a decoded record.
 */
import type { Account } from "../account.ts";
import { Tag, type TransferRecord, type TxRecord } from "./types.ts";

/** Transfers (tags 4, 5, 7) continue the transaction named by their `link`. */
export function isTransfer(rec: TxRecord): rec is TransferRecord {
  return rec.tag === Tag.BitmarkTransferUnratified || rec.tag === Tag.BitmarkTransferCountersigned || rec.tag === Tag.BlockOwnerTransfer;
}

/** The txid (storage order) a transfer continues; undefined for other records. */
export function linkOf(rec: TxRecord): Uint8Array | undefined {
  return isTransfer(rec) ? rec.link : undefined;
}

/**
 * The account whose signature a record carries when it can be known from the record alone: BaseData,
 * BitmarkIssue and BlockFoundation are signed by their owner, AssetData by its registrant. For transfers the
 * signer is the current owner of `link` (see `ownerOf` applied to the linked record): undefined here. The
 * countersignature of tags 5 and 7 is always by the record's `owner` (the new owner).
 */
export function selfSigner(rec: TxRecord): Account | undefined {
  switch (rec.tag) {
    case Tag.BaseData:
    case Tag.BitmarkIssue:
    case Tag.BlockFoundation:
      return rec.owner;
    case Tag.AssetData:
      return rec.registrant;
    default:
      return undefined;
  }
}

/**
 * The owner a record leaves behind, i.e. who must sign a transfer linking to it — 8.2's OwnerOf: issues,
 * transfers and block foundations/owner transfers have one; BaseData and AssetData do not (8.2 panics on
 * those, so a transfer linking to one must be rejected).
 */
export function ownerOf(rec: TxRecord): Account | undefined {
  return rec.tag === Tag.BaseData || rec.tag === Tag.AssetData ? undefined : rec.owner;
}
