/**
 * The Rust addon and the TypeScript twin must return identical results for every input: random inputs for
 * every function of the HashBackend contract. Skipped without the addon (with BUNMARK_REQUIRE_NATIVE=1 its
 * absence already fails the other crypto tests: backendsUnderTest in test/support/crypto-backends.ts throws; see
 * backend.test.ts).
 */
import { describe, expect, test } from "bun:test";
import { backendByName, ed25519PublicKey, ed25519Sign } from "../../../src/crypto/index.ts";
import { hex } from "../../support/crypto-backends.ts";

const native = backendByName("native");
const js = backendByName("js")!;

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const randomLength = (max: number) => Math.floor(Math.random() * (max + 1));

describe.skipIf(!native)("native ≡ js on random inputs", () => {
  const n = native!;

  test("blake2b: every output length, random input lengths", () => {
    for (let outLen = 1; outLen <= 64; outLen++) {
      const data = random(randomLength(600));
      expect(hex(n.blake2b(data, outLen))).toBe(hex(js.blake2b(data, outLen)));
    }
  });

  test("sha3-256/384/512: random lengths around every rate boundary", () => {
    for (let len = 0; len < 400; len += 1 + Math.floor(Math.random() * 7)) {
      const data = random(len);
      for (const f of ["sha3_256", "sha3_384", "sha3_512"] as const) expect(hex(n[f](data))).toBe(hex(js[f](data)));
    }
  });

  test("argon2d: random small parameters", () => {
    for (let i = 0; i < 8; i++) {
      const lanes = 1 + Math.floor(Math.random() * 4);
      const p = {
        password: random(randomLength(40)),
        salt: random(8 + randomLength(24)),
        ...(Math.random() < 0.5 ? { secret: random(randomLength(32)) } : {}),
        ...(Math.random() < 0.5 ? { associatedData: random(randomLength(32)) } : {}),
        memoryKiB: 8 * lanes + randomLength(300),
        passes: 1 + Math.floor(Math.random() * 3),
        lanes,
        tagLength: 4 + randomLength(150),
      };
      expect(hex(n.argon2d(p))).toBe(hex(js.argon2d(p)));
    }
  });

  test("meetsDifficulty: random digests against targets made equal, just above and just below", () => {
    for (let i = 0; i < 300; i++) {
      const digest = random(32);
      const target = i % 3 === 0 ? digest.slice().reverse() : random(32);
      if (i % 3 === 1) target.set(digest.slice().reverse().subarray(0, 1 + (i % 31)));
      expect(n.meetsDifficulty(digest, target)).toBe(js.meetsDifficulty(digest, target));
    }
  });

  test("proofCheck: random pay ids, CRC lists and nonces against easy and hard targets", () => {
    for (let i = 0; i < 60; i++) {
      const payId = random(48);
      const crcs = Array.from({ length: randomLength(19) }, () => random(8));
      const nonce = random(8 + randomLength(56));
      const target = new Uint8Array(32).fill(0xff);
      target.fill(0, 0, i % 3); // 0, 1 or 2 leading zero bytes: some CRCs qualify, some do not
      expect(n.proofCheck(payId, crcs, nonce, target)).toBe(js.proofCheck(payId, crcs, nonce, target));
    }
  });

  test("ed25519Verify: random valid signatures, flipped bits, S + L, random keys and signatures", () => {
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    for (let i = 0; i < 40; i++) {
      const seed = random(32);
      const msg = random(randomLength(200));
      const pk = ed25519PublicKey(seed);
      const sig = ed25519Sign(seed, msg);
      const flipped = sig.slice();
      flipped[Math.floor(Math.random() * 64)]! ^= 1 << Math.floor(Math.random() * 8);
      const s = BigInt("0x" + hex(sig.slice(32).reverse())) + L;
      const plusL = sig.slice();
      plusL.set(Uint8Array.from(Buffer.from(s.toString(16).padStart(64, "0"), "hex")).reverse(), 32);
      for (const [k, m, g] of [[pk, msg, sig], [pk, msg, flipped], [pk, msg, plusL], [random(32), msg, sig], [pk, msg, random(64)]] as const) {
        expect(n.ed25519Verify(k, m, g)).toBe(js.ed25519Verify(k, m, g));
      }
    }
  });

  test("blockDigest and blockDigestBatch of a random header", async () => {
    const header = random(100);
    const expected = hex(js.blockDigest(header));
    expect(hex(n.blockDigest(header))).toBe(expected);
    expect((await n.blockDigestBatch([header])).map(hex)).toEqual([expected]);
  }, 120_000);
});
