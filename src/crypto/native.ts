/**
 * Loader of the Rust addon (native/bunmark.node, built by `make native`) as the HashBackend named "native".
 *
 * The addon is required through a string literal: `bun build --compile` embeds a `.node` file only from a literal
 * require (scripts/build-plugin.ts rewrites exactly that literal per target). BUNMARK_NATIVE_PATH, when set, loads
 * the addon from that path (absolute, or relative to the working directory) instead. A missing addon, or one that fails to load or lacks a function, gives
 * `undefined` and src/crypto/index.ts falls back to the TypeScript twin.
 *
 * The addon checks its arguments like the twin: a non-Uint8Array argument throws a TypeError, a wrong length or an
 * out-of-range number a RangeError (blake2b outLen 1..64; argon2d lanes 1..2^24−1, memoryKiB ≥ 8·lanes, passes ≥ 1,
 * tagLength ≥ 4; meetsDifficulty/proofCheck targets and digests 32 bytes, CRCs 8 bytes); ed25519Verify returns
 * false for a public key that is not 32 bytes or a signature that is not 64 bytes.
 */
import { resolve } from "node:path";
import { logger } from "../base/log.ts";
import type { Argon2Params, HashBackend } from "./api.ts";
import { CryptoError } from "./errors.ts";

/** The addon's exports as the Rust side defines them (native/src/exports.rs). */
export interface NativeAddon {
  blake2b(data: Uint8Array, outLen: number): Uint8Array;
  sha3_256(data: Uint8Array): Uint8Array;
  sha3_384(data: Uint8Array): Uint8Array;
  sha3_512(data: Uint8Array): Uint8Array;
  argon2d(
    password: Uint8Array,
    salt: Uint8Array,
    secret: Uint8Array | null,
    associatedData: Uint8Array | null,
    memoryKiB: number,
    passes: number,
    lanes: number,
    tagLength: number,
  ): Uint8Array;
  blockDigest(header: Uint8Array): Uint8Array;
  blockDigestBatch(headers: Uint8Array[]): Promise<Uint8Array[]>;
  meetsDifficulty(digest: Uint8Array, target: Uint8Array): boolean;
  proofCheck(payId: Uint8Array, crcs: Uint8Array[], nonce: Uint8Array, target: Uint8Array): number;
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /** The Argon2 compression in use: "avx512" | "avx2" | "sse2" | "neon" | "scalar" (same as hashingPath). */
  simdPath(): string;
  /** The Argon2 compression block digests use now (BUNMARK_HASHING_PATH or setHashingPath can force one). */
  hashingPath(): string;
  /** The compression paths this CPU can run, fastest first, ending with "scalar". */
  hashingPaths(): string[];
  /** Forces a path for every later digest (null: the fastest again); returns the path in use. RangeError if unavailable. */
  setHashingPath(name: string | null): string;
  /** The CPU features the paths depend on that this CPU has, e.g. ["sse2", "avx2", "avx512f", "avx512vl"]. */
  cpuFeatures(): string[];
  /** The most worker threads blockDigestBatch uses (available parallelism). */
  digestThreads(): number;
}

const FUNCTIONS = [
  "blake2b",
  "sha3_256",
  "sha3_384",
  "sha3_512",
  "argon2d",
  "blockDigest",
  "blockDigestBatch",
  "meetsDifficulty",
  "proofCheck",
  "ed25519Verify",
  "simdPath",
  "hashingPath",
  "hashingPaths",
  "setHashingPath",
  "cpuFeatures",
  "digestThreads",
] as const satisfies readonly (keyof NativeAddon)[];

const log = logger("crypto");

function isNotFound(e: unknown): boolean {
  const text = e instanceof Error ? `${(e as { code?: string }).code ?? ""} ${e.message}` : String(e);
  return /MODULE_NOT_FOUND|ENOENT|Cannot find module|No such file/i.test(text);
}

let cached: { addon: NativeAddon | undefined } | undefined;

/** The raw addon (loaded once), or undefined when it is absent or unusable. */
export function loadNativeAddon(): NativeAddon | undefined {
  if (cached) return cached.addon;
  const override = process.env.BUNMARK_NATIVE_PATH;
  let addon: NativeAddon | undefined;
  try {
    // (an override is relative to the working directory, like any path given on the command line)
    const loaded = (override ? require(resolve(override)) : require("../../native/bunmark.node")) as Partial<NativeAddon>;
    const missing = FUNCTIONS.filter((name) => typeof loaded[name] !== "function");
    if (missing.length > 0) throw new CryptoError({ code: "NATIVE_STALE", missing }, `addon lacks ${missing.join(", ")} (stale build?)`);
    addon = loaded as NativeAddon;
  } catch (e) {
    // Absent is normal (TypeScript fallback); present but broken deserves a warning.
    const fields = { path: override ?? (Bun.isStandaloneExecutable ? "(embedded in the executable)" : "native/bunmark.node"), error: e instanceof Error ? e.message : String(e) };
    if (isNotFound(e)) log.debug("native addon not found", fields);
    else log.warn("native addon failed to load", fields);
  }
  cached = { addon };
  return addon;
}

/** The addon wrapped as a HashBackend, or undefined when it is absent or unusable. */
export function loadNativeBackend(): HashBackend | undefined {
  const addon = loadNativeAddon();
  if (!addon) return undefined;
  return {
    name: "native",
    blake2b: addon.blake2b,
    sha3_256: addon.sha3_256,
    sha3_384: addon.sha3_384,
    sha3_512: addon.sha3_512,
    argon2d: (p: Argon2Params) =>
      addon.argon2d(p.password, p.salt, p.secret ?? null, p.associatedData ?? null, p.memoryKiB, p.passes, p.lanes, p.tagLength),
    blockDigest: addon.blockDigest,
    // async: a bad argument rejects the promise (as with the twin) instead of throwing synchronously.
    blockDigestBatch: async (headers: Uint8Array[]) => addon.blockDigestBatch(headers),
    meetsDifficulty: addon.meetsDifficulty,
    proofCheck: addon.proofCheck,
    ed25519Verify: addon.ed25519Verify,
    hashingPath: addon.hashingPath,
  };
}
