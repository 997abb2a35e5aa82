/**
 * Ed25519 in pure TypeScript: verification with bitmarkd 8.2's exact acceptance rules (docs/records.md §3.4, quirk
 * #18: the SUPERCOP ref10 check of golang.org/x/crypto at 94eea52) and deterministic RFC 8032 key derivation and
 * signing (used to build test chains).
 *
 * Field elements mod p = 2^255 − 19 are 15 limbs of 17 bits in Float64Array: 15·17 = 255, so 2^255 ≡ 19 folds
 * the upper half of a product without shifts, and limb products (< 2^40 summed, × 19) stay exact in doubles.
 * Points use extended coordinates (X:Y:Z:T), x = X/Z, y = Y/Z, xy = T/Z on −x² + y² = 1 + d·x²y². The addition
 * law is complete (d is not a square), so every curve point — small-order ones included — adds exactly as ref10.
 *
 * Verification and signing are variable-time: verification only sees public data; signing is for test keys.
 * Index reads are asserted non-null (`!`), not checked: the bounds are fixed by the algorithm, and
 * checks in the inner loops would cost this twin its speed.
 */
import { sha512 } from "./sha512.ts";
import { CryptoError } from "../errors.ts";

type Fe = Float64Array;
const LIMBS = 15;
const RADIX = 131072; // 2^17

const fe = (): Fe => new Float64Array(LIMBS);

function feFromBigInt(n: bigint): Fe {
  const o = fe();
  for (let i = 0; i < LIMBS; i++) {
    o[i] = Number(n & 0x1ffffn);
    n >>= 17n;
  }
  return o;
}

const P = 2n ** 255n - 19n;
const D_BIG = (P - ((121665n * modPow(121666n, P - 2n, P)) % P)) % P; // d = −121665/121666
const D = feFromBigInt(D_BIG);
const D2 = feFromBigInt((2n * D_BIG) % P);
const SQRT_M1 = feFromBigInt(modPow(2n, (P - 1n) / 4n, P));
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  for (; e > 0n; e >>= 1n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
  }
  return r;
}

function feCopy(o: Fe, a: Fe): void {
  o.set(a);
}

function feOne(z: Fe): void {
  z.fill(0);
  z[0] = 1;
}

function feAdd(o: Fe, a: Fe, b: Fe): void {
  for (let i = 0; i < LIMBS; i++) o[i] = a[i]! + b[i]!;
}

function feSub(o: Fe, a: Fe, b: Fe): void {
  for (let i = 0; i < LIMBS; i++) o[i] = a[i]! - b[i]!;
}

function feNeg(o: Fe, a: Fe): void {
  for (let i = 0; i < LIMBS; i++) o[i] = -a[i]!;
}

const b19 = new Float64Array(LIMBS);
const prod = new Float64Array(LIMBS);

/**
 * o = prod mod p with limbs back near 17 bits: two rounds in which every limb carries at once (short dependency
 * chains; the top carry folds in as ×19), then limb 0 carries once more. Output limbs are in [0, 2^17.6).
 */
function carryOut(o: Fe): void {
  for (let round = 0; round < 2; round++) {
    const top = Math.floor(prod[LIMBS - 1]! / RADIX);
    let carryIn = 19 * top;
    prod[LIMBS - 1] = prod[LIMBS - 1]! - top * RADIX;
    for (let i = 0; i < LIMBS - 1; i++) {
      const c = Math.floor(prod[i]! / RADIX);
      prod[i] = prod[i]! - c * RADIX + carryIn;
      carryIn = c;
    }
    prod[LIMBS - 1] = prod[LIMBS - 1]! + carryIn;
  }
  const c = Math.floor(prod[0]! / RADIX);
  prod[0] = prod[0]! - c * RADIX;
  prod[1] = prod[1]! + c;
  o.set(prod);
}

