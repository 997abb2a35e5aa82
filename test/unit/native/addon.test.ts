/**
 * The Rust addon through its loader: exported functions, argument checking (TypeError / RangeError, never a
 * crash), results as Buffers and from Uint8Array views, and difficulty and proof comparisons. The known answers
 * for both backends (BLAKE2b, SHA3, …) live in test/crypto-hashes.test.ts, which runs every case on the native
 * backend too; only BLAKE2b answers it does not pin remain here.
 */
import { expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { addon as maybeAddon, backend as maybeBackend, bytes, describeNative, hex, utf8, vectors } from "../../support/native-setup.ts";
import { ROOT } from "../../support/paths.ts";

const BUN = process.execPath;

describeNative("native addon: loader", () => {
  const backend = maybeBackend!;
  const addon = maybeAddon!;

  test("exports the HashBackend shape named native", () => {
    expect(backend.name).toBe("native");
    for (const fn of ["blake2b", "sha3_256", "sha3_384", "sha3_512", "argon2d", "blockDigest", "blockDigestBatch", "meetsDifficulty", "proofCheck", "ed25519Verify"] as const) {
      expect(typeof backend[fn]).toBe("function");
    }
    expect(["avx512", "avx2", "sse2", "neon", "scalar"]).toContain(addon.simdPath());
    if (process.arch === "x64") expect(addon.simdPath()).not.toBe("scalar");
    expect(backend.hashingPath()).toBe(addon.hashingPath());
    expect(addon.digestThreads()).toBeGreaterThanOrEqual(1);
  });

  const probe = `import { loadNativeBackend } from "./src/crypto/native.ts"; console.log(loadNativeBackend()?.name ?? "absent");`;
  const cases: { name: string; path: string; want: string }[] = [
    { name: "BUNMARK_NATIVE_PATH pointing at the addon loads it", path: join(ROOT, "native", "bunmark.node"), want: "native" },
    { name: "a relative BUNMARK_NATIVE_PATH is taken from the working directory", path: "./native/bunmark.node", want: "native" },
    { name: "BUNMARK_NATIVE_PATH pointing nowhere gives undefined", path: join(ROOT, "native", "no-such-addon.node"), want: "absent" },
    { name: "BUNMARK_NATIVE_PATH pointing at a non-addon gives undefined", path: join(ROOT, "package.json"), want: "absent" },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = spawnSync(BUN, ["-e", probe], { cwd: ROOT, encoding: "utf8", env: { ...process.env, BUNMARK_NATIVE_PATH: c.path, BUNMARK_LOG_LEVEL: "error" } });
      expect(r.status).toBe(0);
      expect(r.stdout.trim()).toBe(c.want);
    });
  }
});

describeNative("native addon: bad arguments throw, never crash", () => {
  const addon = maybeAddon!;
  const ok = new Uint8Array(32);
  const notBytes: [string, unknown][] = [
    ["number", 1],
    ["string", "abc"],
    ["null", null],
    ["undefined", undefined],
    ["object", { length: 32 }],
    ["array of numbers", [1, 2, 3]],
    ["Uint16Array", new Uint16Array(16)],
    ["ArrayBuffer", new ArrayBuffer(32)],
  ];
  // Each call puts `bad` in one byte-array position of one export.
  const bytePositions: [string, (bad: unknown) => unknown][] = [
    ["blake2b data", (b) => addon.blake2b(b as Uint8Array, 32)],
    ["sha3_256 data", (b) => addon.sha3_256(b as Uint8Array)],
    ["sha3_384 data", (b) => addon.sha3_384(b as Uint8Array)],
    ["sha3_512 data", (b) => addon.sha3_512(b as Uint8Array)],
    ["argon2d password", (b) => addon.argon2d(b as Uint8Array, ok, null, null, 8, 1, 1, 32)],
    ["argon2d salt", (b) => addon.argon2d(ok, b as Uint8Array, null, null, 8, 1, 1, 32)],
    ["blockDigest header", (b) => addon.blockDigest(b as Uint8Array)],
    ["meetsDifficulty digest", (b) => addon.meetsDifficulty(b as Uint8Array, ok)],
    ["meetsDifficulty target", (b) => addon.meetsDifficulty(ok, b as Uint8Array)],
    ["proofCheck payId", (b) => addon.proofCheck(b as Uint8Array, [new Uint8Array(8)], ok, ok)],
    ["proofCheck crc", (b) => addon.proofCheck(ok, [b as Uint8Array], ok, ok)],
    ["proofCheck nonce", (b) => addon.proofCheck(ok, [new Uint8Array(8)], b as Uint8Array, ok)],
    ["ed25519Verify publicKey", (b) => addon.ed25519Verify(b as Uint8Array, ok, new Uint8Array(64))],
    ["ed25519Verify message", (b) => addon.ed25519Verify(ok, b as Uint8Array, new Uint8Array(64))],
    ["ed25519Verify signature", (b) => addon.ed25519Verify(ok, ok, b as Uint8Array)],
  ];
  for (const [where, call] of bytePositions) {
    test(`${where}: TypeError for non-byte values`, () => {
      for (const [, bad] of notBytes) expect(() => call(bad)).toThrow(TypeError);
    });
  }

  const others: [string, () => unknown, ErrorConstructor][] = [
    ["blake2b outLen 0", () => addon.blake2b(ok, 0), RangeError],
    ["blake2b outLen 65", () => addon.blake2b(ok, 65), RangeError],
    ["blake2b outLen 1.5", () => addon.blake2b(ok, 1.5), RangeError],
    ["blake2b outLen NaN", () => addon.blake2b(ok, NaN), RangeError],
    ["blake2b outLen string", () => addon.blake2b(ok, "32" as unknown as number), TypeError],
    ["blake2b outLen missing", () => (addon.blake2b as (d: Uint8Array) => Uint8Array)(ok), TypeError],
    ["argon2d secret number", () => addon.argon2d(ok, ok, 5 as unknown as Uint8Array, null, 8, 1, 1, 32), TypeError],
    ["argon2d lanes 0", () => addon.argon2d(ok, ok, null, null, 8, 1, 0, 32), RangeError],
    ["argon2d memory < 8 × lanes", () => addon.argon2d(ok, ok, null, null, 15, 1, 2, 32), RangeError],
    ["argon2d passes 0", () => addon.argon2d(ok, ok, null, null, 8, 0, 1, 32), RangeError],
    ["argon2d tagLength 3", () => addon.argon2d(ok, ok, null, null, 8, 1, 1, 3), RangeError],
    ["argon2d memory -1", () => addon.argon2d(ok, ok, null, null, -1, 1, 1, 32), RangeError],
    ["meetsDifficulty 31-byte digest", () => addon.meetsDifficulty(new Uint8Array(31), ok), RangeError],
    ["meetsDifficulty 33-byte target", () => addon.meetsDifficulty(ok, new Uint8Array(33)), RangeError],
    ["proofCheck 7-byte crc", () => addon.proofCheck(ok, [new Uint8Array(7)], ok, ok), RangeError],
    ["proofCheck 31-byte target", () => addon.proofCheck(ok, [], ok, new Uint8Array(31)), RangeError],
    ["proofCheck crcs not an array", () => addon.proofCheck(ok, new Uint8Array(8) as unknown as Uint8Array[], ok, ok), TypeError],
    ["blockDigestBatch not an array", () => addon.blockDigestBatch("x" as unknown as Uint8Array[]), TypeError],
    ["blockDigestBatch with a string", () => addon.blockDigestBatch([ok, "x" as unknown as Uint8Array]), TypeError],
  ];
  for (const [name, call, kind] of others) {
    test(`${name}: ${kind.name}`, () => {
      expect(call).toThrow(kind);
    });
  }

  test("the backend's blockDigestBatch rejects instead of throwing", async () => {
    await expect(maybeBackend!.blockDigestBatch([1 as unknown as Uint8Array])).rejects.toThrow(TypeError);
  });

  test("wrong-length keys and signatures just fail to verify", () => {
    expect(addon.ed25519Verify(new Uint8Array(31), ok, new Uint8Array(64))).toBe(false);
    expect(addon.ed25519Verify(ok, ok, new Uint8Array(63))).toBe(false);
    expect(addon.ed25519Verify(ok, ok, new Uint8Array(65))).toBe(false);
  });
});

