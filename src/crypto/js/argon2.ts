/**
 * Argon2d version 0x13 (RFC 9106) in pure TypeScript, and the Bitmark block digest built on it.
 *
 * Memory is one Int32Array; every 64-bit word is a (lo, hi) pair of int32 at [2k, 2k+1], so on little-endian
 * hosts the arena's bytes are the blocks' bytes. The permutation (argon2-permute.ts, generated) keeps its values
 * int32, which JavaScriptCore holds in registers (uint32 values above 2^31 would become doubles). The block
 * digest reuses one 128 MiB arena per thread instead of allocating per call.
 * Index reads are asserted non-null (`!`), not checked: the bounds are fixed by the algorithm, and
 * checks in the inner loops would cost this twin its speed.
 *
 * See docs/records.md §9.
 */
import type { Argon2Params } from "../api.ts";
import { permute } from "./argon2-permute.ts";
import { blake2b } from "./blake2b.ts";

const VERSION = 0x13;
const TYPE_D = 0;
const SYNC_POINTS = 4;
const BLOCK_WORDS = 256; // int32 per 1 KiB block

const BLOCK_DIGEST_MEMORY_KIB = 131072;
const BLOCK_DIGEST_PASSES = 4;
const BLOCK_DIGEST_LENGTH = 32;

function le32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** The variable-length hash H' of RFC 9106 §3.3. */
function hashLong(input: Uint8Array, outLen: number): Uint8Array {
  const x = concat([le32(outLen), input]);
  if (outLen <= 64) return blake2b(x, outLen);
  const out = new Uint8Array(outLen);
  const r = Math.ceil(outLen / 32) - 2;
  let v = blake2b(x, 64);
  out.set(v.subarray(0, 32), 0);
  for (let i = 1; i < r; i++) {
    v = blake2b(v, 64);
    out.set(v.subarray(0, 32), i * 32);
  }
  out.set(blake2b(v, outLen - 32 * r), 32 * r);
  return out;
}

// Scratch blocks of the compression function (single-threaded per module instance).
const R = new Int32Array(BLOCK_WORDS);
const Z = new Int32Array(BLOCK_WORDS);

/**
 * Compression G(X, Y) of RFC 9106 §3.5 with X = mem[prev], Y = mem[ref], written to mem[next]
 * (XORed into its old content when `xor`, as version 0x13 does after the first pass).
 */
function fillBlock(mem: Int32Array, prev: number, ref: number, next: number, xor: boolean): void {
  for (let i = 0; i < BLOCK_WORDS; i++) {
    const v = mem[prev + i]! ^ mem[ref + i]!;
    R[i] = v;
    Z[i] = xor ? v ^ mem[next + i]! : v;
  }
  // Rows: 16 contiguous 64-bit words each. Columns: words 2i, 2i+1 of every row.
  for (let i = 0; i < 8; i++) permute(R, i * 32, 4);
  for (let i = 0; i < 8; i++) permute(R, i * 4, 32);
  for (let i = 0; i < BLOCK_WORDS; i++) mem[next + i] = Z[i]! ^ R[i]!;
}

/** floor(a·b / 2^32) for 0 ≤ a, b < 2^32, exact (the product itself may exceed 2^53). */
function mulHi(a: number, b: number): number {
  return Math.floor((a * (b >>> 16) + Math.floor((a * (b & 0xffff)) / 65536)) / 65536);
}

interface Geometry {
  lanes: number;
  laneLength: number; // blocks per lane
  segmentLength: number;
  passes: number;
}

