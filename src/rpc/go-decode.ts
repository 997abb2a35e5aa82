/**
 * Decoding of a method's argument the way bitmarkd 8.2's `net/rpc/jsonrpc` does it: Go 1.19 `encoding/json`
 * into the method's argument struct (rpc.md §4.2), driven by a small schema per struct.
 *
 * Rules kept from encoding/json: object keys match field names exactly or else case-insensitively (with Go's
 * folding of U+017F and U+212A), in document order, later keys overwriting earlier ones; unknown keys are
 * ignored; missing keys keep zero values; `null` sets pointers, slices and maps to nil and leaves anything
 * else alone (a TextUnmarshaler included); a type mismatch is remembered and decoding goes on, its text
 * (`json: cannot unmarshal X into Go struct field S.path of type T`) reported at the end unless a fatal error
 * comes first: an `UnmarshalText` failure (the type's own text, e.g. `not link`) or a malformed `,string`
 * value ends decoding at once and wins over any remembered mismatch, as in Go.
 *
 * Numbers: JSON.parse turns numbers into doubles, so a u64 above 2^53 would arrive rounded. `parseJsonExact`
 * keeps each number's source text (`JsonNumber`); the decoder accepts both forms.
 *
 * Deviation: Go validates UTF-8 of the raw request bytes; here the text is already a JavaScript string.
 */
import { fail, Fault } from "../base/fault.ts";
import { goQuote } from "../encoding/go-quote.ts";
import { utf8Bytes } from "../encoding/utf8.ts";
import { RpcError } from "./method.ts";
import { BunmarkError } from "../base/errors.ts";

/** A JSON number with its source text. */
export class JsonNumber {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }

  /** Written back as the number it was, digits unchanged. */
  toJSON(): unknown {
    return (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON(this.text); // not yet in TypeScript's lib
  }
}

/** JSON.parse keeping every number's source text as a JsonNumber (throws SyntaxError like JSON.parse). */
export function parseJsonExact(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) =>
    typeof value === "number" && context?.source !== undefined ? new JsonNumber(context.source) : value,
  );
}

/** How one Go type is decoded; `type` is its name as Go's errors print it. */
export type GoSchema =
  | { readonly kind: "string" }
  | { readonly kind: "int"; readonly type: "int" | "uint64"; readonly quoted?: boolean }
  | { readonly kind: "text"; readonly type: string; readonly parse: (text: string) => unknown; readonly zero: unknown }
  | { readonly kind: "struct"; readonly type: string; readonly fields: Readonly<Record<string, GoSchema>>; readonly pointer?: boolean }
  | { readonly kind: "slice"; readonly type: string; readonly elem: GoSchema }
  | { readonly kind: "map"; readonly type: string; readonly key: (text: string) => unknown; readonly value: GoSchema };

const INT_RANGE = { int: [-(2n ** 63n), 2n ** 63n - 1n], uint64: [0n, 2n ** 64n - 1n] } as const;

/** Schema constructors, so that method files read like Go struct declarations. */
export const go = {
  string: { kind: "string" } as GoSchema,
  int: { kind: "int", type: "int" } as GoSchema,
  uint64: { kind: "int", type: "uint64" } as GoSchema,
  /** `json:",string"` uint64 */
  uint64String: { kind: "int", type: "uint64", quoted: true } as GoSchema,
  text: (type: string, parse: (text: string) => unknown, zero: unknown = null): GoSchema => ({ kind: "text", type, parse, zero }),
  struct: (type: string, fields: Record<string, GoSchema>, pointer = false): GoSchema => ({ kind: "struct", type, fields, pointer }),
  slice: (type: string, elem: GoSchema): GoSchema => ({ kind: "slice", type, elem }),
  map: (type: string, key: (text: string) => unknown, value: GoSchema): GoSchema => ({ kind: "map", type, key, value }),
};

interface Context {
  /** name (without package) of the struct whose field is being decoded, null at the top */
  struct: string | null;
  path: string[];
  saved: string | null;
}

/** An error that ends decoding at once (see the top); `text`, Go's, becomes the RpcError reply. */
class Fatal extends BunmarkError<{ code: "DECODE_FATAL"; text: string }> {
  constructor(text: string) {
    super({ code: "DECODE_FATAL", text }, text);
  }
}

