/**
 * Z85 (ZeroMQ RFC 32): 4 bytes ↔ 5 printable characters, big-endian base 85. Only key generation and key
 * display need it; bitmarkd stores and transmits raw keys (hex in files), never Z85.
 *
 * See docs/wire.md §2.1.
 */
import { at } from "../base/at.ts";
import { TransportError } from "./errors.ts";

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DIGIT[ALPHABET.charCodeAt(i)] = i;

/** Encodes bytes whose length is a multiple of 4. */
export function z85Encode(bytes: Uint8Array): string {
  if (bytes.length % 4 !== 0) throw new TransportError({ code: "Z85_INVALID" }, "z85: length must be a multiple of 4");
  let out = "";
  for (let i = 0; i < bytes.length; i += 4) {
    let v = new DataView(bytes.buffer, bytes.byteOffset + i, 4).getUint32(0);
    const chunk = new Array<string>(5);
    for (let j = 4; j >= 0; j--) {
      chunk[j] = at(ALPHABET, v % 85);
      v = Math.floor(v / 85);
    }
    out += chunk.join("");
  }
  return out;
}

/** Decodes text whose length is a multiple of 5; throws on a foreign character or a group above 2^32-1. */
export function z85Decode(text: string): Uint8Array {
  if (text.length % 5 !== 0) throw new TransportError({ code: "Z85_INVALID" }, "z85: length must be a multiple of 5");
  const out = new Uint8Array((text.length / 5) * 4);
  for (let i = 0, o = 0; i < text.length; i += 5, o += 4) {
    let v = 0;
    for (let j = 0; j < 5; j++) {
      const c = text.charCodeAt(i + j);
      const d = DIGIT[c] ?? -1; // beyond the table: not an alphabet character
      if (d < 0) throw new TransportError({ code: "Z85_INVALID" }, `z85: invalid character at ${i + j}`);
      v = v * 85 + d;
    }
    if (v > 0xffffffff) throw new TransportError({ code: "Z85_INVALID" }, `z85: group at ${i} out of range`);
    out[o] = v >>> 24;
    out[o + 1] = (v >>> 16) & 0xff;
    out[o + 2] = (v >>> 8) & 0xff;
    out[o + 3] = v & 0xff;
  }
  return out;
}