/** Fills the memory per RFC 9106 §3.4 (data-dependent indexing, type d). */
function fillMemory(mem: Int32Array, { lanes, laneLength, segmentLength, passes }: Geometry): void {
  for (let pass = 0; pass < passes; pass++) {
    for (let slice = 0; slice < SYNC_POINTS; slice++) {
      for (let lane = 0; lane < lanes; lane++) {
        const laneStart = lane * laneLength;
        const first = pass === 0 && slice === 0 ? 2 : 0;
        for (let index = first; index < segmentLength; index++) {
          const col = slice * segmentLength + index;
          const cur = laneStart + col;
          const prev = col === 0 ? cur + laneLength - 1 : cur - 1;
          // J1, J2: the two halves of the previous block's first word
          const j1 = mem[prev * BLOCK_WORDS]! >>> 0;
          const j2 = mem[prev * BLOCK_WORDS + 1]! >>> 0;
          const refLane = pass === 0 && slice === 0 ? lane : j2 % lanes;
          const sameLane = refLane === lane;
          let area: number;
          if (pass === 0) area = slice * segmentLength + (sameLane ? index - 1 : index === 0 ? -1 : 0);
          else area = laneLength - segmentLength + (sameLane ? index - 1 : index === 0 ? -1 : 0);
          const rel = area - 1 - mulHi(area, mulHi(j1, j1));
          const start = pass === 0 || slice === SYNC_POINTS - 1 ? 0 : (slice + 1) * segmentLength;
          const ref = refLane * laneLength + ((start + rel) % laneLength);
          fillBlock(mem, prev * BLOCK_WORDS, ref * BLOCK_WORDS, cur * BLOCK_WORDS, pass > 0);
        }
      }
    }
  }
}

function geometry(memoryKiB: number, passes: number, lanes: number): Geometry {
  const blocks = Math.max(memoryKiB, 8 * lanes);
  const laneLength = Math.floor(blocks / (SYNC_POINTS * lanes)) * SYNC_POINTS;
  return { lanes, laneLength, segmentLength: laneLength / SYNC_POINTS, passes };
}

/** Runs Argon2d in `mem` (at least lanes·laneLength blocks) and returns the tag. */
function compute(mem: Int32Array, p: Argon2Params, geo: Geometry): Uint8Array {
  const secret = p.secret ?? new Uint8Array(0);
  const ad = p.associatedData ?? new Uint8Array(0);
  const h0 = blake2b(
    concat([
      le32(p.lanes), le32(p.tagLength), le32(p.memoryKiB), le32(p.passes), le32(VERSION), le32(TYPE_D),
      le32(p.password.length), p.password, le32(p.salt.length), p.salt,
      le32(secret.length), secret, le32(ad.length), ad,
    ]),
    64,
  );
  const bytes = new Uint8Array(mem.buffer, mem.byteOffset, mem.byteLength);
  for (let lane = 0; lane < geo.lanes; lane++) {
    for (let i = 0; i < 2; i++) {
      const block = hashLong(concat([h0, le32(i), le32(lane)]), 1024);
      bytes.set(block, (lane * geo.laneLength + i) * 1024);
    }
  }
  fillMemory(mem, geo);
  const last = new Uint8Array(1024);
  for (let lane = 0; lane < geo.lanes; lane++) {
    const off = (lane * geo.laneLength + geo.laneLength - 1) * 1024;
    for (let i = 0; i < 1024; i++) last[i]! ^= bytes[off + i]!;
  }
  return hashLong(last, p.tagLength);
}

function validate(p: Argon2Params): void {
  const int = (name: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`argon2d: ${name} must be ${min}..${max}, got ${v}`);
  };
  int("lanes", p.lanes, 1, 0xffffff);
  int("passes", p.passes, 1, 0xffffffff);
  int("tagLength", p.tagLength, 4, 0xffffffff);
  int("memoryKiB", p.memoryKiB, 8 * p.lanes, 0xffffffff);
}

/** Argon2d v0x13 with general parameters; allocates its own memory (use blockDigest for the hot path). */
export function argon2d(p: Argon2Params): Uint8Array {
  validate(p);
  const geo = geometry(p.memoryKiB, p.passes, p.lanes);
  return compute(new Int32Array(geo.lanes * geo.laneLength * BLOCK_WORDS), p, geo);
}

let arena: Int32Array | undefined;

/**
 * Bitmark block digest: Argon2d(m = 128 MiB, t = 4, p = 1, 32-byte tag, password = salt = header).
 * Reuses one arena per thread: every block is written in the first pass before it is read, so no clearing is needed.
 */
export function blockDigest(header: Uint8Array): Uint8Array {
  const geo = geometry(BLOCK_DIGEST_MEMORY_KIB, BLOCK_DIGEST_PASSES, 1);
  arena ??= new Int32Array(geo.laneLength * BLOCK_WORDS);
  return compute(arena, {
    password: header,
    salt: header,
    memoryKiB: BLOCK_DIGEST_MEMORY_KIB,
    passes: BLOCK_DIGEST_PASSES,
    lanes: 1,
    tagLength: BLOCK_DIGEST_LENGTH,
  }, geo);
}
