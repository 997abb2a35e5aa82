/**
 * The TypeScript twin of the Rust addon: the HashBackend named "js", pure TypeScript (no WASM, no node:crypto).
 */
import type { HashBackend } from "../api.ts";
import { argon2d, blockDigest } from "./argon2.ts";
import { blake2b } from "./blake2b.ts";
import { DigestPool } from "./digest-pool.ts";
import { ed25519Verify } from "./ed25519.ts";
import { sha3_256, sha3_384, sha3_512 } from "./sha3.ts";
import { meetsDifficulty, proofCheck } from "./targets.ts";

const pool = new DigestPool();

/**
 * For a stopping process (exported as shutdownDigestWorkers by src/crypto/index.ts): ends the twin's digest worker
 * threads (see DigestPool.close), rejecting the batches still in flight, so that abandoned digests do not keep the
 * process alive. The addon needs nothing: its threads never keep the process alive, only a batch's pending promise
 * does until it settles.
 */
export function closeDigestWorkers(): Promise<void> {
  return pool.close();
}

export const jsBackend: HashBackend = {
  name: "js",
  blake2b,
  sha3_256,
  sha3_384,
  sha3_512,
  argon2d,
  blockDigest,
  blockDigestBatch: (headers) => pool.digest(headers),
  meetsDifficulty,
  proofCheck,
  ed25519Verify,
  hashingPath: () => "typescript",
};
