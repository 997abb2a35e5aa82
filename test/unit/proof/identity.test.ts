/**
 * `gen-proof-identity` files (proof.md §2.1): CURVE pair + `SEED:` signing key, mode 0600, network byte per chain,
 * never overwritten; signing key texts as 8.2 reads them.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ed25519PrivateKey } from "../../../src/chain/types/account.ts";
import { decodeBase58 } from "../../../src/encoding/base58.ts";
import { toHex } from "../../../src/encoding/hex.ts";
import { parseSigningKey, readSigningKey, writeProofIdentity } from "../../../src/proof/identity.ts";
import { privateKeyText } from "../../support/signing-key.ts";
import { readKeyPair } from "../../../src/transport/keys.ts";
import { CLI } from "../../support/paths.ts";

const dir = mkdtempSync(join(tmpdir(), "bunmark-proof-identity-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

for (const [chain, testnet, network] of [["local", true, 1], ["bitmark", false, 0]] as const) {
  test(`writeProofIdentity on ${chain}: seed network byte ${network}, mode 0600, no overwrite`, () => {
    const base = join(dir, chain);
    const files = { publicPath: `${base}.public`, privatePath: `${base}.private`, signingPath: `${base}.sign`, testnet };
    const publicKey = writeProofIdentity(files);
    expect(toHex(readKeyPair(files.publicPath, files.privatePath).publicKey)).toBe(toHex(publicKey));
    const text = readFileSync(files.signingPath, "utf8");
    expect(text).toMatch(/^SEED:[1-9A-HJ-NP-Za-km-z]+\n$/);
    const seed = decodeBase58(text.slice(5).trim());
    expect([...seed.subarray(0, 4)]).toEqual([0x5a, 0xfe, 0x01, network]);
    expect(seed.length).toBe(40);
    for (const path of [files.privatePath, files.signingPath]) expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readSigningKey(files.signingPath).account.testnet).toBe(testnet);
    expect(() => writeProofIdentity(files)).toThrow("key file already exists");
  });
}

test("signing key texts", () => {
  const key = ed25519PrivateKey(new Uint8Array(32).fill(1), true);
  expect(toHex(parseSigningKey(`  ${privateKeyText(key)}\n`).account.publicKey)).toBe(toHex(key.privateKey.subarray(32)));
  for (const bad of ["", "seed:abc", "PUBLIC:00", "PRIVATE:xyz"]) expect(() => parseSigningKey(bad)).toThrow("invalid proof signing key");
  writeFileSync(join(dir, "bad.sign"), "SEED:1111");
  expect(() => readSigningKey(join(dir, "bad.sign"))).toThrow();
});

test("bunmark gen-proof-identity PREFIX prints the CURVE public key", () => {
  const prefix = join(dir, "cli");
  const r = Bun.spawnSync([process.execPath, CLI, "gen-proof-identity", prefix]);
  expect(r.exitCode).toBe(0);
  const printed = r.stdout.toString().trim();
  expect(printed).toBe(toHex(readKeyPair(`${prefix}.public`, `${prefix}.private`).publicKey));
  expect(readFileSync(`${prefix}.sign`, "utf8")).toStartWith("SEED:");
  expect(Bun.spawnSync([process.execPath, CLI, "gen-proof-identity", prefix]).exitCode).toBe(1);
});
