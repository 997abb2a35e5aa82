/**
 * Ed25519: RFC 8032 known answers (signing and key derivation in TypeScript, verification in every backend),
 * the signatures of bitmarkd's records and genesis blocks, and bitmarkd 8.2's permissive acceptance rules
 * (quirk #18): S + L accepted by our verifier while node:crypto (OpenSSL) rejects it, only the top three bits
 * of S checked, small-order and non-canonical public keys accepted, undecodable keys rejected.
 */
import { describe, expect, test } from "bun:test";
import { createPublicKey, verify as nodeVerify } from "node:crypto";
import vectors from "../../fixtures/crypto-ed25519-vectors.json";
import { backendsUnderTest, bytes, hex, utf8 } from "../../support/crypto-backends.ts";
import { ed25519PublicKey, ed25519Sign } from "../../../src/crypto/index.ts";

const L = 2n ** 252n + 27742317777372353535851937790883648493n;

function nodeAccepts(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const key = createPublicKey({ key: Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), publicKey]), format: "der", type: "spki" });
  return nodeVerify(null, message, key, signature);
}

/** The signature with S replaced by S + k·L (little-endian 256-bit arithmetic, k may be negative). */
function shiftS(signature: Uint8Array, k: bigint): Uint8Array {
  const s = BigInt("0x" + hex(signature.slice(32).reverse())) + k * L;
  const out = signature.slice();
  out.set(bytes(s.toString(16).padStart(64, "0")).reverse(), 32);
  return out;
}

const signed = [...vectors.rfc8032, ...vectors.record_signatures.filter((v) => "seed_hex" in v)] as { seed_hex: string; public_key_hex: string; message_hex: string; signature_hex: string }[];

describe("signing (TypeScript, RFC 8032)", () => {
  test.each(signed)("$name: public key and deterministic signature", (v) => {
    expect(hex(ed25519PublicKey(bytes(v.seed_hex)))).toBe(v.public_key_hex);
    expect(hex(ed25519Sign(bytes(v.seed_hex), bytes(v.message_hex)))).toBe(v.signature_hex);
  });

  test("a seed must be 32 bytes", () => {
    expect(() => ed25519Sign(new Uint8Array(31), new Uint8Array(0))).toThrow();
    expect(() => ed25519PublicKey(new Uint8Array(64))).toThrow();
  });
});

describe.each(backendsUnderTest())("$name backend verification", (b) => {
  const known = [...vectors.rfc8032, ...vectors.record_signatures];
  test.each(known)("$name verifies; a changed message or R does not", (v) => {
    const pk = bytes(v.public_key_hex), msg = bytes(v.message_hex), sig = bytes(v.signature_hex);
    expect(b.ed25519Verify(pk, msg, sig)).toBe(true);
    expect(b.ed25519Verify(pk, new Uint8Array([...msg, 0]), sig)).toBe(false);
    const badR = sig.slice();
    badR[0]! ^= 1;
    expect(b.ed25519Verify(pk, msg, badR)).toBe(false);
  });

  test.each(vectors.s_plus_l)("S + L from $name: valid for 8.2, rejected by node:crypto; S itself valid for both", (v) => {
    const pk = bytes(v.public_key_hex), msg = bytes(v.message_hex), sig = bytes(v.signature_hex);
    expect(b.ed25519Verify(pk, msg, sig)).toBe(v.valid_in_bitmarkd_8_2);
    expect(nodeAccepts(pk, msg, sig)).toBe(v.valid_in_strict_verifiers);
    const reduced = shiftS(sig, -1n);
    expect(b.ed25519Verify(pk, msg, reduced)).toBe(true);
    expect(nodeAccepts(pk, msg, reduced)).toBe(true);
  });

  test.each(vectors.rfc8032)("$name: S + L accepted (node:crypto rejects), S + 2L rejected by the top-bits check", (v) => {
    const pk = bytes(v.public_key_hex), msg = bytes(v.message_hex), sig = bytes(v.signature_hex);
    const plusL = shiftS(sig, 1n);
    expect(plusL[63]! & 0xe0).toBe(0);
    expect(b.ed25519Verify(pk, msg, plusL)).toBe(true);
    expect(nodeAccepts(pk, msg, plusL)).toBe(false);
    const plus2L = shiftS(sig, 2n);
    expect(plus2L[63]! & 0xe0).not.toBe(0);
    expect(b.ed25519Verify(pk, msg, plus2L)).toBe(false);
  });

  test.each([0x20, 0x40, 0x80, 0xe0])("sig[63] | %i is rejected before anything else", (bit) => {
    // A small-order key accepts R = B, S = 1 for every message, so only the top-bits check can reject these.
    const v = vectors.special_keys[0]!;
    const sig = bytes(v.signature_hex);
    expect(b.ed25519Verify(bytes(v.public_key_hex), utf8(v.message_utf8), sig)).toBe(true);
    sig[63]! |= bit;
    expect(b.ed25519Verify(bytes(v.public_key_hex), utf8(v.message_utf8), sig)).toBe(false);
  });

  test.each(vectors.special_keys)("$name → $valid_in_bitmarkd_8_2", (v) => {
    expect(b.ed25519Verify(bytes(v.public_key_hex), utf8(v.message_utf8), bytes(v.signature_hex))).toBe(v.valid_in_bitmarkd_8_2);
    expect(b.ed25519Verify(bytes(v.public_key_hex), utf8(v.message_utf8 + "!"), bytes(v.signature_hex))).toBe(v.valid_in_bitmarkd_8_2);
  });

  test("wrong lengths are rejected", () => {
    const v = vectors.rfc8032[0]!;
    const pk = bytes(v.public_key_hex), msg = bytes(v.message_hex), sig = bytes(v.signature_hex);
    expect(b.ed25519Verify(pk, msg, sig.subarray(0, 63))).toBe(false);
    expect(b.ed25519Verify(pk, msg, new Uint8Array([...sig, 0]))).toBe(false);
    expect(b.ed25519Verify(pk.subarray(0, 31), msg, sig)).toBe(false);
  });

  test("random keys: signatures verify; a flipped bit (not in S's top three) fails exactly when node:crypto rejects", () => {
    for (let i = 0; i < 12; i++) {
      const seed = crypto.getRandomValues(new Uint8Array(32));
      const msg = crypto.getRandomValues(new Uint8Array(i * 13));
      const pk = ed25519PublicKey(seed), sig = ed25519Sign(seed, msg);
      expect(b.ed25519Verify(pk, msg, sig)).toBe(true);
      expect(nodeAccepts(pk, msg, sig)).toBe(true);
      const flipped = sig.slice();
      const bit = (i * 37) % 508; // stays below the top three bits of S, where the rules differ
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      expect(b.ed25519Verify(pk, msg, flipped)).toBe(nodeAccepts(pk, msg, flipped));
    }
  });
});
