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

/**
 * Record tags: the leading varint of a packed record (8.2 transactionrecord.go's TagType constants). 8.2
 * defines 7 tags here; bitmarkd's later share records (8–10) do not exist in 8.2 and are not accepted.
 */
export const Tag = {
  BaseData: 1,
  AssetData: 2,
  BitmarkIssue: 3,
  BitmarkTransferUnratified: 4,
  BitmarkTransferCountersigned: 5,
  BlockFoundation: 6,
  BlockOwnerTransfer: 7,
} as const;

export type RecordTag = (typeof Tag)[keyof typeof Tag];

/** Record type names as bitmarkd's RPC and dump commands print them (transactionrecord.RecordName). */
export const RECORD_NAMES: Record<RecordTag, string> = {
  [Tag.BaseData]: "BaseData",
  [Tag.AssetData]: "AssetData",
  [Tag.BitmarkIssue]: "BitmarkIssue",
  [Tag.BitmarkTransferUnratified]: "BitmarkTransferUnratified",
  [Tag.BitmarkTransferCountersigned]: "BitmarkTransferCountersigned",
  [Tag.BlockFoundation]: "BlockFoundation",
  [Tag.BlockOwnerTransfer]: "BlockOwnerTransfer",
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
  tag: typeof Tag.BaseData;
  currency: Currency;
  paymentAddress: Uint8Array;
  owner: Account;
  nonce: bigint;
  signature: Uint8Array;
}

export interface AssetData {
  tag: typeof Tag.AssetData;
  name: Uint8Array;
  fingerprint: Uint8Array;
  /** `key NUL value NUL …` or empty. */
  metadata: Uint8Array;
  registrant: Account;
  signature: Uint8Array;
}

export interface BitmarkIssue {
  tag: typeof Tag.BitmarkIssue;
  assetId: Uint8Array;
  owner: Account;
  nonce: bigint;
  signature: Uint8Array;
}

export interface BitmarkTransferUnratified {
  tag: typeof Tag.BitmarkTransferUnratified;
  link: Uint8Array;
  escrow: Escrow | null;
  /** The new owner (may be the zero key: that destroys the bitmark). */
  owner: Account;
  signature: Uint8Array;
}

export interface BitmarkTransferCountersigned {
  tag: typeof Tag.BitmarkTransferCountersigned;
  link: Uint8Array;
  escrow: Escrow | null;
  owner: Account;
  signature: Uint8Array;
  countersignature: Uint8Array;
}

/** First record of every version-2 block: block owner and payment addresses. */
export interface BlockFoundation {
  tag: typeof Tag.BlockFoundation;
  version: bigint;
  payments: CurrencyMap;
  owner: Account;
  nonce: bigint;
  signature: Uint8Array;
}

export interface BlockOwnerTransfer {
  tag: typeof Tag.BlockOwnerTransfer;
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
