/**
 * Ed25519 verification in the Rust addon with bitmarkd 8.2's acceptance rules (records.md §3.4, quirk #18):
 * RFC 8032 vectors against node:crypto (a strict verifier) too, tampered signatures (sig[63] & 0xe0 rejected),
 * signatures from node:crypto's key pairs, and ref10 key decoding (identity keys in non-canonical forms accepted,
 * but not with R′ = 2B; off-curve keys rejected). The known answers for both backends (RFC 8032 and bitmarkd's
 * signatures, S + L and S + 2L, the special keys) live in test/crypto-ed25519.test.ts, which runs on the native
 * backend too.
 */
import { expect, test } from "bun:test";
import { createPublicKey, generateKeyPairSync, randomBytes, sign, verify as strictVerify } from "node:crypto";
import { backend as maybeBackend, bytes, describeNative, utf8, vectors } from "../../support/native-setup.ts";

const fromBigLE = (n: bigint): Uint8Array => Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));

function strict(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const spki = Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), publicKey]);
  return strictVerify(null, message, createPublicKey({ key: spki, format: "der", type: "spki" }), signature);
}

describeNative("native ed25519Verify (bitmarkd 8.2 rules)", () => {
  const backend = maybeBackend!;

  for (const v of vectors.ed25519) {
    test(`${v.name}: 8.2 ${v.valid_8_2 ? "accepts" : "rejects"}, strict verifier ${v.valid_strict ? "accepts" : "rejects"} (${v.source})`, () => {
      const [pk, msg, sig] = [bytes(v.public_key_hex), bytes(v.message_hex), bytes(v.signature_hex)];
      expect(backend.ed25519Verify(pk, msg, sig)).toBe(v.valid_8_2);
      expect(strict(pk, msg, sig)).toBe(v.valid_strict);
    });
  }

  const rfc1 = vectors.ed25519[0]!;
  const [pk, msg, sig] = [bytes(rfc1.public_key_hex), bytes(rfc1.message_hex), bytes(rfc1.signature_hex)];
  const tampered: [string, () => [Uint8Array, Uint8Array, Uint8Array], boolean][] = [
    ...[0x20, 0x40, 0x80].map((bit): [string, () => [Uint8Array, Uint8Array, Uint8Array], boolean] => [
      `sig[63] | 0x${bit.toString(16)} is rejected`,
      () => {
        const s = Uint8Array.from(sig);
        s[63]! |= bit;
        return [pk, msg, s];
      },
      false,
    ]),
    ["a flipped bit in R is rejected", () => [pk, msg, Uint8Array.from(sig, (b, i) => (i === 3 ? b ^ 1 : b))], false],
    ["a flipped bit in S is rejected", () => [pk, msg, Uint8Array.from(sig, (b, i) => (i === 40 ? b ^ 1 : b))], false],
    ["another message is rejected", () => [pk, utf8("x"), sig], false],
    ["another key is rejected", () => [bytes(vectors.ed25519[1]!.public_key_hex), msg, sig], false],
  ];
  for (const [name, input, want] of tampered) {
    test(name, () => {
      expect(backend.ed25519Verify(...input())).toBe(want);
    });
  }

  // With A = the identity, [h]A vanishes and R' = [S]B: S = 1 with R = B's encoding verifies any message.
  const baseEncoding = bytes("58" + "66".repeat(31));
  const one = fromBigLE(1n);
  const identityKeys: [string, string][] = [
    ["canonical identity (y = 1)", "01" + "00".repeat(31)],
    ["identity with the sign bit set (x = 0, ref10 negates zero)", "01" + "00".repeat(30) + "80"],
    ["identity encoded non-canonically as y = p + 1", "ee" + "ff".repeat(30) + "7f"],
  ];
  for (const [name, keyHex] of identityKeys) {
    test(`small-order key accepted: ${name}`, () => {
      const key = bytes(keyHex);
      const signature = new Uint8Array([...baseEncoding, ...one]);
      expect(backend.ed25519Verify(key, utf8("any message"), signature)).toBe(true);
      expect(backend.ed25519Verify(key, utf8("another"), signature)).toBe(true);
      // R' = 2B ≠ B
      expect(backend.ed25519Verify(key, utf8("any message"), new Uint8Array([...baseEncoding, ...fromBigLE(2n)]))).toBe(false);
    });
  }

  test("agrees with node:crypto on signatures from fresh key pairs (valid, and with one bit flipped)", () => {
    for (let i = 0; i < 24; i++) {
      const { publicKey, privateKey } = generateKeyPairSync("ed25519");
      const raw = new Uint8Array(publicKey.export({ format: "der", type: "spki" }).subarray(12));
      const message = new Uint8Array(randomBytes(i * 7));
      const signature = new Uint8Array(sign(null, message, privateKey));
      expect(backend.ed25519Verify(raw, message, signature)).toBe(true);
      const flipped = Uint8Array.from(signature, (b, j) => (j === (i * 5) % 64 ? b ^ 0x04 : b));
      expect(backend.ed25519Verify(raw, message, flipped)).toBe(strict(raw, message, flipped));
    }
  });

  test("a key that is not a curve point (y = 2) is rejected", () => {
    const key = bytes("02" + "00".repeat(31));
    expect(backend.ed25519Verify(key, utf8("m"), new Uint8Array([...baseEncoding, ...one]))).toBe(false);
  });
});
