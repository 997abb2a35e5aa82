/** bitmarkd key files: parsing rules and texts, writing, modes, refusal to overwrite, ensureKeyPair, keygen. */
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fixture from "../../fixtures/wire-keys.json";
import { isFault } from "../../../src/base/fault.ts";
import { parseKeyFile, parsePrivateKeyFile, parsePublicKeyFile } from "../../../src/transport/key-file.ts";
import { KeyMismatchError, ensureKeyPair, readKeyPair, readPrivateKeyFile, readPublicKeyFile, writeKeyPair } from "../../../src/transport/keys.ts";
import { toHex } from "../../support/hex.ts";
import { tempDirs } from "../../support/temp-dirs.ts";
import { CLI } from "../../support/paths.ts";

const { public_hex: PUB, private_hex: PRIV } = fixture.pair;
const latin1 = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));
const tmp = tempDirs("bunmark-keys-");

/** The error text a call throws (Fault text or message), or the result's hex + kind. */
function outcome(fn: () => { key: Uint8Array; private: boolean } | Uint8Array): string {
  try {
    const r = fn();
    return r instanceof Uint8Array ? toHex(r) : `${r.private ? "private" : "public"}:${toHex(r.key)}`;
  } catch (e) {
    return isFault(e) ? e.text : (e as Error).message;
  }
}

describe("parseKeyFile", () => {
  const cases: [string, string, string][] = [
    ["public file", fixture.pair.public_file, `public:${PUB}`],
    ["private file", fixture.pair.private_file, `private:${PRIV}`],
    ["upper-case hex", `PUBLIC:${PUB.toUpperCase()}`, `public:${PUB}`],
    ["white space around", ` \t\r\nPRIVATE:${PRIV}\r\n\v\f `, `private:${PRIV}`],
    ["Go-only white space (NEL, NBSP, U+3000)", `\xC2\x85PUBLIC:${PUB}\xC2\xA0\xE3\x80\x80`, `public:${PUB}`],
    ["byte order mark is not white space", `\xEF\xBB\xBFPUBLIC:${PUB}`, "invalid public key file"],
    ["short public key", `PUBLIC:${PUB.slice(2)}`, "invalid public key file"],
    ["long private key", `PRIVATE:${PRIV}00`, "invalid private key file"],
    ["empty private key", "PRIVATE:", "invalid private key file"],
    ["lower-case tag", `public:${PUB}`, "invalid public key file"],
    ["no tag", PUB, "invalid public key file"],
    ["empty file", "", "invalid public key file"],
    ["bad hex character", `PUBLIC:${PUB.slice(0, 10)}zz${PUB.slice(12)}`, "encoding/hex: invalid byte: U+007A 'z'"],
    ["inner space", `PUBLIC:${PUB.slice(0, 10)} ${PUB.slice(11)}`, "encoding/hex: invalid byte: U+0020 ' '"],
    ["control byte", `PUBLIC:ab\x01d`, "encoding/hex: invalid byte: U+0001"],
    ["high byte", `PRIVATE:ab\xC3d`, "encoding/hex: invalid byte: U+00C3 'Ã'"],
    ["odd length", `PUBLIC:${PUB.slice(1)}`, "encoding/hex: odd length hex string"],
    ["odd length with a bad last byte", "PUBLIC:abg", "encoding/hex: invalid byte: U+0067 'g'"],
  ];
  for (const [name, text, want] of cases) test(name, () => expect(outcome(() => parseKeyFile(latin1(text)))).toBe(want));

  const typed: [string, () => Uint8Array, string][] = [
    ["public from public file", () => parsePublicKeyFile(latin1(fixture.pair.public_file)), PUB],
    ["private from private file", () => parsePrivateKeyFile(latin1(fixture.pair.private_file)), PRIV],
    ["public from private file", () => parsePublicKeyFile(latin1(fixture.pair.private_file)), "invalid public key file"],
    ["private from public file", () => parsePrivateKeyFile(latin1(fixture.pair.public_file)), "invalid private key file"],
    ["private from garbage", () => parsePrivateKeyFile(latin1("nonsense")), "invalid public key file"],
  ];
  for (const [name, fn, want] of typed) test(name, () => expect(outcome(fn)).toBe(want));
});

