/** Transaction ids and asset ids (transactionrecord/, merkle/digest.go, docs/records.md §6). */
import { activeBackend } from "../../../crypto/index.ts";
import { foundationTxIdInput } from "../header.ts";
import { utf8Bytes } from "../../../encoding/utf8.ts";

/**
 * Transaction id = sha3-256 of the record's bytes exactly as they appeared (signatures included, not a
 * re-packing), 32 bytes in storage order.
 */
export function txIdOf(raw: Uint8Array): Uint8Array {
  return activeBackend().sha3_256(raw);
}

/** Foundation txid of block `number` (the id its ownership is held and transferred under): sha3-256(digest ‖ LE64(number)). */
export function foundationTxId(digest: Uint8Array, number: number | bigint): Uint8Array {
  return txIdOf(foundationTxIdInput(digest, number));
}

/** Asset id = sha3-512 of the fingerprint bytes (64 bytes, never byte-reversed). */
export function assetIdOf(fingerprint: Uint8Array | string): Uint8Array {
  return activeBackend().sha3_512(typeof fingerprint === "string" ? utf8Bytes(fingerprint) : fingerprint);
}