/** o = a·b mod p. Inputs may be sums or differences of a few outputs (|limb| < 2^21 keeps every sum exact). */
function feMul(o: Fe, a: Fe, b: Fe): void {
  for (let j = 0; j < LIMBS; j++) b19[j] = 19 * b[j]!;
  // limb k collects a_i·b_(k−i) and, folded from 2^(255 + 17k), 19·a_i·b_(k+15−i)
  for (let k = 0; k < LIMBS; k++) {
    let s = 0;
    for (let i = 0; i <= k; i++) s += a[i]! * b[k - i]!;
    for (let i = k + 1; i < LIMBS; i++) s += a[i]! * b19[k + LIMBS - i]!;
    prod[k] = s;
  }
  carryOut(o);
}

/** o = a² mod p: the symmetric products a_i·a_j (i ≠ j) are computed once and doubled. */
function feSquare(o: Fe, a: Fe): void {
  for (let j = 0; j < LIMBS; j++) b19[j] = 38 * a[j]!;
  for (let k = 0; k < LIMBS; k++) {
    let s = 0;
    // pairs i < j with i + j = k, then i < j with i + j = k + 15 (folded, hence 2·19 = 38)
    for (let i = 0, j = k; i < j; i++, j--) s += a[i]! * a[j]!;
    s *= 2;
    if ((k & 1) === 0) s += a[k >> 1]! * a[k >> 1]!;
    for (let i = k + 1, j = LIMBS - 1; i < j; i++, j--) s += a[i]! * b19[j]!;
    if (((k + LIMBS) & 1) === 0) s += 19 * a[(k + LIMBS) >> 1]! * a[(k + LIMBS) >> 1]!;
    prod[k] = s;
  }
  carryOut(o);
}

function feSquareN(o: Fe, a: Fe, n: number): void {
  feSquare(o, a);
  for (let i = 1; i < n; i++) feSquare(o, o);
}

/** Canonical 32-byte little-endian encoding (fully reduced mod p). */
function feToBytes(a: Fe): Uint8Array {
  const t = new Float64Array(a);
  // Carry passes (folding 2^255 ≡ 19) until every limb is in [0, 2^17): the value is then in [0, 2^255).
  for (let c = 1; c !== 0; ) {
    c = 0;
    for (let i = 0; i < LIMBS; i++) {
      const v = t[i]! + c;
      c = Math.floor(v / RADIX);
      t[i] = v - c * RADIX;
    }
    t[0] = t[0]! + 19 * c;
  }
  // value ≥ p exactly when value + 19 reaches 2^255; then the result is value + 19 − 2^255.
  const u = new Float64Array(t);
  u[0] = u[0]! + 19;
  let c = 0;
  for (let i = 0; i < LIMBS; i++) {
    const v = u[i]! + c;
    c = Math.floor(v / RADIX);
    u[i] = v - c * RADIX;
  }
  const r = c > 0 ? u : t;
  const out = new Uint8Array(32);
  let acc = 0;
  let bits = 0;
  let k = 0;
  for (let i = 0; i < LIMBS; i++) {
    acc += r[i]! * 2 ** bits;
    bits += 17;
    while (bits >= 8) {
      out[k++] = acc % 256;
      acc = Math.floor(acc / 256);
      bits -= 8;
    }
  }
  if (k < 32) out[k] = acc;
  return out;
}

/** Reads 255 bits (the top bit of byte 31 is ignored); values in [p, 2^255) are accepted and reduce naturally. */
function feFromBytes(s: Uint8Array): Fe {
  const o = fe();
  let acc = 0;
  let bits = 0;
  let k = 0;
  for (let i = 0; i < LIMBS; i++) {
    while (bits < 17) {
      acc += (k === 31 ? s[k]! & 0x7f : s[k]!) * 2 ** bits;
      k++;
      bits += 8;
    }
    o[i] = acc % RADIX;
    acc = Math.floor(acc / RADIX);
    bits -= 17;
  }
  return o;
}

function feIsZero(a: Fe): boolean {
  return feToBytes(a).every((b) => b === 0);
}

function feIsNegative(a: Fe): number {
  return feToBytes(a)[0]! & 1;
}

const t0 = fe(), t1 = fe(), t2 = fe(), t3 = fe();

