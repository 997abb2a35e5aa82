/**
 * Block header (bitmarkd 8.2 blockrecord/header.go): 100 bytes, integers little-endian.
 *
 * u64 fields are kept exactly as bigints (`numberU64`, `timestampU64`, `bits`, `nonce`) for display and
 * comparisons; `number` and `timestamp` are the same values as JS numbers for everyday use.
 *
 * See docs/records.md §8.
 */
import { fail } from "../../base/fault.ts";
import { bitsJSON, bitsToTarget } from "../rules/difficulty.ts";
import { bytesEqual } from "../../encoding/hex.ts";

export const HEADER_SIZE = 100;
/** Version written by the proofer (and the generator). */
export const CURRENT_VERSION = 2;
const MINIMUM_TRANSACTIONS = 2;
const MAXIMUM_TRANSACTIONS = 10000;
/** A header may be at most this far in the future of the local clock. */
const FUTURE_TOLERANCE_SECONDS = 5 * 60;

export interface BlockHeader {
  version: number;
  transactionCount: number;
  number: number;
  numberU64: bigint;
  /** 32 bytes, storage order */
  previousBlock: Uint8Array;
  /** 32 bytes, storage order */
  merkleRoot: Uint8Array;
  timestamp: number;
  timestampU64: bigint;
  /** compact difficulty */
  bits: bigint;
  nonce: bigint;
}

/** Header fields for packing; the u64 values may be given as numbers or bigints. */
export interface HeaderFields {
  version: number;
  transactionCount: number;
  number: number | bigint;
  previousBlock: Uint8Array;
  merkleRoot: Uint8Array;
  timestamp: number | bigint;
  bits: bigint;
  nonce: bigint | number;
}

export function packHeader(h: HeaderFields): Uint8Array {
  const out = new Uint8Array(HEADER_SIZE);
  const v = new DataView(out.buffer);
  v.setUint16(0, h.version, true);
  v.setUint16(2, h.transactionCount, true);
  v.setBigUint64(4, BigInt(h.number), true);
  out.set(h.previousBlock.subarray(0, 32), 12);
  out.set(h.merkleRoot.subarray(0, 32), 44);
  v.setBigUint64(76, BigInt(h.timestamp), true);
  v.setBigUint64(84, h.bits, true);
  v.setBigUint64(92, BigInt(h.nonce), true);
  return out;
}

/** Decodes the first 100 bytes without any rule check; fewer → "invalid block header size". */
export function unpackHeader(bytes: Uint8Array): BlockHeader {
  if (bytes.length < HEADER_SIZE) fail("invalid block header size");
  const v = new DataView(bytes.buffer, bytes.byteOffset, HEADER_SIZE);
  const numberU64 = v.getBigUint64(4, true);
  const timestampU64 = v.getBigUint64(76, true);
  return {
    version: v.getUint16(0, true),
    transactionCount: v.getUint16(2, true),
    number: Number(numberU64),
    numberU64,
    // copies (Buffer.slice would be a view into the caller's block)
    previousBlock: Uint8Array.from(bytes.subarray(12, 44)),
    merkleRoot: Uint8Array.from(bytes.subarray(44, 76)),
    timestamp: Number(timestampU64),
    timestampU64,
    bits: v.getBigUint64(84, true),
    nonce: v.getBigUint64(92, true),
  };
}

/**
 * Whether a packed block claims to be the next block on `tip` (number = height + 1, previous digest = tip
 * digest). StoreIncoming rejects every other block, but only after its Argon2 digest; callers use this to drop
 * pushed blocks that cannot be stored before spending that work.
 */
export function extendsTip(block: Uint8Array, tip: { height: number; digest: Uint8Array }): boolean {
  if (block.length < HEADER_SIZE) return false; // not a header: unpackHeader would throw
  const header = unpackHeader(block);
  return header.numberU64 === BigInt(tip.height) + 1n && bytesEqual(header.previousBlock, tip.digest);
}

function isGenesisForm(h: BlockHeader): boolean {
  return h.numberU64 === 1n && h.transactionCount === 1 && h.version === 1;
}

/**
 * The digest-free part of 8.2's ExtractHeader, in its order: size, version/number, transaction count,
 * timestamp vs `nowSeconds` + 5 min, difficulty exponent (8.2 panics; here "invalid block header difficulty").
 * Returns the header and the header's target.
 */
export function checkHeader(block: Uint8Array, nowSeconds: number): { header: BlockHeader; target: bigint } {
  const header = unpackHeader(block);
  if (!isGenesisForm(header)) {
    if (header.version < 1 || header.numberU64 < 2n) fail("invalid block header version");
    if (header.transactionCount < MINIMUM_TRANSACTIONS || header.transactionCount > MAXIMUM_TRANSACTIONS) {
      fail("transaction count out of range");
    }
  }
  if (header.timestampU64 > BigInt(Math.floor(nowSeconds) + FUTURE_TOLERANCE_SECONDS)) fail("invalid block header timestamp");
  return { header, target: bitsToTarget(header.bits) };
}

/** bitmarkd's JSON form of a header (RPC): u64 as decimal strings, digests in storage order, bits/nonce as LE hex. */
export function headerJSON(h: BlockHeader): Record<string, unknown> {
  const nonce = Buffer.alloc(8);
  nonce.writeBigUInt64LE(h.nonce);
  return {
    version: h.version,
    transactionCount: h.transactionCount,
    number: h.numberU64.toString(),
    previousBlock: Buffer.from(h.previousBlock).toString("hex"),
    merkleRoot: Buffer.from(h.merkleRoot).toString("hex"),
    timestamp: h.timestampU64.toString(),
    difficulty: bitsJSON(h.bits),
    nonce: nonce.toString("hex"),
  };
}

/** 8-byte big-endian block number key used by every table (docs/records.md §12). */
export function blockNumberKey(n: number | bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return out;
}

/**
 * The BE64 value in the first 8 bytes (block number keys, and the peer protocol's timestamp, height and block
 * number frames); any further bytes are ignored, as in 8.2 (a longer frame is accepted). The caller checks
 * that there are at least 8.
 */
export function readBe64(b: Uint8Array): bigint {
  return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0);
}

export function readBlockNumberKey(b: Uint8Array): number {
  return Number(readBe64(b));
}

/** Input of the foundation txid: digest ‖ LE64(number); the id is its sha3-256. */
export function foundationTxIdInput(digest: Uint8Array, number: number | bigint): Uint8Array {
  const out = new Uint8Array(40);
  out.set(digest, 0);
  new DataView(out.buffer).setBigUint64(32, BigInt(number), true);
  return out;
}
