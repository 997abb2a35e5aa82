/**
 * Transaction records of bitmarkd 8.2 (transactionrecord/transaction.go) as a discriminated union on `tag`.
 *
 * Text fields (names, fingerprints, metadata, BaseData and escrow addresses) are kept as the raw bytes that
 * appeared on the wire: 8.2 treats them as byte strings, and validation re-packs them byte for byte.
 * Unsigned integers are bigints (full 64-bit range). Links and asset ids are raw bytes in storage order.
 *
 * See docs/records.md §5.1–§5.3.
 */
import type { Account } from "../account.ts";
import type { Currency, CurrencyMap } from "../currency.ts";

export type RecordTag = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** Record type names as bitmarkd's RPC and dump commands print them (transactionrecord.RecordName). */
export const RECORD_NAMES: Record<RecordTag, string> = {
  1: "BaseData",
  2: "AssetData",
  3: "BitmarkIssue",
  4: "BitmarkTransferUnratified",
  5: "BitmarkTransferCountersigned",
  6: "BlockFoundation",
  7: "BlockOwnerTransfer",
};

export const LINK_LENGTH = 32;
export const ASSET_ID_LENGTH = 64;

/** Optional escrow payment of a transfer. */
export interface Escrow {
  currency: Currency;
  address: Uint8Array;
  amount: bigint;
}

/** Obsolete block-owner record (genesis and version-1 blocks). */
export interface BaseData {
  tag: 1;
  currency: Currency;
  paymentAddress: Uint8Array;
  owner: Account;
  nonce: bigint;
  signature: Uint8Array;
}

export interface AssetData {
  tag: 2;
  name: Uint8Array;
  fingerprint: Uint8Array;
  /** `key NUL value NUL …` or empty. */
  metadata: Uint8Array;
  registrant: Account;
  signature: Uint8Array;
}

export interface BitmarkIssue {
  tag: 3;
  assetId: Uint8Array;
  owner: Account;
  nonce: bigint;
  signature: Uint8Array;
}

export interface BitmarkTransferUnratified {
  tag: 4;
  link: Uint8Array;
  escrow: Escrow | null;
  /** The new owner (may be the zero key: that destroys the bitmark). */
  owner: Account;
  signature: Uint8Array;
}

export interface BitmarkTransferCountersigned {
  tag: 5;
  link: Uint8Array;
  escrow: Escrow | null;
  owner: Account;
  signature: Uint8Array;
  countersignature: Uint8Array;
}

/** First record of every version-2 block: block owner and payment addresses. */
export interface BlockFoundation {
  tag: 6;
  version: bigint;
  payments: CurrencyMap;
  owner: Account;
  nonce: bigint;
  signature: Uint8Array;
}

export interface BlockOwnerTransfer {
  tag: 7;
  link: Uint8Array;
  escrow: Escrow | null;
  version: bigint;
  payments: CurrencyMap;
  owner: Account;
  signature: Uint8Array;
  countersignature: Uint8Array;
}

export type TxRecord =
  | BaseData
  | AssetData
  | BitmarkIssue
  | BitmarkTransferUnratified
  | BitmarkTransferCountersigned
  | BlockFoundation
  | BlockOwnerTransfer;

/** Records that move something and name the transaction they continue (tags 4, 5, 7). */
export type TransferRecord = BitmarkTransferUnratified | BitmarkTransferCountersigned | BlockOwnerTransfer;

/** Records carrying a countersignature by the new owner (tags 5, 7). */
export type CountersignedRecord = BitmarkTransferCountersigned | BlockOwnerTransfer;
