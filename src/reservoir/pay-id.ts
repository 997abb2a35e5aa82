/**
 * Pay ids and pay nonces (pay/payid.go, reservoir/paynonce.go): the handle a client pays or proves against.
 * Neither is ever byte-reversed; both travel as plain lower-case hex.
 *
 * See docs/records.md §6.
 */
import type { HashBackend } from "../crypto/api.ts";
import type { Bytes } from "./ports.ts";

export const PAY_ID_LENGTH = 48;

/** sha3-384 over the packed records in submission order. */
export function payIdOf(hash: HashBackend, packed: readonly Bytes[]): Bytes {
  return hash.sha3_384(Buffer.concat(packed));
}