describe("key files on disk", () => {
  test("missing file", () => {
    const d = tmp();
    expect(outcome(() => readPublicKeyFile(join(d, "nope")))).toBe("key file not found");
    expect(outcome(() => readPrivateKeyFile(join(d, "nope")))).toBe("key file not found");
  });

  test("write: contents, modes, read back", () => {
    const d = tmp();
    const old = process.umask(0o022);
    try {
      const pair = writeKeyPair(join(d, "a.public"), join(d, "a.private"));
      expect(readFileSync(join(d, "a.public"), "latin1")).toBe(`PUBLIC:${toHex(pair.publicKey)}\n`);
      expect(readFileSync(join(d, "a.private"), "latin1")).toBe(`PRIVATE:${toHex(pair.secretKey)}\n`);
      expect(statSync(join(d, "a.public")).mode & 0o777).toBe(0o644);
      expect(statSync(join(d, "a.private")).mode & 0o777).toBe(0o600);
      expect(toHex(readKeyPair(join(d, "a.public"), join(d, "a.private")).secretKey)).toBe(toHex(pair.secretKey));
    } finally {
      process.umask(old);
    }
  });

  test("refuses to overwrite either file and leaves both untouched", () => {
    for (const existing of ["x.public", "x.private"]) {
      const d = tmp();
      writeFileSync(join(d, existing), "keep");
      expect(outcome(() => writeKeyPair(join(d, "x.public"), join(d, "x.private")).publicKey)).toBe("key file already exists");
      expect(readFileSync(join(d, existing), "latin1")).toBe("keep");
      const other = existing === "x.public" ? "x.private" : "x.public";
      expect(existsSync(join(d, other))).toBe(false);
    }
  });

  test("public file removed when the private write fails", () => {
    const d = tmp();
    expect(() => writeKeyPair(join(d, "y.public"), join(d, "missing-dir", "y.private"))).toThrow("ENOENT");
    expect(existsSync(join(d, "y.public"))).toBe(false);
  });

  test("mismatched pair is refused", () => {
    const d = tmp();
    const a = writeKeyPair(join(d, "a.public"), join(d, "a.private"));
    writeKeyPair(join(d, "b.public"), join(d, "b.private"));
    expect(() => readKeyPair(join(d, "b.public"), join(d, "a.private"))).toThrow(KeyMismatchError);
    expect(toHex(readKeyPair(join(d, "a.public"), join(d, "a.private")).publicKey)).toBe(toHex(a.publicKey));
  });
});

describe("ensureKeyPair", () => {
  test("creates the pair on first start, reuses it afterwards", () => {
    const d = join(tmp(), "data");
    const first = ensureKeyPair(d);
    expect(readFileSync(join(d, "peer.public"), "latin1")).toBe(`PUBLIC:${toHex(first.publicKey)}\n`);
    expect(toHex(ensureKeyPair(d).secretKey)).toBe(toHex(first.secretKey));
  });

  test("a public file without its private key is an error, not a regeneration", () => {
    const d = tmp();
    writeFileSync(join(d, "peer.public"), fixture.pair.public_file);
    expect(outcome(() => ensureKeyPair(d).publicKey)).toBe("key file not found");
    expect(existsSync(join(d, "peer.private"))).toBe(false);
  });

  test("a private file without its public file (first start killed halfway) gets the public file derived", () => {
    const d = tmp();
    writeFileSync(join(d, "peer.private"), fixture.pair.private_file, { mode: 0o600 });
    expect(toHex(ensureKeyPair(d).publicKey)).toBe(PUB);
    expect(readFileSync(join(d, "peer.public"), "latin1")).toBe(`PUBLIC:${PUB}\n`);
    expect(statSync(join(d, "peer.private")).mode & 0o777).toBe(0o600);
  });

  test("mismatch refuses to start", () => {
    const d = tmp();
    ensureKeyPair(d);
    writeFileSync(join(d, "peer.public"), fixture.pair.public_file);
    expect(() => ensureKeyPair(d)).toThrow(KeyMismatchError);
  });

  test("fixture pair is accepted", () => {
    const d = tmp();
    writeFileSync(join(d, "peer.public"), fixture.pair.public_file);
    writeFileSync(join(d, "peer.private"), fixture.pair.private_file, { mode: 0o600 });
    expect(toHex(ensureKeyPair(d).publicKey)).toBe(PUB);
  });
});

describe("bunmark keygen", () => {
  const run = (args: string[], cwd: string) => {
    const p = Bun.spawnSync([process.execPath, CLI, "keygen", ...args], { cwd, env: { ...process.env, BUNMARK_DEBUG: "" } });
    return { code: p.exitCode, out: p.stdout.toString(), err: p.stderr.toString() };
  };

  const layouts: [string, string[], string, string][] = [
    ["default ./data", [], "data/peer.public", "data/peer.private"],
    ["--data DIR", ["--data", "state"], "state/peer.public", "state/peer.private"],
    ["PREFIX", ["keys/node1"], "keys/node1.public", "keys/node1.private"],
  ];
  for (const [name, args, pub, priv] of layouts) {
    test(name, () => {
      const cwd = tmp();
      const r = run(args, cwd);
      expect(r.code).toBe(0);
      const key = readPublicKeyFile(join(cwd, pub));
      expect(r.out).toBe(`${toHex(key)}\n`);
      const secret = toHex(readPrivateKeyFile(join(cwd, priv)));
      expect(r.out + r.err).not.toContain(secret);
      const again = run(args, cwd);
      expect(again.code).toBe(1);
      expect(again.err).toBe(`bunmark keygen: ${pub} / ${priv}: key file already exists\n`); // the files named (operator issue)
    });
  }

  test("DIR and PREFIX together is a usage error", () => {
    const r = run(["--data", "x", "y"], tmp());
    expect(r.code).toBe(1);
    expect(r.err.trim().split("\n")).toHaveLength(1);
  });
});