/** o = z^(2^250 − 1); also leaves z^11 in `z11` (shared prefix of inversion and the square-root power). */
function pow2250m1(o: Fe, z11: Fe, z: Fe): void {
  feSquare(t0, z); // z^2
  feSquareN(t1, t0, 2); // z^8
  feMul(t1, z, t1); // z^9
  feMul(z11, t0, t1); // z^11
  feSquare(t0, z11); // z^22
  feMul(t1, t1, t0); // z^31 = z^(2^5 − 1)
  feSquareN(t0, t1, 5);
  feMul(t1, t0, t1); // 2^10 − 1
  feSquareN(t0, t1, 10);
  feMul(t2, t0, t1); // 2^20 − 1
  feSquareN(t0, t2, 20);
  feMul(t0, t0, t2); // 2^40 − 1
  feSquareN(t0, t0, 10);
  feMul(t1, t0, t1); // 2^50 − 1
  feSquareN(t0, t1, 50);
  feMul(t2, t0, t1); // 2^100 − 1
  feSquareN(t0, t2, 100);
  feMul(t0, t0, t2); // 2^200 − 1
  feSquareN(t0, t0, 50);
  feMul(o, t0, t1); // 2^250 − 1
}

/** o = 1/z = z^(p − 2) = z^(2^255 − 21). */
function feInvert(o: Fe, z: Fe): void {
  pow2250m1(t3, o, z);
  feSquareN(t3, t3, 5);
  feMul(o, t3, o);
}

/** o = z^((p − 5)/8) = z^(2^252 − 3). */
function fePow22523(o: Fe, z: Fe): void {
  const z11 = fe();
  pow2250m1(t3, z11, z);
  feSquareN(t3, t3, 2);
  feMul(o, t3, z);
}

// ---------------------------------------------------------------------------------------------------------------
// Points

interface Point {
  X: Fe;
  Y: Fe;
  Z: Fe;
  T: Fe;
}

/** A point prepared for addition: (Y + X, Y − X, 2d·T, 2Z). */
interface Cached {
  YpX: Fe;
  YmX: Fe;
  T2d: Fe;
  Z2: Fe;
}

const point = (): Point => ({ X: fe(), Y: fe(), Z: fe(), T: fe() });

function identity(p: Point): void {
  p.X.fill(0);
  feOne(p.Y);
  feOne(p.Z);
  p.T.fill(0);
}

function toCached(p: Point): Cached {
  const c = { YpX: fe(), YmX: fe(), T2d: fe(), Z2: fe() };
  feAdd(c.YpX, p.Y, p.X);
  feSub(c.YmX, p.Y, p.X);
  feMul(c.T2d, p.T, D2);
  feAdd(c.Z2, p.Z, p.Z);
  return c;
}

const pa = fe(), pb = fe(), pc = fe(), pd = fe(), pe = fe(), pf = fe(), pg = fe(), ph = fe();

/** r = p + q (or p − q when `minus`), complete addition for a = −1 (add-2008-hwcd-3). */
function addCached(r: Point, p: Point, q: Cached, minus: boolean): void {
  feAdd(pa, p.Y, p.X);
  feSub(pb, p.Y, p.X);
  feMul(pa, pa, minus ? q.YmX : q.YpX);
  feMul(pb, pb, minus ? q.YpX : q.YmX);
  feMul(pc, p.T, q.T2d);
  feMul(pd, p.Z, q.Z2);
  if (minus) feNeg(pc, pc);
  feSub(pe, pa, pb);
  feSub(pf, pd, pc);
  feAdd(pg, pd, pc);
  feAdd(ph, pa, pb);
  feMul(r.X, pe, pf);
  feMul(r.Y, pg, ph);
  feMul(r.T, pe, ph);
  feMul(r.Z, pf, pg);
}

/**
 * r = 2p (dbl-2008-hwcd, a = −1). With A = X², B = Y², C = 2Z² the formula's E, F, G, H are computed negated
 * (−E = A + B − (X + Y)², −G = A − B, −F = C − G, −H = A + B); the signs cancel in every product.
 * T is only needed by a following addition, so a chain of doublings may skip it (`withT` false).
 */
