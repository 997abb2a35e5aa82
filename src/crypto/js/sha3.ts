/**
 * SHA3-256/384/512 (FIPS 202) over Keccak-f[1600], in pure TypeScript.
 *
 * The 25 lanes are (lo, hi) pairs of 32-bit words. SHA3 is on the hot path (transaction ids, merkle trees,
 * issue proofs), so the permutation works on local variables per step rather than through helpers.
 * Index reads are asserted non-null (`!`), not checked: the bounds are fixed by the algorithm, and
 * checks in the inner loops would cost this twin its speed.
 */

// Round constants as [lo, hi] pairs.
const RC = new Uint32Array([
  0x00000001, 0x00000000, 0x00008082, 0x00000000, 0x0000808a, 0x80000000, 0x80008000, 0x80000000,
  0x0000808b, 0x00000000, 0x80000001, 0x00000000, 0x80008081, 0x80000000, 0x00008009, 0x80000000,
  0x0000008a, 0x00000000, 0x00000088, 0x00000000, 0x80008009, 0x00000000, 0x8000000a, 0x00000000,
  0x8000808b, 0x00000000, 0x0000008b, 0x80000000, 0x00008089, 0x80000000, 0x00008003, 0x80000000,
  0x00008002, 0x80000000, 0x00000080, 0x80000000, 0x0000800a, 0x00000000, 0x8000000a, 0x80000000,
  0x80008081, 0x80000000, 0x00008080, 0x80000000, 0x80000001, 0x00000000, 0x80008008, 0x80000000,
]);

// rho-pi step: lane PI_DEST[i] receives lane PI_SRC[i] rotated left by PI_ROT[i] (walk of the permutation from lane 1).
const PI_SRC = new Uint8Array(24);
const PI_DEST = new Uint8Array(24);
const PI_ROT = new Uint8Array(24);
{
  let x = 1;
  let y = 0;
  for (let t = 0; t < 24; t++) {
    const nx = y;
    const ny = (2 * x + 3 * y) % 5;
    PI_SRC[t] = x + 5 * y;
    PI_DEST[t] = nx + 5 * ny;
    PI_ROT[t] = (((t + 1) * (t + 2)) / 2) % 64;
    x = nx;
    y = ny;
  }
}

const s = new Uint32Array(50);
const b = new Uint32Array(50);

