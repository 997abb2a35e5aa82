/**
 * Pay ids and pay nonces (pay/payid.go, reservoir/paynonce.go): the handle a client pays or proves against.
 * Neither is ever byte-reversed; both travel as plain lower-case hex.
 *
 * See docs/records.md §6.
 */
import { fromHex } from "../encoding/hex.ts";
import type { HashBackend } from "../crypto/api.ts";
import { fail } from "../base/fault.ts";
import type { Bytes } from "./ports.ts";

export const PAY_ID_LENGTH = 48;
const PAY_NONCE_LENGTH = 8;

/** sha3-384 over the packed records in submission order. */
export function payIdOf(hash: HashBackend, packed: readonly Bytes[]): Bytes {
  return hash.sha3_384(Buffer.concat(packed));
}

function fromHexExact(text: string, length: number): Bytes | undefined {
  return text.length === 2 * length ? fromHex(text) : undefined;
}

/** Parses a pay id from hex text (JSON/RPC form); wrong length or bad hex → "not a pay id". */
export function parsePayId(text: string): Bytes {
  return fromHexExact(text, PAY_ID_LENGTH) ?? fail("not a pay id");
}

/** Parses a pay nonce from hex text; wrong length or bad hex → "not a pay nonce". */
export function parsePayNonce(text: string): Bytes {
  return fromHexExact(text, PAY_NONCE_LENGTH) ?? fail("not a pay nonce");
}