function double(r: Point, p: Point, withT = true): void {
  feSquare(pa, p.X);
  feSquare(pb, p.Y);
  feSquare(pc, p.Z);
  feAdd(pc, pc, pc);
  feAdd(ph, pa, pb);
  feAdd(pe, p.X, p.Y);
  feSquare(pe, pe);
  feSub(pe, ph, pe);
  feSub(pg, pa, pb);
  feAdd(pf, pc, pg);
  feMul(r.X, pe, pf);
  feMul(r.Y, pg, ph);
  if (withT) feMul(r.T, pe, ph);
  feMul(r.Z, pf, pg);
}

/** Signed-digit (width-w NAF) form of a 256-bit little-endian scalar: odd digits |d| < 2^(w−1), zeros between. */
function naf(scalar: Uint8Array, w: number): Int8Array {
  const bits = new Uint8Array(256 + w + 1);
  for (let i = 0; i < 256; i++) bits[i] = (scalar[i >> 3]! >> (i & 7)) & 1;
  const out = new Int8Array(257);
  for (let i = 0; i < 257; ) {
    if (bits[i] === 0) {
      i++;
      continue;
    }
    let v = 0;
    for (let j = 0; j < w; j++) {
      v |= bits[i + j]! << j;
      bits[i + j] = 0;
    }
    if (v >= 1 << (w - 1)) {
      v -= 1 << w;
      let k = i + w; // add the borrowed 2^(i+w)
      while (bits[k] === 1) bits[k++] = 0;
      bits[k] = 1;
    }
    out[i] = v;
    i += w;
  }
  return out;
}

/** Cached odd multiples p, 3p, …, (2^(w−1) − 1)p. */
function oddMultiples(p: Point, w: number): Cached[] {
  const table = [toCached(p)];
  const p2 = point();
  double(p2, p);
  const c2 = toCached(p2);
  const acc = point();
  copyPoint(acc, p);
  for (let i = 1; i < 1 << (w - 2); i++) {
    addCached(acc, acc, c2, false);
    table.push(toCached(acc));
  }
  return table;
}

function copyPoint(o: Point, p: Point): void {
  feCopy(o.X, p.X);
  feCopy(o.Y, p.Y);
  feCopy(o.Z, p.Z);
  feCopy(o.T, p.T);
}

const BASE_W = 8;
const VAR_W = 5;
let baseTable: Cached[] | undefined;

function basePoint(): Point {
  const y = (4n * modPow(5n, P - 2n, P)) % P;
  const p = point();
  const bytes = new Uint8Array(32);
  for (let i = 0, v = y; i < 32; i++, v >>= 8n) bytes[i] = Number(v & 0xffn);
  if (!decodePoint(p, bytes)) throw new CryptoError({ code: "CRYPTO_INVARIANT", detail: "ed25519: base point does not decode" });
  return p;
}

/** r = Σ [scalar_i] P_i over (digits, table) pairs, by one shared chain of doublings (Straus). */
function multiScalarMul(r: Point, terms: [Int8Array, Cached[]][]): void {
  // Positions holding a digit of any term: the doubling before them must produce T for the addition.
  const used = new Uint8Array(257);
  for (const [digits] of terms) for (let i = 0; i < 257; i++) if (digits[i] !== 0) used[i] = 1;
  identity(r);
  let top = 256;
  while (top >= 0 && used[top] === 0) top--;
  for (let i = top; i >= 0; i--) {
    double(r, r, used[i] === 1);
    for (const [digits, table] of terms) {
      const d = digits[i]!;
      if (d > 0) addCached(r, r, table[d >> 1]!, false);
      else if (d < 0) addCached(r, r, table[-d >> 1]!, true);
    }
  }
}

function baseMul(r: Point, scalar: Uint8Array): void {
  baseTable ??= oddMultiples(basePoint(), BASE_W);
  multiScalarMul(r, [[naf(scalar, BASE_W), baseTable]]);
}

function encodePoint(p: Point): Uint8Array {
  const zi = fe(), x = fe(), y = fe();
  feInvert(zi, p.Z);
  feMul(x, p.X, zi);
  feMul(y, p.Y, zi);
  const out = feToBytes(y);
  out[31]! |= feIsNegative(x) << 7;
  return out;
}

