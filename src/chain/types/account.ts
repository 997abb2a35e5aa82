/**
 * Accounts (public keys), private keys and wallet seeds as bitmarkd 8.2 encodes them (account/*.go):
 * a varint "key variant" (bit 0 public, bit 1 test network, bits 4+ algorithm) followed by the key, and in
 * text form base58 with a 4-byte sha3-256 checksum. Error texts and their order follow the source exactly.
 * Private keys are read as bytes only (the `PRIVATE:` signing key form): 8.2's base58 private key text is read
 * by no bitmarkd path, so it is not here.
 *
 * See docs/records.md §3.
 */
import { activeBackend, ed25519PublicKey } from "../../crypto/index.ts";
import { fail, type FaultText } from "../../base/fault.ts";
import { decodeBase58, encodeBase58 } from "../../encoding/base58.ts";
import { secretboxSeal } from "./secretbox.ts";
import { bytesEqual, concatBytes } from "../../encoding/hex.ts";
import { decodeVarint } from "../../encoding/varint.ts";

/** Key algorithms: "Nothing" is a test-only dummy with a 2-byte key that can never sign. */
export const ALGORITHM_NOTHING = 0;
export const ALGORITHM_ED25519 = 1;
export type KeyAlgorithm = typeof ALGORITHM_NOTHING | typeof ALGORITHM_ED25519;

const PUBLIC_BIT = 0x01n;
const TEST_BIT = 0x02n;
const ALGORITHM_SHIFT = 4n;
const CHECKSUM_LENGTH = 4;
const PUBLIC_KEY_LENGTH: Record<KeyAlgorithm, number> = { 0: 2, 1: 32 };
const PRIVATE_KEY_LENGTH: Record<KeyAlgorithm, number> = { 0: 2, 1: 64 };

/** An account: the public half of a key pair, and the network it belongs to. */
export interface Account {
  readonly algorithm: KeyAlgorithm;
  readonly testnet: boolean;
  /** 32 bytes (Ed25519) or 2 bytes (Nothing). */
  readonly publicKey: Uint8Array;
}

export interface PrivateKey {
  readonly algorithm: KeyAlgorithm;
  readonly testnet: boolean;
  /** Ed25519: the 64-byte form seed32 ‖ public32; Nothing: 2 bytes. */
  readonly privateKey: Uint8Array;
}

export function makeAccount(publicKey: Uint8Array, testnet: boolean, algorithm: KeyAlgorithm = ALGORITHM_ED25519): Account {
  if (publicKey.length !== PUBLIC_KEY_LENGTH[algorithm]) fail("invalid key length");
  return { algorithm, testnet, publicKey };
}

interface KeyKind {
  public: boolean;
  notKind: FaultText;
  lengths: Record<KeyAlgorithm, number>;
}
const PUBLIC_KIND: KeyKind = { public: true, notKind: "not public key", lengths: PUBLIC_KEY_LENGTH };
const PRIVATE_KIND: KeyKind = { public: false, notKind: "not private key", lengths: PRIVATE_KEY_LENGTH };

/** Shared decoder of `variant ‖ key [‖ checksum]`; the checks run in bitmarkd's order. */
function decodeKey(buf: Uint8Array, kind: KeyKind, withChecksum: boolean): { algorithm: KeyAlgorithm; testnet: boolean; key: Uint8Array } {
  const { value: variant, count } = decodeVarint(buf);
  if (count === 0 || ((variant & PUBLIC_BIT) !== 0n) !== kind.public) fail(kind.notKind);
  const algo = variant >> ALGORITHM_SHIFT;
  if (algo !== 0n && algo !== 1n) fail("invalid key type");
  const algorithm = Number(algo) as KeyAlgorithm;
  const end = withChecksum ? buf.length - CHECKSUM_LENGTH : buf.length;
  if (end - count <= 0) fail("invalid key length");
  if (withChecksum && !checksumMatches(buf)) fail("checksum mismatch");
  if (end - count !== kind.lengths[algorithm]) fail("invalid key length");
  return { algorithm, testnet: (variant & TEST_BIT) !== 0n, key: buf.slice(count, end) };
}

/** Base58 of `bytes` ‖ the first 4 bytes of their sha3-256 (account and seed texts). */
function withChecksum(bytes: Uint8Array): string {
  return encodeBase58(concatBytes(bytes, activeBackend().sha3_256(bytes).subarray(0, CHECKSUM_LENGTH)));
}

/** Whether the last 4 bytes of `buf` are the checksum of the rest. */
function checksumMatches(buf: Uint8Array): boolean {
  const end = buf.length - CHECKSUM_LENGTH;
  return bytesEqual(activeBackend().sha3_256(buf.subarray(0, end)).subarray(0, CHECKSUM_LENGTH), buf.subarray(end));
}

