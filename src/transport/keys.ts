/**
 * Peer key files on disk (zmqutil/keypair.go, docs/wire.md §2.1).
 *
 *   readPublicKeyFile(path) / readPrivateKeyFile(path) → 32 raw bytes   (Faults: key file not found,
 *                                                          invalid public key file, invalid private key file)
 *   writeKeyPair(publicPath, privatePath) → CurveKeyPair  fresh pair; refuses to overwrite (key file already exists)
 *   readKeyPair(publicPath, privatePath) → CurveKeyPair   both files; the public key must match the private one
 *   ensureKeyPair(dir) → CurveKeyPair                     DIR/peer.public + DIR/peer.private, created if both absent
 *
 * Modes: public 0666 minus umask, private 0600. writeKeyPair writes the public file first and removes it if the
 * private write fails; ensureKeyPair writes the private file first (see there). Secret keys are never logged.
 */
import { mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Fault } from "../base/fault.ts";
import { logger } from "../base/log.ts";
import { curveKeyPair, curvePublicKey, type CurveKeyPair } from "./curve.ts";
import { formatPrivateKeyFile, formatPublicKeyFile, parsePrivateKeyFile, parsePublicKeyFile } from "./key-file.ts";
import { BunmarkError } from "../base/errors.ts";

const log = logger("keys");

export const PUBLIC_KEY_FILE = "peer.public";
export const PRIVATE_KEY_FILE = "peer.private";

/** The files' keys do not belong together (bitmarkd would start and silently break CURVE). */
export class KeyMismatchError extends BunmarkError<{ code: "KEY_MISMATCH"; publicPath: string; privatePath: string }> {
  constructor(publicPath: string, privatePath: string) {
    super({ code: "KEY_MISMATCH", publicPath, privatePath }, `public key file ${publicPath} does not match private key file ${privatePath}`);
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function readKeyBytes(path: string): Uint8Array {
  if (!exists(path)) throw new Fault("key file not found");
  return readFileSync(path);
}

export function readPublicKeyFile(path: string): Uint8Array {
  return parsePublicKeyFile(readKeyBytes(path));
}

export function readPrivateKeyFile(path: string): Uint8Array {
  return parsePrivateKeyFile(readKeyBytes(path));
}

/** Writes a fresh key pair; neither file may exist. */
export function writeKeyPair(publicPath: string, privatePath: string): CurveKeyPair {
  if (exists(publicPath) || exists(privatePath)) throw new Fault("key file already exists");
  const pair = curveKeyPair();
  writeExclusive(publicPath, formatPublicKeyFile(pair.publicKey), 0o666);
  try {
    writeExclusive(privatePath, formatPrivateKeyFile(pair.secretKey), 0o600);
  } catch (e) {
    unlinkSync(publicPath);
    throw e;
  }
  return pair;
}

function writeExclusive(path: string, text: string, mode: number): void {
  try {
    writeFileSync(path, text, { mode, flag: "wx" });
  } catch (e) {
    // Lost a race with another writer: same answer as the existence check.
    if ((e as NodeJS.ErrnoException).code === "EEXIST") throw new Fault("key file already exists");
    throw e;
  }
}

export function readKeyPair(publicPath: string, privatePath: string): CurveKeyPair {
  const publicKey = readPublicKeyFile(publicPath);
  const secretKey = readPrivateKeyFile(privatePath);
  if (!Buffer.from(curvePublicKey(secretKey)).equals(publicKey)) throw new KeyMismatchError(publicPath, privatePath);
  return { publicKey, secretKey };
}

/**
 * The node's key pair in `dir`, generated on first start (both files absent). The private file is written first
 * so that a start killed halfway leaves a recoverable state: a private key without its public file gets the
 * public file derived from it on the next start.
 */
export function ensureKeyPair(dir: string): CurveKeyPair {
  const publicPath = join(dir, PUBLIC_KEY_FILE);
  const privatePath = join(dir, PRIVATE_KEY_FILE);
  if (!exists(publicPath) && !exists(privatePath)) {
    mkdirSync(dir, { recursive: true });
    const pair = curveKeyPair();
    writeExclusive(privatePath, formatPrivateKeyFile(pair.secretKey), 0o600);
    writeExclusive(publicPath, formatPublicKeyFile(pair.publicKey), 0o666);
    log.info("generated peer key pair", { public: publicPath, private: privatePath, publicKey: pair.publicKey });
    return pair;
  }
  try {
    if (!exists(publicPath)) {
      const secretKey = readPrivateKeyFile(privatePath);
      const publicKey = curvePublicKey(secretKey);
      writeExclusive(publicPath, formatPublicKeyFile(publicKey), 0o666);
      log.warn("public key file was missing: derived it from the private key", { public: publicPath, publicKey });
      return { publicKey, secretKey };
    }
    return readKeyPair(publicPath, privatePath);
  } catch (e) {
    log.error("cannot use peer key files", { public: publicPath, private: privatePath, error: e });
    throw e;
  }
}
