/**
 * The hashing API shared by the Rust addon (native/) and its pure-TypeScript twin (src/crypto/js/).
 *
 * Both backends must return identical bytes for every input; src/crypto/index.ts picks one for the process (on first use).
 * Byte order conventions follow bitmarkd: digests are returned as the raw hash output ("storage order").
 *
 * See docs/records.md §1, §9.
 */

/** Parameters of a general Argon2d computation (RFC 9106), used by known-answer tests and the bench. */
export interface Argon2Params {
  password: Uint8Array;
  salt: Uint8Array;
  secret?: Uint8Array;
  associatedData?: Uint8Array;
  /** memory in KiB (m) */
  memoryKiB: number;
  /** passes (t) */
  passes: number;
  /** lanes (p) */
  lanes: number;
  /** tag length in bytes (T) */
  tagLength: number;
}

export interface HashBackend {
  /** "native" (Rust addon) or "js" (TypeScript twin). */
  readonly name: "native" | "js";

  /** BLAKE2b (RFC 7693), unkeyed, outLen 1..64. */
  blake2b(data: Uint8Array, outLen: number): Uint8Array;
  /** FIPS 202 SHA3-256. */
  sha3_256(data: Uint8Array): Uint8Array;
  /** FIPS 202 SHA3-384 (pay ids). */
  sha3_384(data: Uint8Array): Uint8Array;
  /** FIPS 202 SHA3-512 (asset ids). */
  sha3_512(data: Uint8Array): Uint8Array;

  /** Argon2d version 0x13 with arbitrary parameters. */
  argon2d(params: Argon2Params): Uint8Array;

  /**
   * Bitmark block digest: Argon2d v1.3, m = 131072 KiB, t = 4, p = 1, 32-byte tag,
   * password = salt = the header bytes (100 bytes for a block header, any length accepted).
   */
  blockDigest(header: Uint8Array): Uint8Array;
  /** Same as blockDigest for many headers, computed off the JS thread (native: parallel worker threads). */
  blockDigestBatch(headers: Uint8Array[]): Promise<Uint8Array[]>;

  /**
   * Block digest vs difficulty: `digest` (32 bytes, storage order) read as a little-endian 256-bit number
   * must be <= `target` (32 bytes, big-endian 256-bit number).
   */
  meetsDifficulty(digest: Uint8Array, target: Uint8Array): boolean;

  /**
   * Issue proof check (reservoir TryProof): for each 8-byte big-endian CRC in `crcs` (newest first),
   * h = sha3-256(payId ‖ crc ‖ nonce); returns the index of the first CRC whose h, read big-endian, is <= target
   * (32 bytes, big-endian), or -1 when none qualifies.
   */
  proofCheck(payId: Uint8Array, crcs: Uint8Array[], nonce: Uint8Array, target: Uint8Array): number;

  /**
   * Ed25519 verification with bitmarkd 8.2's acceptance rules (golang.org/x/crypto 94eea52, ref10):
   * signature must be 64 bytes, reject only if sig[63] & 0xe0 != 0 (no S < L check), public key must decode,
   * cofactorless check of encode([S]B - [h]A) == R. `publicKey` must be 32 bytes.
   */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;

  /** The block digest's compression path: the addon's "avx512" | "avx2" | "sse2" | "neon" | "scalar", or "typescript". */
  hashingPath(): string;
}