describeNative("native addon: hash known answers", () => {
  const backend = maybeBackend!;

  for (const v of vectors.blake2b) {
    test(`BLAKE2b-${v.out_len * 8}(${JSON.stringify(v.data_utf8)}) — ${v.source}`, () => {
      expect(hex(backend.blake2b(utf8(v.data_utf8), v.out_len))).toBe(v.expected_hex);
    });
  }

  test("results are Buffers; Uint8Array views use their own offset and length", () => {
    const whole = utf8("xxabcxx");
    const view = whole.subarray(2, 5);
    expect(hex(backend.sha3_256(view))).toBe(vectors.sha3[0]!.expected_hex);
    expect(Buffer.isBuffer(backend.sha3_256(view))).toBe(true);
    expect(hex(backend.sha3_256(new Uint8Array(0)))).toBe(vectors.sha3[1]!.expected_hex);
  });
});

describeNative("native addon: difficulty and proof", () => {
  const backend = maybeBackend!;
  const difficultyOne = bytes("00ffffffffffffff" + "00".repeat(24));
  const reversed = (b: Uint8Array) => Uint8Array.from(b).reverse();

  const cases: [string, Uint8Array, boolean][] = [
    ["digest equal to the target", reversed(difficultyOne), true],
    ["digest one above the target", (() => { const d = reversed(difficultyOne); d[0] = 1; return d; })(), false],
    ["most significant (last) byte non-zero", bytes("00".repeat(31) + "01"), false],
    ["all zero", new Uint8Array(32), true],
    ["genesis digest (ends in 00)", bytes(vectors.block_digests[0]!.digest_storage_hex), true],
  ];
  for (const [name, digest, want] of cases) {
    test(`meetsDifficulty: ${name}`, () => {
      expect(backend.meetsDifficulty(digest, difficultyOne)).toBe(want);
    });
  }

  test("proofCheck returns the first qualifying CRC, or -1", () => {
    const payId = new Uint8Array(48).fill(7);
    const nonce = utf8("client-nonce");
    const crcs = [1, 2, 3, 4].map((i) => new Uint8Array(8).fill(i));
    const h = crcs.map((crc) => backend.sha3_256(new Uint8Array([...payId, ...crc, ...nonce])));
    // target = the third hash: the answer is the first index whose hash is <= it
    const target = h[2]!;
    const want = h.findIndex((x) => Buffer.compare(x, target) <= 0);
    expect(backend.proofCheck(payId, crcs, nonce, target)).toBe(want);
    expect(backend.proofCheck(payId, crcs, nonce, new Uint8Array(32))).toBe(-1);
    expect(backend.proofCheck(payId, crcs, nonce, new Uint8Array(32).fill(0xff))).toBe(0);
    expect(backend.proofCheck(payId, [], nonce, new Uint8Array(32).fill(0xff))).toBe(-1);
  });
});
