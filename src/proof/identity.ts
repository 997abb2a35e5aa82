/**
 * The proofer's identity (bitmarkd 8.2 proof/publisher.go `initialise`, command/bitmarkd/commands.go
 * `gen-proof-identity`, docs/proof.md §2): a CURVE key pair (same files as peer keys) and a signing key that owns
 * every block the node makes.
 *
 *   readSigningKey(path)  file text trimmed: `SEED:` + Base58 wallet seed, or `PRIVATE:` + hex of the
 *                         private key bytes (variant ‖ 64-byte key); anything else → "invalid proof signing key"
 *   writeProofIdentity({ publicPath, privatePath, signingPath, testnet })  new CURVE pair + `SEED:` file, 0600
 *   writeSigningKey(path, testnet)        a new `SEED:` file alone, 0600
 */
import { randomBytes } from "node:crypto";
import { readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { fail, Fault } from "../base/fault.ts";
import { privateKeyAccount, privateKeyFromBytes, privateKeyFromSeed, seedToString, type Account, type PrivateKey } from "../chain/types/account.ts";
import { writeKeyPair } from "../transport/keys.ts";

const SEED_TAG = "SEED:";
const PRIVATE_TAG = "PRIVATE:";

export interface SigningKey {
  key: PrivateKey;
  /** the block owner */
  account: Account;
}

/** Parses a signing key file's text (see the file comment). */
export function parseSigningKey(text: string): SigningKey {
  const s = text.trim();
  let key: PrivateKey;
  if (s.startsWith(SEED_TAG)) key = privateKeyFromSeed(s.slice(SEED_TAG.length));
  else if (s.startsWith(PRIVATE_TAG)) {
    const hex = s.slice(PRIVATE_TAG.length);
    if (!/^([0-9a-fA-F]{2})*$/.test(hex)) fail("invalid proof signing key");
    key = privateKeyFromBytes(Buffer.from(hex, "hex"));
  } else fail("invalid proof signing key");
  const account = privateKeyAccount(key);
  if (account === undefined) fail("invalid proof signing key"); // the Nothing algorithm cannot sign
  return { key, account };
}

export function readSigningKey(path: string): SigningKey {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new Fault("key file not found");
  }
  return parseSigningKey(text);
}

export interface ProofIdentityFiles {
  publicPath: string;
  privatePath: string;
  signingPath: string;
  /** network byte of the seed: 01 on testing/local, 00 on bitmark */
  testnet: boolean;
}

/** Writes a new CURVE pair and signing seed; refuses to overwrite any of the three files. Returns the CURVE public key. */
export function writeProofIdentity(f: ProofIdentityFiles): Uint8Array {
  const { publicKey } = writeKeyPair(f.publicPath, f.privatePath);
  try {
    writeSigningKey(f.signingPath, f.testnet);
  } catch (e) {
    unlinkSync(f.publicPath);
    unlinkSync(f.privatePath);
    throw e;
  }
  return publicKey;
}

/** Writes a new `SEED:` signing key file (mode 0600; also `bunmark create --new-identity`); never overwrites. */
export function writeSigningKey(path: string, testnet: boolean): SigningKey {
  const text = `${SEED_TAG}${seedToString(randomBytes(32), testnet)}\n`;
  try {
    writeFileSync(path, text, { mode: 0o600, flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") throw new Fault("key file already exists");
    throw e;
  }
  return parseSigningKey(text);
}
