/**
 * Block and proof difficulty (bitmarkd 8.2 difficulty/difficulty.go, reservoir/difficulty.go).
 *
 * "bits" is a 64-bit compact value: top byte = exponent e, low 56 bits = fraction f; the 256-bit target is
 * (2^56 + f) << (191 − e). Targets are bigints; `targetBytes` gives the 32-byte big-endian form that
 * `HashBackend.meetsDifficulty` and `proofCheck` take. The reciprocal ("Pdiff") is a float64.
 *
 * See docs/records.md §10.
 */
import { fail } from "../../base/fault.ts";
import type { ChainName } from "../types/chains.ts";

const U64 = (1n << 64n) - 1n;
const FRACTION_MASK = 0x00ffffffffffffffn;
const HIDDEN_BIT = 1n << 56n;

/** Difficulty 1, the only block difficulty in use at 8.2 (`difficulty.Current` is never adjusted). */
export const ONE_BITS = 0x00ffffffffffffffn;
/** Target of difficulty 1: 00ffffffffffffff8000…00. */
const ONE_TARGET = (HIDDEN_BIT | FRACTION_MASK) << 191n;

/** 256-bit target of compact `bits`; exponent ≥ 0xc0 (a panic in 8.2) → "invalid block header difficulty". */
export function bitsToTarget(bits: bigint): bigint {
  const exponent = (bits >> 56n) & 0xffn;
  if (exponent >= 0xc0n) fail("invalid block header difficulty");
  return ((bits & FRACTION_MASK) | HIDDEN_BIT) << (191n - exponent);
}

/** 32-byte big-endian form of a target. */
export function targetBytes(target: bigint): Uint8Array {
  return Uint8Array.from(Buffer.from(target.toString(16).padStart(64, "0"), "hex"));
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** n / d (both > 0) rounded toward +infinity to `prec` significant bits, as mantissa · 2^-scale (Go's big.Float quotient). */
function quotientRoundedUp(n: bigint, d: bigint, prec: number): { mant: bigint; scale: number } {
  let scale = prec - (bitLength(n) - bitLength(d)) - 1;
  const divide = (s: number) => {
    const num = s >= 0 ? n << BigInt(s) : n;
    const den = s >= 0 ? d : d << BigInt(-s);
    return { q: num / den, r: num % den };
  };
  let { q, r } = divide(scale);
  if (bitLength(q) > prec) ({ q, r } = divide(--scale));
  else if (bitLength(q) < prec) ({ q, r } = divide(++scale));
  if (r !== 0n) q += 1n;
  if (bitLength(q) > prec) {
    q >>= 1n;
    scale -= 1;
  }
  return { mant: q, scale };
}

export interface Difficulty {
  /** compact form */
  bits: bigint;
  /** exact target used for comparisons (not always the re-expansion of `bits`) */
  target: bigint;
  reciprocal: number;
}

export const ONE: Readonly<Difficulty> = Object.freeze({ bits: ONE_BITS, target: ONE_TARGET, reciprocal: 1 });

/** Exact float64 decomposition f = m · 2^e with integer m. */
function decompose(f: number): { m: bigint; e: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, f);
  const raw = view.getBigUint64(0);
  const biased = Number((raw >> 52n) & 0x7ffn);
  const fraction = raw & ((1n << 52n) - 1n);
  return biased === 0 ? { m: fraction, e: -1074 } : { m: fraction | (1n << 52n), e: biased - 1075 };
}

/** Compact bits of an exact target (the normalisation of SetReciprocal, including its rounding rule). */
function bitsOfTarget(target: bigint): bigint {
  const hex = target.toString(16);
  const bytes = Buffer.from(hex.length % 2 ? "0" + hex : hex, "hex");
  let u = 0n;
  for (let i = 0; i < 8; i++) u = (u << 8n) | BigInt(bytes[i] ?? 0);
  let e = BigInt((32 - bytes.length) * 8 - 1);
  let rounder = 0;
  while ((u & 0xff00000000000000n) !== HIDDEN_BIT) {
    if ((u & 1n) === 1n) rounder++;
    u >>= 1n;
    e -= 1n;
  }
  if (rounder > 4) u += 1n;
  return ((u & FRACTION_MASK) | ((e & 0xffn) << 56n)) & U64;
}

/**
 * Difficulty from a reciprocal (SetReciprocal): below 1 → difficulty 1; otherwise T = trunc(target(1) / r)
 * with the quotient rounded toward +infinity at 256 bits, and bits derived from T.
 */
export function fromReciprocal(r: number): Difficulty {
  if (!(r >= 1)) return { ...ONE };
  const { m, e } = decompose(r);
  const [n, d] = e >= 0 ? [ONE_TARGET, m << BigInt(e)] : [ONE_TARGET << BigInt(-e), m];
  const q = quotientRoundedUp(n, d, 256);
  const target = q.scale >= 0 ? q.mant >> BigInt(q.scale) : q.mant << BigInt(-q.scale);
  return { bits: target === 0n ? 0n : bitsOfTarget(target), target, reciprocal: r };
}

/**
 * Header acceptance window: ±10 % (integer division) around the current difficulty's target. The current
 * difficulty is constant at 8.2 (quirk #15), so the window is too.
 */
export const HEADER_WINDOW = Object.freeze({
  lower: ONE_TARGET - ONE_TARGET / 10n,
  upper: ONE_TARGET + ONE_TARGET / 10n,
});

export function withinHeaderWindow(target: bigint): boolean {
  return target >= HEADER_WINDOW.lower && target <= HEADER_WINDOW.upper;
}

/**
 * Issue-proof difficulty for `count` issues (8.2 reservoir ScaledDifficulty): reciprocal =
 * count × base × discount in float64, base 2048 on `bitmark`, 256 on `testing`/`local`.
 */
export function scaledDifficulty(count: number, chain: ChainName): Difficulty {
  const factor = count <= 1 ? 1.0 : count <= 10 ? 0.95 : count <= 50 ? 0.9 : 0.85;
  const base = chain === "bitmark" ? 2048.0 : 256.0;
  return fromReciprocal(count * base * factor);
}

/** JSON/RPC text of bits: 16 hex digits of the little-endian bytes. */
export function bitsJSON(bits: bigint): string {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(bits & U64);
  return b.toString("hex");
}
