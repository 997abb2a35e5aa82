/**
 * Go's `%q` / strconv.Quote for byte strings. bitmarkd puts the received chain frame into its
 * `invalid chain` error text with `%q`, and Go's number-parse errors quote their input the same way, so the
 * exact escaping is part of the wire contract (docs/wire.md §3).
 *
 * Printability follows the Unicode tables of the JavaScript engine; Go 1.11 used Unicode 10, so a character
 * assigned after Unicode 10 is printed as is here where 8.2 would escape it as `\uNNNN`.
 */
import { at } from "../base/at.ts";

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

const SHORT_ESCAPES: Record<number, string> = {
  0x07: "\\a",
  0x08: "\\b",
  0x0c: "\\f",
  0x0a: "\\n",
  0x0d: "\\r",
  0x09: "\\t",
  0x0b: "\\v",
  0x22: '\\"',
  0x5c: "\\\\",
};

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

/**
 * Decodes one UTF-8 sequence at `i` the way Go's utf8.DecodeRune does: returns the rune and its width, or
 * null for an invalid or truncated sequence (Go then consumes exactly one byte as RuneError).
 */
function decodeRune(b: Uint8Array, i: number): { rune: number; width: number } | null {
  const b0 = at(b, i);
  if (b0 < 0x80) return { rune: b0, width: 1 };
  // Second-byte ranges exclude overlong forms, surrogates (ED A0..BF) and values above U+10FFFF.
  let width: number;
  let lo = 0x80;
  let hi = 0xbf;
  let rune: number;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    width = 2;
    rune = b0 & 0x1f;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    width = 3;
    rune = b0 & 0x0f;
    if (b0 === 0xe0) lo = 0xa0;
    if (b0 === 0xed) hi = 0x9f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    width = 4;
    rune = b0 & 0x07;
    if (b0 === 0xf0) lo = 0x90;
    if (b0 === 0xf4) hi = 0x8f;
  } else {
    return null;
  }
  if (i + width > b.length) return null;
  for (let k = 1; k < width; k++) {
    const c = at(b, i + k);
    if (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) return null;
    rune = (rune << 6) | (c & 0x3f);
  }
  return { rune, width };
}

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
function isPrint(rune: number): boolean {
  return rune === 0x20 || PRINTABLE.test(String.fromCodePoint(rune));
}

/** strconv.Quote of the bytes of `input` (a string is taken as its UTF-8 bytes). */
export function goQuote(input: Uint8Array | string): string {
  const b = typeof input === "string" ? new TextEncoder().encode(input) : input;
  let out = '"';
  for (let i = 0; i < b.length; ) {
    const d = decodeRune(b, i);
    if (d === null) {
      out += "\\x" + hex(at(b, i), 2);
      i += 1;
      continue;
    }
    i += d.width;
    const r = d.rune;
    const short = SHORT_ESCAPES[r];
    if (short !== undefined) out += short;
    else if (isPrint(r)) out += String.fromCodePoint(r);
    else if (r < 0x20 || r === 0x7f) out += "\\x" + hex(r, 2);
    else if (r < 0x10000) out += "\\u" + hex(r, 4);
    else out += "\\U" + hex(r, 8);
  }
  return out + '"';
}