function keccakF1600(): void {
  for (let round = 0; round < 24; round++) {
    // theta
    const c0l = s[0]! ^ s[10]! ^ s[20]! ^ s[30]! ^ s[40]!, c0h = s[1]! ^ s[11]! ^ s[21]! ^ s[31]! ^ s[41]!;
    const c1l = s[2]! ^ s[12]! ^ s[22]! ^ s[32]! ^ s[42]!, c1h = s[3]! ^ s[13]! ^ s[23]! ^ s[33]! ^ s[43]!;
    const c2l = s[4]! ^ s[14]! ^ s[24]! ^ s[34]! ^ s[44]!, c2h = s[5]! ^ s[15]! ^ s[25]! ^ s[35]! ^ s[45]!;
    const c3l = s[6]! ^ s[16]! ^ s[26]! ^ s[36]! ^ s[46]!, c3h = s[7]! ^ s[17]! ^ s[27]! ^ s[37]! ^ s[47]!;
    const c4l = s[8]! ^ s[18]! ^ s[28]! ^ s[38]! ^ s[48]!, c4h = s[9]! ^ s[19]! ^ s[29]! ^ s[39]! ^ s[49]!;
    // d[x] = c[x-1] ^ rotl1(c[x+1])
    const d0l = c4l ^ ((c1l << 1) | (c1h >>> 31)), d0h = c4h ^ ((c1h << 1) | (c1l >>> 31));
    const d1l = c0l ^ ((c2l << 1) | (c2h >>> 31)), d1h = c0h ^ ((c2h << 1) | (c2l >>> 31));
    const d2l = c1l ^ ((c3l << 1) | (c3h >>> 31)), d2h = c1h ^ ((c3h << 1) | (c3l >>> 31));
    const d3l = c2l ^ ((c4l << 1) | (c4h >>> 31)), d3h = c2h ^ ((c4h << 1) | (c4l >>> 31));
    const d4l = c3l ^ ((c0l << 1) | (c0h >>> 31)), d4h = c3h ^ ((c0h << 1) | (c0l >>> 31));
    for (let y = 0; y < 50; y += 10) {
      s[y] = s[y]! ^ d0l; s[y + 1] = s[y + 1]! ^ d0h;
      s[y + 2] = s[y + 2]! ^ d1l; s[y + 3] = s[y + 3]! ^ d1h;
      s[y + 4] = s[y + 4]! ^ d2l; s[y + 5] = s[y + 5]! ^ d2h;
      s[y + 6] = s[y + 6]! ^ d3l; s[y + 7] = s[y + 7]! ^ d3h;
      s[y + 8] = s[y + 8]! ^ d4l; s[y + 9] = s[y + 9]! ^ d4h;
    }
    // rho and pi into b (lane 0 is not moved nor rotated)
    b[0] = s[0]!;
    b[1] = s[1]!;
    for (let t = 0; t < 24; t++) {
      const src = PI_SRC[t]! * 2;
      const dst = PI_DEST[t]! * 2;
      const lo = s[src]!;
      const hi = s[src + 1]!;
      const r = PI_ROT[t]!;
      // No offset of the walk is 0 or 32, so both shifts below stay within 1..31.
      if (r < 32) {
        b[dst] = (lo << r) | (hi >>> (32 - r));
        b[dst + 1] = (hi << r) | (lo >>> (32 - r));
      } else {
        const q = r - 32;
        b[dst] = (hi << q) | (lo >>> (32 - q));
        b[dst + 1] = (lo << q) | (hi >>> (32 - q));
      }
    }
    // chi
    for (let y = 0; y < 50; y += 10) {
      const a0l = b[y]!, a0h = b[y + 1]!, a1l = b[y + 2]!, a1h = b[y + 3]!, a2l = b[y + 4]!, a2h = b[y + 5]!;
      const a3l = b[y + 6]!, a3h = b[y + 7]!, a4l = b[y + 8]!, a4h = b[y + 9]!;
      s[y] = a0l ^ (~a1l & a2l); s[y + 1] = a0h ^ (~a1h & a2h);
      s[y + 2] = a1l ^ (~a2l & a3l); s[y + 3] = a1h ^ (~a2h & a3h);
      s[y + 4] = a2l ^ (~a3l & a4l); s[y + 5] = a2h ^ (~a3h & a4h);
      s[y + 6] = a3l ^ (~a4l & a0l); s[y + 7] = a3h ^ (~a4h & a0h);
      s[y + 8] = a4l ^ (~a0l & a1l); s[y + 9] = a4h ^ (~a0h & a1h);
    }
    // iota
    s[0] = s[0]! ^ RC[round * 2]!;
    s[1] = s[1]! ^ RC[round * 2 + 1]!;
  }
}

/** Absorbs `len` bytes of `data` at `off` (len ≤ rate) into the state, little-endian lanes. */
function absorb(data: Uint8Array, off: number, len: number): void {
  const words = len >> 2;
  for (let i = 0; i < words; i++) {
    const o = off + i * 4;
    s[i] = s[i]! ^ (data[o]! | (data[o + 1]! << 8) | (data[o + 2]! << 16) | (data[o + 3]! << 24));
  }
  for (let i = words * 4; i < len; i++) s[i >> 2] = s[i >> 2]! ^ (data[off + i]! << (8 * (i & 3)));
}

/** SHA3 with `outLen` bytes of output (rate = 200 − 2·outLen); outputs ≤ rate, so one squeeze suffices. */
function sha3(data: Uint8Array, outLen: number): Uint8Array {
  const rate = 200 - 2 * outLen;
  s.fill(0);
  let off = 0;
  while (data.length - off >= rate) {
    absorb(data, off, rate);
    keccakF1600();
    off += rate;
  }
  const rest = data.length - off;
  absorb(data, off, rest);
  // FIPS 202 padding: domain bits 01, then pad10*1.
  s[rest >> 2] = s[rest >> 2]! ^ (0x06 << (8 * (rest & 3)));
  s[(rate - 1) >> 2] = s[(rate - 1) >> 2]! ^ (0x80 << (8 * ((rate - 1) & 3)));
  keccakF1600();
  const out = new Uint8Array(outLen);
  for (let i = 0; i < outLen; i++) out[i] = s[i >> 2]! >>> (8 * (i & 3));
  return out;
}

export const sha3_256 = (data: Uint8Array): Uint8Array => sha3(data, 32);
export const sha3_384 = (data: Uint8Array): Uint8Array => sha3(data, 48);
export const sha3_512 = (data: Uint8Array): Uint8Array => sha3(data, 64);
