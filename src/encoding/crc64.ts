/**
 * Block CRC (bitmarkd 8.2 blockring/crc.go): CRC-64 with the reflected ECMA-182 polynomial (Go's crc64.ECMA)
 * over the complete packed block, with the block number as the initial value: register = NOT(number),
 * r = table[(r ^ byte) & 0xff] ^ (r >> 8), result = NOT(r). The pay nonce is BE64 of the newest block's CRC.
 *
 * The 64-bit register is kept as two 32-bit halves so the inner loop stays in small integers.
 *
 * See docs/records.md §2.3.
 */
import { IndexError } from "../base/at.ts";

const POLY_HI = 0xc96c5795;
const POLY_LO = 0xd7870f42;

const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let hi = 0;
  let lo = i;
  for (let bit = 0; bit < 8; bit++) {
    const carry = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (carry) {
      hi = (hi ^ POLY_HI) >>> 0;
      lo = (lo ^ POLY_LO) >>> 0;
    }
  }
  TABLE_HI[i] = hi;
  TABLE_LO[i] = lo;
}

// The inner loop's checked reads, one element type each: the shared `at` sees every type in the program, and
// the JIT cannot inline it into this loop as tightly (3× slower in a micro-benchmark).
function byteAt(data: Uint8Array, i: number): number {
  const b = data[i];
  if (b === undefined) throw new IndexError({ code: "INDEX_OUT_OF_RANGE", index: i, length: data.length });
  return b;
}

function entryAt(table: Uint32Array, i: number): number {
  const e = table[i];
  if (e === undefined) throw new IndexError({ code: "INDEX_OUT_OF_RANGE", index: i, length: table.length });
  return e;
}

/** CRC-64/ECMA of `data` continuing from `initial` (Go crc64.Update); for a block, initial = its number. */
export function crc64(initial: number | bigint, data: Uint8Array): bigint {
  const start = BigInt(initial);
  let hi = ~Number((start >> 32n) & 0xffffffffn) >>> 0;
  let lo = ~Number(start & 0xffffffffn) >>> 0;
  for (let i = 0; i < data.length; i++) {
    const idx = (lo ^ byteAt(data, i)) & 0xff;
    lo = ((lo >>> 8) | (hi << 24)) ^ entryAt(TABLE_LO, idx);
    hi = (hi >>> 8) ^ entryAt(TABLE_HI, idx);
  }
  return (BigInt(~hi >>> 0) << 32n) | BigInt(~lo >>> 0);
}

/** 8-byte big-endian form of a CRC (pay nonce, proof input). */
export function crcBytes(crc: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, crc);
  return out;
}