/** Account bytes as found in records: variant varint ‖ key. Non-minimal variants and spare bits are accepted. */
export function accountFromBytes(bytes: Uint8Array): Account {
  const k = decodeKey(bytes, PUBLIC_KIND, false);
  return { algorithm: k.algorithm, testnet: k.testnet, publicKey: k.key };
}

/** Canonical account bytes: one variant byte (spare bits clear) ‖ key. */
export function accountToBytes(account: Account): Uint8Array {
  return concatBytes(Uint8Array.of((account.algorithm << 4) | (account.testnet ? 0x02 : 0) | 0x01), account.publicKey);
}

export function accountFromString(text: string): Account {
  const bytes = decodeBase58(text);
  if (bytes.length === 0) fail("cannot decode account");
  const k = decodeKey(bytes, PUBLIC_KIND, true);
  return { algorithm: k.algorithm, testnet: k.testnet, publicKey: k.key };
}

/** The base58 account string used in JSON/RPC. */
export function accountToString(account: Account): string {
  return withChecksum(accountToBytes(account));
}

/** True when every public key byte is zero (such an account can never sign; as a new owner it destroys). */
export function isZeroAccount(account: Account): boolean {
  return account.publicKey.every((b) => b === 0);
}

export function accountsEqual(a: Account, b: Account): boolean {
  return a.algorithm === b.algorithm && a.testnet === b.testnet && bytesEqual(a.publicKey, b.publicKey);
}

/**
 * bitmarkd's CheckSignature: Ed25519 with 8.2's acceptance rules (docs/records.md §3.4) and a 64-byte signature;
 * the Nothing algorithm never verifies. Throws "invalid signature".
 */
export function checkSignature(account: Account, message: Uint8Array, signature: Uint8Array): void {
  if (account.algorithm !== ALGORITHM_ED25519 || signature.length !== 64) fail("invalid signature");
  if (!activeBackend().ed25519Verify(account.publicKey, message, signature)) fail("invalid signature");
}

/** Private key bytes (the `PRIVATE:` form of a signing key file): variant ‖ key, public bit clear. */
export function privateKeyFromBytes(bytes: Uint8Array): PrivateKey {
  const k = decodeKey(bytes, PRIVATE_KIND, false);
  return { algorithm: k.algorithm, testnet: k.testnet, privateKey: k.key };
}

/** The account of an Ed25519 private key (its last 32 bytes); a Nothing key has none. */
export function privateKeyAccount(key: PrivateKey): Account | undefined {
  if (key.algorithm !== ALGORITHM_ED25519) return undefined;
  return { algorithm: ALGORITHM_ED25519, testnet: key.testnet, publicKey: key.privateKey.slice(32) };
}

/** Ed25519 private key (seed ‖ public) from a 32-byte RFC 8032 seed. */
export function ed25519PrivateKey(seed: Uint8Array, testnet: boolean): PrivateKey {
  return { algorithm: ALGORITHM_ED25519, testnet, privateKey: concatBytes(seed, ed25519PublicKey(seed)) };
}

// Wallet seeds: base58 of 5a fe 01 ‖ network ‖ secret32 ‖ checksum4.
const SEED_HEADER = Uint8Array.of(0x5a, 0xfe, 0x01);
const SEED_LENGTH = SEED_HEADER.length + 1 + 32 + CHECKSUM_LENGTH;
// secretbox input that turns a wallet secret into the Ed25519 seed: sixteen bytes encoding 999.
const SEED_COUNT = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x03, 0xe7);
const SEED_NONCE = new Uint8Array(24);

/** Private key of a base58 wallet seed (the text after `SEED:`). Network byte 01 = test, anything else live. */
export function privateKeyFromSeed(seedText: string): PrivateKey {
  const seed = decodeBase58(seedText);
  if (seed.length === 0) fail("cannot decode seed");
  if (seed.length !== SEED_LENGTH) fail("invalid seed length");
  if (!bytesEqual(seed.subarray(0, SEED_HEADER.length), SEED_HEADER)) fail("invalid seed header");
  if (!checksumMatches(seed)) fail("checksum mismatch");
  const secret = seed.subarray(SEED_HEADER.length + 1, seed.length - CHECKSUM_LENGTH);
  const ed25519Seed = secretboxSeal(SEED_COUNT, SEED_NONCE, secret).subarray(0, 32);
  return ed25519PrivateKey(ed25519Seed, seed[SEED_HEADER.length] === 0x01);
}

/** Base58 wallet seed text (without the `SEED:` tag) for a 32-byte secret. */
export function seedToString(secret: Uint8Array, testnet: boolean): string {
  if (secret.length !== 32) throw new RangeError("seed secret must be 32 bytes");
  return withChecksum(concatBytes(SEED_HEADER, Uint8Array.of(testnet ? 0x01 : 0x00), secret));
}
