/** Hex text helpers for bytes and for 32-byte digests in bitmarkd's display (byte-reversed) order. */

export function toHex(bytes: Uint8Array): string {
  // A copy, not a view: reaching `bytes.buffer` makes the engine materialise an ArrayBuffer for every small
  // array, which costs more than copying a few dozen bytes into the Buffer pool.
  return Buffer.from(bytes).toString("hex");
}

/** Strict hex → bytes: even length and hex digits only, else undefined. */
export function fromHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  return new Uint8Array(Buffer.from(text, "hex"));
}

/** Hex of the bytes in reverse order: how bitmarkd prints transaction ids, merkle roots and block digests. */
export function toDisplayHex(digest: Uint8Array): string {
  // Uint8Array.from copies: Buffer.slice() would be a view, and reverse() would then flip the caller's bytes
  return toHex(Uint8Array.from(digest).reverse());
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