/** The value Go would hold for `schema` before decoding. */
function zeroOf(schema: GoSchema): unknown {
  switch (schema.kind) {
    case "string":
      return "";
    case "int":
      return 0n;
    case "text":
      return schema.zero;
    case "struct":
      return schema.pointer ? null : zeroStruct(schema.fields);
    case "slice":
    case "map":
      return null;
  }
}

function zeroStruct(fields: Readonly<Record<string, GoSchema>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(fields)) out[name] = zeroOf(s);
  return out;
}

/** Go's JSON kind word for a value in its errors. */
function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number" || v instanceof JsonNumber) return "number";
  if (typeof v === "string") return "string";
  return Array.isArray(v) ? "array" : "object";
}

function mismatch(ctx: Context, value: string, type: string): void {
  if (ctx.saved !== null) return;
  ctx.saved =
    ctx.struct !== null || ctx.path.length > 0
      ? `json: cannot unmarshal ${value} into Go struct field ${ctx.struct ?? ""}.${ctx.path.join(".")} of type ${type}`
      : `json: cannot unmarshal ${value} into Go value of type ${type}`;
}

function numberText(v: number | JsonNumber): string {
  return v instanceof JsonNumber ? v.text : String(v);
}

/** strconv.ParseInt/ParseUint(text, 10, 64) within the type's range, else undefined. */
function parseInteger(text: string, type: "int" | "uint64"): bigint | undefined {
  if (!(type === "int" ? /^-?\d+$/ : /^\d+$/).test(text)) return undefined;
  const n = BigInt(text);
  const [lo, hi] = INT_RANGE[type];
  return n >= lo && n <= hi ? n : undefined;
}

function invalidStringTag(what: string, type: string): string {
  return `json: invalid use of ,string struct tag, trying to unmarshal ${what} into ${type}`;
}

/** A `,string` integer: the quoted text goes through Go's literal decoding with fromQuoted set. */
function decodeQuotedInt(v: unknown, type: "int" | "uint64", current: unknown, ctx: Context): unknown {
  if (v === null) return current;
  if (typeof v !== "string") {
    if (ctx.saved === null) ctx.saved = invalidStringTag("unquoted value", type);
    return current;
  }
  if (v === "") {
    if (ctx.saved === null) ctx.saved = invalidStringTag('""', type);
    return current;
  }
  if (v === "null") return current;
  const c = v.charAt(0);
  if (c === '"') {
    try {
      if (typeof JSON.parse(v) === "string") {
        mismatch(ctx, "string", type);
        return current;
      }
    } catch {
      // not a JSON string: Go refuses it below
    }
  }
  if (c !== "-" && (c < "0" || c > "9")) throw new Fatal(invalidStringTag(goQuote(v), type));
  const n = parseInteger(v, type);
  if (n === undefined) mismatch(ctx, `number ${v}`, type);
  return n ?? current;
}

/** Field of `fields` for a JSON key, with its schema: exact name first, then Go's case folding. */
function fieldFor(fields: Readonly<Record<string, GoSchema>>, key: string): [string, GoSchema] | undefined {
  const exact = Object.hasOwn(fields, key) ? fields[key] : undefined;
  if (exact !== undefined) return [key, exact];
  const folded = foldKey(key);
  return Object.entries(fields).find(([f]) => foldKey(f) === folded);
}

function foldKey(s: string): string {
  return s.replace(/\u017f/g, "s").replace(/\u212a/g, "k").toLowerCase();
}

