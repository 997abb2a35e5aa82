/**
 * BLAKE2b (RFC 7693), unkeyed, one-shot, in pure TypeScript.
 *
 * 64-bit words are held as (lo, hi) pairs of 32-bit integers: JavaScriptCore has no fast 64-bit integer type.
 * Used directly by the hashing API and by Argon2 (H0 and the variable-length hash H').
 * Index reads are asserted non-null (`!`), not checked: the bounds are fixed by the algorithm, and
 * checks in the inner loops would cost this twin its speed.
 */

// IV words (SHA-512 initial values), as [lo, hi] pairs.
const IV = new Uint32Array([
  0xf3bcc908, 0x6a09e667, 0x84caa73b, 0xbb67ae85, 0xfe94f82b, 0x3c6ef372, 0x5f1d36f1, 0xa54ff53a,
  0xade682d1, 0x510e527f, 0x2b3e6c1f, 0x9b05688c, 0xfb41bd6b, 0x1f83d9ab, 0x137e2179, 0x5be0cd19,
]);

// Message word schedule, 12 rounds (rounds 10 and 11 repeat 0 and 1); entries are u32 offsets (word index × 2).
const SIGMA = new Uint8Array(
  [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3,
    11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4,
    7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8,
    9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13,
    2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9,
    12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11,
    13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10,
    6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5,
    10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0,
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3,
  ].map((x) => x * 2),
);

// Scratch space shared by every call (hashing is synchronous, so no call can interleave).
const v = new Uint32Array(32);
const m = new Uint32Array(32);
const h = new Uint32Array(16);

/** v[a] += v[b] + (x = m[xi]); mixes one 64-bit quarter-step of G. */
function add3(a: number, b: number, xi: number): void {
  const lo = v[a]! + v[b]! + m[xi]!;
  v[a + 1] = v[a + 1]! + v[b + 1]! + m[xi + 1]! + ((lo / 0x100000000) | 0);
  v[a] = lo;
}

function add2(a: number, b: number): void {
  const lo = v[a]! + v[b]!;
  v[a + 1] = v[a + 1]! + v[b + 1]! + ((lo / 0x100000000) | 0);
  v[a] = lo;
}

/** v[d] = rotr64(v[d] ^ v[a], n) for n in {16, 24, 32, 63}. */
function xorRot(d: number, a: number, n: number): void {
  const lo = v[d]! ^ v[a]!;
  const hi = v[d + 1]! ^ v[a + 1]!;
  if (n === 32) {
    v[d] = hi;
    v[d + 1] = lo;
  } else if (n < 32) {
    v[d] = (lo >>> n) | (hi << (32 - n));
    v[d + 1] = (hi >>> n) | (lo << (32 - n));
  } else {
    // rotr 63 = rotl 1
    v[d] = (lo << 1) | (hi >>> 31);
    v[d + 1] = (hi << 1) | (lo >>> 31);
  }
}

function g(a: number, b: number, c: number, d: number, x: number, y: number): void {
  add3(a, b, x);
  xorRot(d, a, 32);
  add2(c, d);
  xorRot(b, c, 24);
  add3(a, b, y);
  xorRot(d, a, 16);
  add2(c, d);
  xorRot(b, c, 63);
}

/** Compresses the 128-byte block at `block[off..]`; `t` = bytes hashed so far including this block. */
function compress(block: Uint8Array, off: number, t: number, last: boolean): void {
  for (let i = 0; i < 32; i++) {
    const o = off + i * 4;
    m[i] = block[o]! | (block[o + 1]! << 8) | (block[o + 2]! << 16) | (block[o + 3]! << 24);
  }
  v.set(h, 0);
  v.set(IV, 16);
  v[24] = v[24]! ^ (t >>> 0);
  v[25] = v[25]! ^ ((t / 0x100000000) >>> 0);
  if (last) {
    v[28] = ~v[28]!;
    v[29] = ~v[29]!;
  }
  for (let r = 0; r < 12; r++) {
    const s = r * 16;
    g(0, 8, 16, 24, SIGMA[s]!, SIGMA[s + 1]!);
    g(2, 10, 18, 26, SIGMA[s + 2]!, SIGMA[s + 3]!);
    g(4, 12, 20, 28, SIGMA[s + 4]!, SIGMA[s + 5]!);
    g(6, 14, 22, 30, SIGMA[s + 6]!, SIGMA[s + 7]!);
    g(0, 10, 20, 30, SIGMA[s + 8]!, SIGMA[s + 9]!);
    g(2, 12, 22, 24, SIGMA[s + 10]!, SIGMA[s + 11]!);
    g(4, 14, 16, 26, SIGMA[s + 12]!, SIGMA[s + 13]!);
    g(6, 8, 18, 28, SIGMA[s + 14]!, SIGMA[s + 15]!);
  }
  for (let i = 0; i < 16; i++) h[i] = h[i]! ^ v[i]! ^ v[i + 16]!;
}

const lastBlock = new Uint8Array(128);

/** BLAKE2b digest of `data` with an output of `outLen` bytes (1..64). */
export function blake2b(data: Uint8Array, outLen: number): Uint8Array {
  if (!Number.isInteger(outLen) || outLen < 1 || outLen > 64) throw new RangeError(`blake2b: outLen must be 1..64, got ${outLen}`);
  h.set(IV);
  h[0] = h[0]! ^ 0x01010000 ^ outLen; // parameter block: digest length, key length 0, fanout 1, depth 1
  let off = 0;
  // Every full block except the last one is compressed in place; the final (possibly partial or empty) block is padded.
  while (data.length - off > 128) {
    compress(data, off, off + 128, false);
    off += 128;
  }
  lastBlock.fill(0);
  lastBlock.set(data.subarray(off));
  compress(lastBlock, 0, data.length, true);
  const out = new Uint8Array(outLen);
  for (let i = 0; i < outLen; i++) out[i] = h[i >> 2]! >>> (8 * (i & 3));
  return out;
}
