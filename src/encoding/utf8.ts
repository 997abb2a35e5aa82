/**
 * UTF-8 as Go sees it: record strings are raw bytes, limits count code points with every invalid byte
 * counting as one (utf8.RuneCount), and JSON output replaces each invalid byte by U+FFFD.
 */
import { at } from "../base/at.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function utf8Bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0 if the bytes there are not one. */
function sequenceLength(b: Uint8Array, i: number): number {
  const c = at(b, i);
  if (c < 0x80) return 1;
  let len: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) len = 2;
  else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    if (c === 0xe0) lo = 0xa0; // overlong
    if (c === 0xed) hi = 0x9f; // surrogates
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    if (c === 0xf0) lo = 0x90; // overlong
    if (c === 0xf4) hi = 0x8f; // above U+10FFFF
  } else return 0;
  if (i + len > b.length) return 0;
  const second = at(b, i + 1);
  if (second < lo || second > hi) return 0;
  for (let k = 2; k < len; k++) if ((at(b, i + k) & 0xc0) !== 0x80) return 0;
  return len;
}

/** Number of code points, each invalid byte counting as one. */
export function codePointCount(bytes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bytes.length; n++) i += sequenceLength(bytes, i) || 1;
  return n;
}

/** Decodes UTF-8, replacing each invalid byte by U+FFFD (Go's JSON rendering of a string). */
export function utf8Text(bytes: Uint8Array): string {
  let ascii = true;
  for (const b of bytes) if (b >= 0x80) ascii = false;
  if (ascii) return String.fromCharCode(...bytes);
  let out = "";
  for (let i = 0; i < bytes.length; ) {
    const len = sequenceLength(bytes, i);
    out += len === 0 ? "\ufffd" : decoder.decode(bytes.subarray(i, i + len));
    i += len || 1;
  }
  return out;
}