function decodeValue(v: unknown, schema: GoSchema, current: unknown, ctx: Context): unknown {
  switch (schema.kind) {
    case "string":
      if (v === null) return current;
      if (typeof v === "string") return v;
      mismatch(ctx, kindOf(v), "string");
      return current;
    case "int":
      if (schema.quoted) return decodeQuotedInt(v, schema.type, current, ctx);
      if (v === null) return current;
      if (typeof v === "number" || v instanceof JsonNumber) {
        const text = numberText(v);
        const n = parseInteger(text, schema.type);
        if (n === undefined) mismatch(ctx, `number ${text}`, schema.type);
        return n ?? current;
      }
      mismatch(ctx, kindOf(v), schema.type);
      return current;
    case "text":
      // null sets a pointer (`*account.Account`) to nil; a TextUnmarshaler value is left alone
      if (v === null) return schema.type.startsWith("*") ? null : current;
      if (typeof v !== "string") {
        mismatch(ctx, kindOf(v), schema.type);
        return current;
      }
      try {
        return schema.parse(v);
      } catch (e) {
        if (e instanceof Fault || e instanceof RpcError) throw new Fatal(e.message);
        throw e;
      }
    case "struct": {
      if (v === null) return schema.pointer ? null : current;
      if (kindOf(v) !== "object") {
        mismatch(ctx, kindOf(v), schema.type);
        return current;
      }
      const out = { ...((current as Record<string, unknown> | null) ?? zeroStruct(schema.fields)) };
      const outer = { struct: ctx.struct, depth: ctx.path.length };
      for (const [key, value] of Object.entries(v as Record<string, unknown>)) {
        const found = fieldFor(schema.fields, key);
        if (found === undefined) continue;
        const [field, fieldSchema] = found;
        ctx.struct = schema.type.slice(schema.type.lastIndexOf(".") + 1);
        ctx.path.push(field);
        out[field] = decodeValue(value, fieldSchema, out[field], ctx);
        ctx.path.length = outer.depth;
        ctx.struct = outer.struct;
      }
      return out;
    }
    case "slice":
      if (v === null) return null;
      if (!Array.isArray(v)) {
        mismatch(ctx, kindOf(v), schema.type);
        return current;
      }
      return v.map((item) => decodeValue(item, schema.elem, zeroOf(schema.elem), ctx));
    case "map": {
      if (v === null) return null;
      if (kindOf(v) !== "object") {
        mismatch(ctx, kindOf(v), schema.type);
        return current;
      }
      const out = new Map<unknown, unknown>((current as Map<unknown, unknown> | null) ?? []);
      for (const [key, value] of Object.entries(v as Record<string, unknown>)) {
        const decoded = decodeValue(value, schema.value, zeroOf(schema.value), ctx);
        let k: unknown;
        try {
          k = schema.key(key);
        } catch (e) {
          if (e instanceof Fault || e instanceof RpcError) throw new Fatal(e.message);
          throw e;
        }
        out.set(k, decoded);
      }
      return out;
    }
  }
}

/**
 * Decodes a method argument (element 0 of `params`, `undefined` for `[]`) into `schema`'s shape. Throws an
 * RpcError with Go's text on failure.
 */
export function decodeArgument<T>(arg: unknown, schema: GoSchema): T {
  const zero = schema.kind === "struct" ? zeroStruct(schema.fields) : zeroOf(schema);
  // `[null]` leaves net/rpc's freshly allocated argument untouched, like `[]`.
  if (arg === undefined || arg === null) return zero as T;
  const ctx: Context = { struct: null, path: [], saved: null };
  try {
    const out = decodeValue(arg, schema, zero, ctx);
    if (ctx.saved !== null) throw new RpcError(ctx.saved);
    return out as T;
  } catch (e) {
    if (e instanceof Fatal) throw new RpcError(e.type.text);
    throw e;
  }
}

// ---- Go's hex decoding and bitmarkd's text types (rpc.md §5) -------------------------------------------

/** `%#U` of one byte as a rune: `U+007A 'z'`, without the quoted form when Go does not consider it printable. */
function runeText(byte: number): string {
  const ch = String.fromCodePoint(byte);
  const printable = byte === 0x20 || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch);
  return `U+${byte.toString(16).toUpperCase().padStart(4, "0")}${printable ? ` '${ch}'` : ""}`;
}

function nibble(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** Go's hex.DecodeString on the UTF-8 bytes of `text`, with its error texts. */
export function goHexDecode(text: string): Uint8Array {
  const src = utf8Bytes(text);
  const out = new Uint8Array(src.length >> 1);
  // byte by byte in order, as Go checks each pair's first then second byte, and an odd last byte before the length
  let high: number | undefined;
  let n = 0;
  for (const c of src) {
    const v = nibble(c);
    if (v < 0) throw new RpcError(`encoding/hex: invalid byte: ${runeText(c)}`);
    if (high === undefined) high = v;
    else {
      out[n++] = (high << 4) | v;
      high = undefined;
    }
  }
  if (high !== undefined) throw new RpcError("encoding/hex: odd length hex string");
  return out;
}

/** Hex of exactly `length` bytes: a wrong decoded length is `wrong` (checked before the digits, as in 8.2). */
export function fixedHex(text: string, length: number, wrong: "not link" | "not a pay id"): Uint8Array {
  if (utf8Bytes(text).length >> 1 !== length) fail(wrong);
  return goHexDecode(text);
}
