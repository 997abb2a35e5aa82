/**
 * BLAKE2b, SHA3 and SHA-512 known answers, bitmarkd's hash cases (merkle digest and path fold, pay ids, the
 * TryProof worked example) and the two target comparisons — for every available backend.
 */
import { describe, expect, test } from "bun:test";
import { blake2b as wasmBlake2b } from "hash-wasm";
import vectors from "../../fixtures/crypto-hash-vectors.json";
import { backendsUnderTest, bytes, hex, utf8 } from "../../support/crypto-backends.ts";
import { sha512 } from "../../../src/crypto/js/sha512.ts";

type Input = { utf8?: string; repeat?: { byte: string; count: number } };
const input = (i: Input): Uint8Array => (i.repeat ? new Uint8Array(i.repeat.count).fill(parseInt(i.repeat.byte, 16)) : utf8(i.utf8!));
const labelled = <T extends { input: Input }>(vs: T[]) =>
  vs.map((v) => ({ ...v, label: v.input.repeat ? `${v.input.repeat.count} × 0x${v.input.repeat.byte}` : JSON.stringify(v.input.utf8) }));
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

describe("SHA-512 (TypeScript, Ed25519's hash)", () => {
  test.each(labelled(vectors.sha512))("$label", (v) => {
    expect(hex(sha512(input(v.input)))).toBe(v.hex);
  });
  test("parts are hashed as their concatenation, across block boundaries", () => {
    const data = new Uint8Array(300).map((_, i) => (i * 7) & 0xff);
    for (const cut of [0, 1, 111, 112, 127, 128, 129, 250, 300]) {
      expect(hex(sha512(data.subarray(0, cut), data.subarray(cut)))).toBe(hex(sha512(data)));
    }
  });
});

describe.each(backendsUnderTest())("$name backend", (b) => {
  test.each(vectors.blake2b)("BLAKE2b-$outLen of $utf8 ($source)", (v) => {
    expect(hex(b.blake2b(utf8(v.utf8), v.outLen))).toBe(v.hex);
  });

  test("BLAKE2b: every output length 1..64, inputs around the 128-byte block, against hash-wasm", async () => {
    for (const len of [0, 1, 3, 127, 128, 129, 255, 256, 257, 1000]) {
      const data = new Uint8Array(len).map((_, i) => (i * 31 + len) & 0xff);
      for (let outLen = 1; outLen <= 64; outLen += len === 0 ? 1 : 9) {
        expect(hex(b.blake2b(data, outLen))).toBe(await wasmBlake2b(data, outLen * 8));
      }
    }
  });

  test("BLAKE2b rejects output lengths outside 1..64", () => {
    expect(() => b.blake2b(new Uint8Array(1), 0)).toThrow();
    expect(() => b.blake2b(new Uint8Array(1), 65)).toThrow();
  });

  test.each(labelled(vectors.sha3))("$alg of $label ($source)", (v) => {
    expect(hex(b[v.alg as "sha3_256" | "sha3_384" | "sha3_512"](input(v.input)))).toBe(v.hex);
  });

  test.each(vectors.merkle_digest)("merkle digest = sha3-256 ($source)", (v) => {
    expect(hex(b.sha3_256(bytes(v.hex)))).toBe(v.storage_hex);
  });

  test.each(vectors.merkle_fold)("merkle path fold ($source)", (v) => {
    let acc = bytes(v.start_storage_hex);
    for (const s of v.siblings_storage_hex) acc = b.sha3_256(concat(acc, bytes(s)));
    expect(hex(acc)).toBe(v.root_storage_hex);
  });

  test.each(vectors.pay_id)("pay id = sha3-384 of the packed issues ($source)", (v) => {
    expect(hex(b.sha3_384(concat(...v.parts_hex.map(bytes))))).toBe(v.pay_id_hex);
  });

  test.each(vectors.try_proof)("TryProof worked example ($source)", (v) => {
    const payId = bytes(v.pay_id_hex);
    const crcs = v.ring_pay_nonces_hex.map(bytes);
    const target = bytes(v.target_hex);
    expect(hex(b.sha3_256(concat(payId, crcs[0]!, bytes(v.nonce_ok_hex))))).toBe(v.hash_ok_hex);
    expect(hex(b.sha3_256(concat(payId, crcs[0]!, bytes(v.nonce_bad_hex))))).toBe(v.hash_bad_hex);
    expect(b.proofCheck(payId, crcs, bytes(v.nonce_ok_hex), target)).toBe(0);
    expect(b.proofCheck(payId, crcs, bytes(v.nonce_bad_hex), target)).toBe(-1);
    // only a later CRC qualifies → its index; no CRC → −1
    const other = bytes("0000000000000001");
    expect(b.proofCheck(payId, [other, other, crcs[0]!], bytes(v.nonce_ok_hex), target)).toBe(2);
    expect(b.proofCheck(payId, [], bytes(v.nonce_ok_hex), target)).toBe(-1);
  });

  test("proofCheck: a hash equal to the target qualifies, one above does not", () => {
    const payId = utf8("pay id"), crc = bytes("0102030405060708"), nonce = bytes("0000000000000007");
    const h = b.sha3_256(concat(payId, crc, nonce));
    expect(b.proofCheck(payId, [crc], nonce, h)).toBe(0);
    const below = h.slice();
    let i = 31;
    while (below[i] === 0) below[i--] = 0xff;
    below[i]!--;
    expect(b.proofCheck(payId, [crc], nonce, below)).toBe(-1);
  });

  test("proofCheck: a CRC that is not 8 bytes is a RangeError, even after one that qualifies", () => {
    const payId = utf8("pay id"), nonce = bytes("0000000000000007");
    expect(() => b.proofCheck(payId, [bytes("0102030405060708"), new Uint8Array(7)], nonce, new Uint8Array(32).fill(0xff))).toThrow(
      new RangeError("crcs[1] must be 8 bytes, got 7"),
    );
  });

  // digest bytes are little-endian, the target big-endian
  const le = (n: bigint) => bytes(n.toString(16).padStart(64, "0")).reverse();
  const be = (n: bigint) => bytes(n.toString(16).padStart(64, "0"));
  const difficultyCases: { name: string; digest: bigint; target: bigint; ok: boolean }[] = [
    { name: "equal", digest: 0x1234n << 200n, target: 0x1234n << 200n, ok: true },
    { name: "one below", digest: (1n << 240n) - 1n, target: 1n << 240n, ok: true },
    { name: "one above", digest: (1n << 240n) + 1n, target: 1n << 240n, ok: false },
    { name: "zero digest", digest: 0n, target: 0n, ok: true },
    { name: "differs only in the lowest byte", digest: (0xffn << 248n) | 2n, target: (0xffn << 248n) | 1n, ok: false },
    { name: "maximum target", digest: (1n << 256n) - 1n, target: (1n << 256n) - 1n, ok: true },
  ];
  test.each(difficultyCases)("meetsDifficulty: $name", (c) => {
    expect(b.meetsDifficulty(le(c.digest), be(c.target))).toBe(c.ok);
  });
});
