/**
 * Comparisons of hashes with 256-bit targets: block digest vs difficulty, and the issue proof (reservoir TryProof).
 * Index reads are asserted non-null (`!`), not checked: the bounds are fixed by the algorithm, and
 * checks in the inner loops would cost this twin its speed.
 */
import { sha3_256 } from "./sha3.ts";

function check32(what: string, b: Uint8Array): void {
  if (b.length !== 32) throw new RangeError(`${what} must be 32 bytes, got ${b.length}`);
}

/** `digest` (storage order, read little-endian) ≤ `target` (big-endian). */
export function meetsDifficulty(digest: Uint8Array, target: Uint8Array): boolean {
  check32("digest", digest);
  check32("target", target);
  for (let i = 0; i < 32; i++) {
    const d = digest[31 - i]!;
    const t = target[i]!;
    if (d !== t) return d < t;
  }
  return true;
}

/** Index of the first CRC for which sha3-256(payId ‖ crc ‖ nonce), read big-endian, is ≤ target; −1 if none. */
export function proofCheck(payId: Uint8Array, crcs: Uint8Array[], nonce: Uint8Array, target: Uint8Array): number {
  check32("target", target);
  // every CRC is checked before any is tried, as in the addon: a bad one throws even after a qualifying one
  crcs.forEach((crc, k) => {
    if (crc.length !== 8) throw new RangeError(`crcs[${k}] must be 8 bytes, got ${crc.length}`);
  });
  const buf = new Uint8Array(payId.length + 8 + nonce.length);
  buf.set(payId, 0);
  buf.set(nonce, payId.length + 8);
  for (let k = 0; k < crcs.length; k++) {
    buf.set(crcs[k]!, payId.length);
    const h = sha3_256(buf);
    let i = 0;
    while (i < 32 && h[i] === target[i]) i++;
    if (i === 32 || h[i]! < target[i]!) return k;
  }
  return -1;
}
