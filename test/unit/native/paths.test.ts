/**
 * Every Argon2 compression path this CPU can run (addon.hashingPaths(): avx512, avx2, sse2, neon, scalar), forced
 * one at a time with setHashingPath, gives bitmarkd's test genesis digest and the same batch digests; the
 * BUNMARK_HASHING_PATH variable forces a path from the start. The Rust tests (native/tests/kat.rs) compare the
 * paths on random inputs; these check the JavaScript-facing switch.
 */
import { afterAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { jsBackend } from "../../../src/crypto/js/backend.ts";
import { genesisFor } from "../../../src/chain/types/genesis.ts";
import { addon as maybeAddon, describeNative, hex } from "../../support/native-setup.ts";
import { ROOT } from "../../support/paths.ts";

describeNative("native addon: compression paths", () => {
  const addon = maybeAddon!;
  const genesis = genesisFor("testing");
  const header = genesis.block.subarray(0, 100);
  afterAll(() => addon.setHashingPath(null));

  test("lists what this CPU can run, fastest first, and reports its features", () => {
    const paths = addon.hashingPaths();
    expect(paths.at(-1)).toBe("scalar");
    expect(paths[0]).toBe(addon.setHashingPath(null));
    if (process.arch === "x64") expect(paths).toContain("sse2");
    if (process.arch === "arm64") expect(paths[0]).toBe("neon");
    expect(addon.cpuFeatures().length).toBeGreaterThan(0);
    expect(jsBackend.hashingPath()).toBe("typescript");
  });

  test("each forced path gives the genesis digest and equal batches", async () => {
    for (const path of addon.hashingPaths()) {
      expect(addon.setHashingPath(path)).toBe(path);
      expect(addon.hashingPath()).toBe(path);
      expect(hex(addon.blockDigest(header))).toBe(hex(genesis.digest));
      const batch = await addon.blockDigestBatch([header, header.subarray(0, 50)]);
      expect(hex(batch[0]!)).toBe(hex(genesis.digest));
      expect(hex(batch[1]!)).toBe(hex(addon.blockDigest(header.subarray(0, 50))));
    }
    addon.setHashingPath(null);
    expect(addon.hashingPath()).toBe(addon.hashingPaths()[0]!);
  }, 120_000);

  test("an unknown or unavailable path is a RangeError, a non-string a TypeError", () => {
    expect(() => addon.setHashingPath("sse5")).toThrow(RangeError);
    if (process.arch === "x64") expect(() => addon.setHashingPath("neon")).toThrow(RangeError);
    expect(() => addon.setHashingPath(3 as unknown as string)).toThrow(TypeError);
  });

  test("BUNMARK_HASHING_PATH forces a path from the start", () => {
    const probe = `const a = require(${JSON.stringify(join(ROOT, "native", "bunmark.node"))}); console.log(a.hashingPath());`;
    const run = (value: string) =>
      spawnSync(process.execPath, ["-e", probe], { encoding: "utf8", env: { ...process.env, BUNMARK_HASHING_PATH: value } }).stdout.trim();
    expect(run("scalar")).toBe("scalar");
    expect(run("no-such-path")).toBe(addon.hashingPaths()[0]!);
  });
});
