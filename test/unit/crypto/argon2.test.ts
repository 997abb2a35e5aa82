/**
 * Argon2d: RFC 9106 and small-memory known answers with general parameters, the Bitmark block digest of both
 * genesis headers and bitmarkd's digest cases (single and batched), a cross-check against Debian's argon2 CLI
 * (the C reference) when installed — for every available backend — and the generated unrolled permutation.
 * Each block digest costs 128 MiB and ~0.5–2.5 s, so only a handful are computed.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import vectors from "../../fixtures/crypto-argon2-vectors.json";
import { backendsUnderTest, bytes, hex, utf8 } from "../../support/crypto-backends.ts";
import type { Argon2Params } from "../../../src/crypto/api.ts";
import { permuteModuleSource } from "../../../src/crypto/js/argon2-permute-gen.ts";

const ARGON2_CLI = "/usr/bin/argon2";
// Per-test limit for tests computing block digests (bunfig's [test] timeout is not applied by bun test).
const SLOW = 120_000;

type General = (typeof vectors.general)[number] & Partial<Record<"password_hex" | "salt_hex" | "secret_hex" | "associated_data_hex" | "password_utf8" | "salt_utf8", string>>;

function params(v: General): Argon2Params {
  const b = (h?: string, u?: string) => (h !== undefined ? bytes(h) : u !== undefined ? utf8(u) : undefined);
  const secret = b(v.secret_hex);
  const associatedData = b(v.associated_data_hex);
  return {
    password: b(v.password_hex, v.password_utf8)!,
    salt: b(v.salt_hex, v.salt_utf8)!,
    ...(secret && { secret }),
    ...(associatedData && { associatedData }),
    memoryKiB: v.memoryKiB,
    passes: v.passes,
    lanes: v.lanes,
    tagLength: v.tagLength,
  };
}

/** Runs the Debian CLI: password on stdin, salt (≥ 8 bytes of text) as its argument. */
function cli(password: string, salt: string, memoryKiB: number, passes: number, lanes: number, tagLength: number): string {
  const p = Bun.spawnSync([ARGON2_CLI, salt, "-d", "-k", String(memoryKiB), "-t", String(passes), "-p", String(lanes), "-l", String(tagLength), "-r"], {
    stdin: utf8(password),
  });
  if (p.exitCode !== 0) throw new Error(`argon2 CLI failed: ${p.stderr.toString()}`);
  return p.stdout.toString().trim();
}

test("argon2-permute.ts is the generator's current output", () => {
  expect(readFileSync(new URL("../../../src/crypto/js/argon2-permute.ts", import.meta.url), "utf8")).toBe(permuteModuleSource());
});

const [genesisLive, genesisTest, ...otherDigests] = vectors.block_digest;

describe.each(backendsUnderTest())("$name backend", (b) => {
  test.each(vectors.general as General[])("argon2d m=$memoryKiB t=$passes p=$lanes T=$tagLength ($source)", (v) => {
    expect(hex(b.argon2d(params(v)))).toBe(v.tag_hex);
  });

  const bad: [string, Partial<Argon2Params>][] = [
    ["no lanes", { lanes: 0 }],
    ["memory below 8 KiB per lane", { memoryKiB: 15, lanes: 2 }],
    ["no passes", { passes: 0 }],
    ["tag shorter than 4 bytes", { tagLength: 3 }],
  ];
  test.each(bad)("argon2d rejects %s", (_name, change) => {
    const p: Argon2Params = { password: utf8("password"), salt: utf8("somesalt"), memoryKiB: 16, passes: 1, lanes: 1, tagLength: 32, ...change };
    expect(() => b.argon2d(p)).toThrow();
  });

  test.each([genesisLive!, genesisTest!])("block digest of $id ($source)", (v) => {
    expect(hex(b.blockDigest(bytes(v.input_hex)))).toBe(v.digest_storage_hex);
  }, SLOW);

  test("blockDigestBatch of bitmarkd's digest cases, in order", async () => {
    const out = await b.blockDigestBatch(otherDigests.map((v) => bytes(v.input_hex)));
    expect(out.map(hex)).toEqual(otherDigests.map((v) => v.digest_storage_hex));
    expect(await b.blockDigestBatch([])).toEqual([]);
  }, SLOW);

  test.skipIf(!existsSync(ARGON2_CLI))("agrees with Debian's argon2 CLI (block digest and random small parameters)", () => {
    const text = "bunmark cross-check header";
    expect(hex(b.blockDigest(utf8(text)))).toBe(cli(text, text, 131072, 4, 1, 32));
    for (let i = 0; i < 6; i++) {
      const password = `password-${i}-${Math.random().toString(36).slice(2)}`;
      const salt = `salt-${Math.random().toString(36).slice(2, 12)}`;
      const lanes = 1 + Math.floor(Math.random() * 4);
      const memoryKiB = 8 * lanes + Math.floor(Math.random() * 200);
      const passes = 1 + Math.floor(Math.random() * 3);
      const tagLength = 4 + Math.floor(Math.random() * 120);
      const p: Argon2Params = { password: utf8(password), salt: utf8(salt), memoryKiB, passes, lanes, tagLength };
      expect(hex(b.argon2d(p)), JSON.stringify({ password, salt, memoryKiB, passes, lanes, tagLength })).toBe(cli(password, salt, memoryKiB, passes, lanes, tagLength));
    }
  }, SLOW);
});
