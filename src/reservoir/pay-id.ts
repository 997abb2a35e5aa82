/**
 * Pay ids and pay nonces (pay/payid.go, reservoir/paynonce.go): the handle a client pays or proves against.
 * Neither is ever byte-reversed; both travel as plain lower-case hex.
 */
import type { HashBackend } from "../crypto/api.ts";
import { fail } from "../fault.ts";
import type { Bytes } from "./ports.ts";

export const PAY_ID_LENGTH = 48;
export const PAY_NONCE_LENGTH = 8;

/** sha3-384 over the packed records in submission order. */
export function payIdOf(hash: HashBackend, packed: readonly Bytes[]): Bytes {
  return hash.sha3_384(Buffer.concat(packed));
}

export function toHex(b: Bytes): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
}

function fromHexExact(text: string, length: number): Bytes | undefined {
  if (text.length !== 2 * length || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  return new Uint8Array(Buffer.from(text, "hex"));
}

/** Parses a pay id from hex text (JSON/RPC form); wrong length or bad hex → "not a pay id". */
export function parsePayId(text: string): Bytes {
  return fromHexExact(text, PAY_ID_LENGTH) ?? fail("not a pay id");
}

/** Parses a pay nonce from hex text; wrong length or bad hex → "not a pay nonce". */
export function parsePayNonce(text: string): Bytes {
  return fromHexExact(text, PAY_NONCE_LENGTH) ?? fail("not a pay nonce");
}
