/**
 * What the reservoir needs from the rest of the node, as small interfaces. The chain store (`Store` in
 * src/chain/store/store.ts) satisfies `ChainView` as it is; the node's broadcast queue fits `Broadcast` with a
 * one-line closure. Tests use fakes.
 */
import type { Currency } from "../chain/types/currency.ts";
import type { OwnershipEntry } from "../chain/rules/ownership.ts";

export type Bytes = Uint8Array;

/** One payment to make on a currency chain; amounts are in the currency's smallest unit. */
export interface Payment {
  readonly currency: Currency;
  readonly address: string;
  readonly amount: bigint;
}

/** All payments of one alternative are in the same currency; paying any one alternative is enough. */
export type PaymentAlternative = readonly Payment[];

/** Read-only lookups in the confirmed chain (docs/records.md §11.2, §12). */
export interface ChainView {
  /** `T[txid]`: block number and packed record of a confirmed transaction. */
  transaction(txId: Bytes): { block: number; packed: Bytes } | undefined;
  /** `A[assetId]`: block number and packed record of a confirmed asset. */
  asset(assetId: Bytes): { block: number; packed: Bytes } | undefined;
  /** `H[BE64(n)]`: the packed currency map receiving block n's fees. */
  blockOwnerPayment(n: number): Bytes | undefined;
  /** The ownership entry `owner` (account bytes) holds under `txId` (`D` then `K`), if it currently owns it. */
  ownership(owner: Bytes, txId: Bytes): OwnershipEntry | undefined;
  /** BE64 of the newest block's CRC. */
  payNonce(): Bytes;
  /** The 19 newest ring CRCs, 8 bytes big-endian each, newest first. */
  proofCRCs(): Bytes[];
}

/** Sends an item to every upstream (the node's broadcast queue). */
export type Broadcast = (command: string, params: Bytes[]) => void;
