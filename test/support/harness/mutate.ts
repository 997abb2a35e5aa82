/**
 * Input mutators for the fuzzers: bytes (bit flips, overwrites, insertions, deletions, truncation), text
 * (characters that matter to parsers: separators, brackets, digits, signs, spaces, non-ASCII) and JSON values
 * (a field replaced, removed or added with a value of any type).
 */
import type { Rng } from "./rng.ts";

/** A copy of `bytes` with one to four random edits. */
export function mutate(r: Rng, bytes: Uint8Array): Uint8Array {
  let out = Uint8Array.from(bytes);
  for (let k = 1 + r.below(4); k > 0 && out.length > 0; k--) {
    const at = r.below(out.length);
    switch (r.below(5)) {
      case 0:
        out[at] = out[at]! ^ (1 << r.below(8));
        break;
      case 1:
        out[at] = r.below(256);
        break;
      case 2:
        out = Uint8Array.from([...out.subarray(0, at), ...r.bytes(1 + r.below(8)), ...out.subarray(at)]);
        break;
      case 3:
        out = Uint8Array.from([...out.subarray(0, at), ...out.subarray(at + 1 + r.below(8))]);
        break;
      default:
        out = out.slice(0, at);
    }
  }
  return out;
}

const PALETTE = [..."0123456789abcdefABCDEF:.[]@=;, -+\t\n\r\0xX%/\\\"'", "\u00a0", "\u2028", "é", "😀", "\ufeff", "\ud800"];

/** A copy of `text` with one to four character edits. */
export function mutateText(r: Rng, text: string): string {
  let out = [...text];
  for (let k = 1 + r.below(4); k > 0; k--) {
    const at = r.below(out.length + 1);
    const c = r.pick(PALETTE);
    switch (r.below(4)) {
      case 0:
        out.splice(at, 0, c);
        break;
      case 1:
        out.splice(at, 1 + r.below(3));
        break;
      case 2:
        out[at] = c;
        break;
      default:
        out = out.slice(0, at);
    }
  }
  return out.join("");
}

/** Random text from the palette (length skewed short). */
export function randomText(r: Rng, max = 80): string {
  return Array.from({ length: r.length(max) }, () => r.pick(PALETTE)).join("");
}

/** A random JSON value of any type, nested at most `depth` levels. */
export function randomJson(r: Rng, depth = 2): unknown {
  switch (r.below(depth > 0 ? 8 : 6)) {
    case 0:
      return null;
    case 1:
      return r.chance(0.5);
    case 2:
      return r.pick([0, -1, 1, 0.5, 2 ** 53, 65535, 65536, Number.MAX_VALUE, 2136]);
    case 3:
      return randomText(r, 20);
    case 4:
      return r.pick(["127.0.0.1:2136", "[::1]:2136", "0.0.0.0:0", "local", "testing", "bitmark", "debug", "a".repeat(64)]);
    case 5:
      return "";
    case 6:
      return Array.from({ length: r.below(4) }, () => randomJson(r, depth - 1));
    default:
      return Object.fromEntries(Array.from({ length: r.below(4) }, () => [randomText(r, 10), randomJson(r, depth - 1)]));
  }
}

/** A deep copy of `value` with one field somewhere replaced, removed or added. */
export function mutateJson(r: Rng, value: unknown): unknown {
  const copy = structuredClone(value);
  const containers: (Record<string, unknown> | unknown[])[] = [];
  const walk = (v: unknown) => {
    if (v !== null && typeof v === "object") {
      containers.push(v as Record<string, unknown>);
      for (const x of Object.values(v)) walk(x);
    }
  };
  walk(copy);
  if (containers.length === 0) return randomJson(r);
  const c = r.pick(containers);
  const keys = Object.keys(c);
  const key = keys.length > 0 && r.chance(0.8) ? r.pick(keys) : Array.isArray(c) ? String(c.length) : randomText(r, 12);
  if (r.chance(0.25)) delete (c as Record<string, unknown>)[key];
  else (c as Record<string, unknown>)[key] = randomJson(r);
  return copy;
}
