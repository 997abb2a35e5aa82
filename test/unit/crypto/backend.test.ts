/**
 * Backend selection (BUNMARK_NATIVE, BUNMARK_REQUIRE_NATIVE, fallback) in fresh processes, and the `digest`
 * command: output format, --impl, errors.
 */
import { describe, expect, test } from "bun:test";
import vectors from "../../fixtures/crypto-argon2-vectors.json";
import { backendByName } from "../../../src/crypto/index.ts";
import { ROOT } from "../../support/paths.ts";
import { tempDirs } from "../../support/temp-dirs.ts";

const hasNative = backendByName("native") !== undefined;

function run(args: string[], env: Record<string, string> = {}) {
  const base = { ...process.env };
  delete base.BUNMARK_NATIVE;
  delete base.BUNMARK_REQUIRE_NATIVE;
  const p = Bun.spawnSync([process.execPath, ...args], { cwd: ROOT, env: { ...base, ...env } });
  return { code: p.exitCode, out: p.stdout.toString(), err: p.stderr.toString() };
}

const SELECT = `import { activeBackendName, activeBackendReason } from "./src/crypto/index.ts";
console.log(activeBackendName() + " | " + activeBackendReason());`;

describe("backend selection", () => {
  const cases: { name: string; env: Record<string, string>; code: number; out?: RegExp; err?: RegExp }[] = [
    { name: "BUNMARK_NATIVE=0 forces js", env: { BUNMARK_NATIVE: "0" }, code: 0, out: /^js \| BUNMARK_NATIVE=0$/m },
    { name: "BUNMARK_NATIVE=0 wins over BUNMARK_REQUIRE_NATIVE=1", env: { BUNMARK_NATIVE: "0", BUNMARK_REQUIRE_NATIVE: "1" }, code: 0, out: /^js \| BUNMARK_NATIVE=0$/m },
    hasNative
      ? { name: "default: the addon", env: {}, code: 0, out: /^native \| addon loaded$/m }
      : { name: "default without the addon: js as a fallback", env: {}, code: 0, out: /^js \| fallback: addon unavailable$/m },
    hasNative
      ? { name: "BUNMARK_REQUIRE_NATIVE=1 with the addon", env: { BUNMARK_REQUIRE_NATIVE: "1" }, code: 0, out: /^native \| addon loaded$/m }
      : { name: "BUNMARK_REQUIRE_NATIVE=1 without the addon is an error", env: { BUNMARK_REQUIRE_NATIVE: "1" }, code: 1, err: /required \(BUNMARK_REQUIRE_NATIVE=1\) but unavailable/ },
  ];
  test.each(cases)("$name", (c) => {
    const r = run(["-e", SELECT], c.env);
    expect(r.code).toBe(c.code);
    if (c.out) expect(r.out).toMatch(c.out);
    if (c.err) expect(r.err).toMatch(c.err);
  });
});

describe("the choice is made on first use, not at import", () => {
  const tempDir = tempDirs("bunmark-backend-");
  // An addon path that cannot load makes the addon unavailable whether or not this checkout built one.
  const missing = { BUNMARK_REQUIRE_NATIVE: "1", BUNMARK_NATIVE_PATH: "/nonexistent/bunmark.node" };

  test("importing the crypto room with a required addon missing does not throw; the first use is a CryptoError", () => {
    const r = run(["-e", `import { activeBackend } from "./src/crypto/index.ts";
import { CryptoError } from "./src/crypto/errors.ts";
console.log("imported");
try { activeBackend(); console.log("chosen"); } catch (e) { console.log(e instanceof CryptoError ? e.type.code : "other: " + e); }`], missing);
    expect(r.code).toBe(0);
    expect(r.out.trim().split("\n")).toEqual(["imported", "NATIVE_REQUIRED"]);
  });

  test("a hashing command stops before any work with one line naming the reason (exit 1)", () => {
    const r = run(["src/main.ts", "digest", "--raw", "00"], missing);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    const lines = r.err.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^bunmark digest: .*required \(BUNMARK_REQUIRE_NATIVE=1\) but unavailable/);
  });

  test("a command that does not hash runs without choosing (keygen)", () => {
    const r = run(["src/main.ts", "keygen", "--data", tempDir()], missing);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^[0-9a-f]{64}$/m);
  });
});

describe("bunmark digest", () => {
  const hello = vectors.block_digest.find((v) => v.id === "argon2d-hello-world")!;

  test("prints the storage-order digest as one line of lowercase hex (--impl js)", () => {
    const r = run(["src/main.ts", "digest", hello.input_hex, "--raw", "--impl", "js"]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(hello.digest_storage_hex + "\n");
  }, 120_000);

  test(hasNative ? "--impl native gives the same digest" : "--impl native without the addon: exit 1, one line", () => {
    const r = run(["src/main.ts", "digest", hello.input_hex, "--raw", "--impl", "native"]);
    if (hasNative) {
      expect(r.code).toBe(0);
      expect(r.out).toBe(hello.digest_storage_hex + "\n");
    } else {
      expect(r.code).toBe(1);
      expect(r.err.trim().split("\n")).toHaveLength(1);
      expect(r.out).toBe("");
    }
  }, 120_000);

  const errors: { name: string; args: string[]; code: number }[] = [
    { name: "odd number of digits", args: ["abc"], code: 1 },
    { name: "not hex", args: ["zz"], code: 1 },
    { name: "unknown --impl", args: ["00", "--impl", "wasm"], code: 1 },
    { name: "no argument", args: [], code: 1 },
    { name: "not a 100-byte header without --raw", args: [hello.input_hex], code: 1 },
  ];
  test("--time names the implementation and its time on stderr", () => {
    const r = run(["src/main.ts", "digest", hello.input_hex, "--raw", "--impl", "js", "--time"]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(hello.digest_storage_hex + "\n");
    expect(r.err).toMatch(/^js: \d+\.\d ms\n$/);
  }, 120_000);

  test.each(errors)("$name → exit $code with a one-line message", (c) => {
    const r = run(["src/main.ts", "digest", ...c.args]);
    expect(r.code).toBe(c.code);
    expect(r.out).toBe("");
    expect(r.err.trim().split("\n")).toHaveLength(1);
  });
});
