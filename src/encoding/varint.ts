/**
 * bitmarkd's 64-bit varint (util/varint.go): 7-bit little-endian groups with a continuation flag in bytes 1–8,
 * and a 9th byte that carries 8 value bits. Decoding is lenient (non-minimal forms are accepted, consensus
 * quirk #1); encoding is always the shortest form.
 *
 * See docs/records.md §2.1 (quirk numbers: docs/deviations.md §D).
 */

/** Longest encoding: 8 flagged bytes of 7 bits and a 9th byte of 8 bits. */
const VARINT_MAX_BYTES = 9;

const MASK64 = (1n << 64n) - 1n;
const SIGNED_LIMIT = 1n << 63n;

/** Shortest encoding of an unsigned 64-bit value (bigint, or a safe non-negative integer). */
export function encodeVarint(value: bigint | number): Uint8Array {
  let v = BigInt(value);
  if (v < 0n || v > MASK64) throw new RangeError(`varint out of range: ${value}`);
  if (v < 0x80n) return Uint8Array.of(Number(v));
  const out: number[] = [];
  while (v !== 0n && out.length < VARINT_MAX_BYTES) {
    // In the 9th byte the "flag" is a value bit, so or-ing 0x80 into a value ≥ 0x80 changes nothing.
    out.push(Number(v & 0xffn) | (v >= 0x80n ? 0x80 : 0));
    v >>= 7n;
  }
  return Uint8Array.from(out);
}

/** Result of a varint read: `count` = bytes used, 0 when the input ends before a stopping byte. */
export interface VarintRead {
  value: bigint;
  count: number;
}

const TRUNCATED: VarintRead = Object.freeze({ value: 0n, count: 0 }) as VarintRead;

/** Reads a varint at `offset`; truncated input gives value 0, count 0. */
export function decodeVarint(buf: Uint8Array, offset = 0): VarintRead {
  // Fast path: values below 2^28 fit in plain numbers.
  let small = 0;
  for (let i = 0; i < 4; i++) {
    const b = buf[offset + i];
    if (b === undefined) return TRUNCATED;
    small |= (b & 0x7f) << (7 * i);
    if ((b & 0x80) === 0) return { value: BigInt(small >>> 0), count: i + 1 };
  }
  let value = 0n;
  for (let i = 0; ; i++) {
    const byte = buf[offset + i];
    if (byte === undefined) return TRUNCATED;
    const b = BigInt(byte);
    if (i === VARINT_MAX_BYTES - 1) return { value: value | (b << 56n), count: VARINT_MAX_BYTES };
    value |= (b & 0x7fn) << BigInt(7 * i);
    if ((b & 0x80n) === 0n) return { value, count: i + 1 };
  }
}

/** Result of a clipped read: `count` 0 means failure (truncated, bad bounds or out of range). */
export interface ClippedRead {
  value: number;
  count: number;
}

const CLIPPED_FAIL: ClippedRead = Object.freeze({ value: 0, count: 0 }) as ClippedRead;

/**
 * Varint restricted to [min, max] (inclusive), as used for lengths and record tags. The value is compared
 * as a signed 64-bit integer (values ≥ 2^63 are negative and so always below `min`); malformed bounds
 * (negative, or min ≥ max) always fail.
 */
export function clippedVarint(buf: Uint8Array, min: number, max: number, offset = 0): ClippedRead {
  if (min < 0 || max < 0 || min >= max) return CLIPPED_FAIL;
  const { value, count } = decodeVarint(buf, offset);
  if (count === 0 || value >= SIGNED_LIMIT) return CLIPPED_FAIL;
  if (value < BigInt(min) || value > BigInt(max)) return CLIPPED_FAIL;
  return { value: Number(value), count };
}