/**
 * Decodes a point with ref10's rules: y from the low 255 bits (non-canonical y accepted), x from the square root
 * of (y² − 1)/(d·y² + 1); fails only when that has no root. The sign bit is applied even to x = 0.
 */
function decodePoint(p: Point, s: Uint8Array): boolean {
  const y = feFromBytes(s);
  const u = fe(), v = fe(), v3 = fe(), x = fe(), check = fe();
  const one = fe();
  feOne(one);
  feSquare(u, y);
  feMul(v, u, D);
  feSub(u, u, one); // u = y² − 1
  feAdd(v, v, one); // v = d·y² + 1
  feSquare(v3, v);
  feMul(v3, v3, v); // v³
  feSquare(x, v3);
  feMul(x, x, v);
  feMul(x, x, u); // u·v⁷
  fePow22523(x, x);
  feMul(x, x, v3);
  feMul(x, x, u); // candidate root u·v³·(u·v⁷)^((p−5)/8)
  feSquare(check, x);
  feMul(check, check, v); // v·x²
  feSub(v3, check, u);
  if (!feIsZero(v3)) {
    feAdd(v3, check, u);
    if (!feIsZero(v3)) return false;
    feMul(x, x, SQRT_M1);
  }
  if (feIsNegative(x) !== s[31]! >> 7) feNeg(x, x);
  feCopy(p.X, x);
  feCopy(p.Y, y);
  feOne(p.Z);
  feMul(p.T, x, y);
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Scalars (mod L) with BigInt: a few operations per signature.

function bytesToBigLE(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]!);
  return n;
}

function bigToBytes32LE(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}

const reduceL = (b: Uint8Array): bigint => bytesToBigLE(b) % L;

/**
 * Ed25519 verification exactly as bitmarkd 8.2: 64-byte signature with sig[63] & 0xe0 == 0 (no S < L check),
 * public key decoded with ref10 rules, h = SHA-512(R ‖ A ‖ M) mod L, accept iff encode([S]B − [h]A) == R.
 */
export function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64 || (signature[63]! & 0xe0) !== 0) return false;
  const a = point();
  if (!decodePoint(a, publicKey)) return false;
  const rBytes = signature.subarray(0, 32);
  const h = bigToBytes32LE(reduceL(sha512(rBytes, publicKey, message)));
  baseTable ??= oddMultiples(basePoint(), BASE_W);
  const r = point();
  // [S]B + [h](−A): the −A is applied by subtracting the multiples of A.
  const negH = naf(h, VAR_W).map((d) => -d);
  multiScalarMul(r, [[naf(signature.subarray(32, 64), BASE_W), baseTable], [negH, oddMultiples(a, VAR_W)]]);
  const enc = encodePoint(r);
  for (let i = 0; i < 32; i++) if (enc[i] !== rBytes[i]) return false;
  return true;
}

function expandSeed(seed: Uint8Array): { scalar: Uint8Array; prefix: Uint8Array; publicKey: Uint8Array } {
  if (seed.length !== 32) throw new RangeError(`ed25519: seed must be 32 bytes, got ${seed.length}`);
  const h = sha512(seed);
  const scalar = h.slice(0, 32);
  scalar[0]! &= 248;
  scalar[31]! &= 127;
  scalar[31]! |= 64;
  const a = point();
  baseMul(a, scalar);
  return { scalar, prefix: h.slice(32, 64), publicKey: encodePoint(a) };
}

/** RFC 8032 public key of a 32-byte seed. */
export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  return expandSeed(seed).publicKey;
}

/** Deterministic RFC 8032 signature (R ‖ S, 64 bytes) of `message` with the key pair of `seed`. */
export function ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array {
  const { scalar, prefix, publicKey } = expandSeed(seed);
  const r = reduceL(sha512(prefix, message));
  const R = point();
  baseMul(R, bigToBytes32LE(r));
  const rEnc = encodePoint(R);
  const k = reduceL(sha512(rEnc, publicKey, message));
  const s = (r + k * bytesToBigLE(scalar)) % L;
  const sig = new Uint8Array(64);
  sig.set(rEnc, 0);
  sig.set(bigToBytes32LE(s), 32);
  return sig;
}
