/**
 * The jsonrpc envelope as Go's net/rpc + net/rpc/jsonrpc server codec reads and writes it (rpc.md §4.2–4.4):
 * pure functions from one request value's text to what the connection does with it, and from a method's outcome
 * to the reply line.
 *
 *   parseRequest(text)      → RpcRequest, or undefined: the header cannot be decoded → close without a reply
 *   findMethod(table, name) → the method, or net/rpc's error text for the name
 *   argumentOf(params)      → element 0 of `params`, or the jsonrpc/json error text
 *   resultLine / errorLine  → `{"id":…,"result":…,"error":…}\n`
 *
 * Go facts kept: header keys match case-insensitively (encoding/json), the last duplicate wins; `method` must be
 * a string (else the header fails); `params` null counts as missing; `id` is echoed as its raw JSON compacted
 * with Go's HTML escaping (json.RawMessage through Encoder.Encode); an absent id is `null`; the service is what
 * precedes the LAST dot; a name error is reported before the params are looked at.
 */
import { JsonNumber, parseJsonExact } from "./go-decode.ts";
import { goStringify } from "./go-json.ts";
import type { MethodTable, RpcMethod } from "./method.ts";

export interface RpcRequest {
  /** raw JSON text of the id, compacted; `null` when absent */
  id: string;
  method: string;
  /** the parsed `params` value; undefined when absent or null */
  params: unknown;
}

/** Go's case folding of the three header names (`ſ` folds to `s`). */
function fold(key: string): string {
  return key.toLowerCase().replace(/ſ/g, "s");
}

export function parseRequest(text: string): RpcRequest | undefined {
  let value: unknown;
  try {
    value = parseJsonExact(text); // numbers keep their text: u64 arguments above 2^53 stay exact
  } catch {
    return undefined;
  }
  if (value === null) return { id: "null", method: "", params: undefined };
  if (typeof value !== "object" || Array.isArray(value)) return undefined;
  let method = "";
  let params: unknown;
  let hasId = false;
  for (const [key, v] of Object.entries(value)) {
    switch (fold(key)) {
      case "method":
        if (typeof v === "string") method = v;
        else if (v !== null) return undefined;
        break;
      case "params":
        params = v ?? undefined;
        break;
      case "id":
        hasId = true;
        break;
    }
  }
  return { id: hasId ? rawId(text) : "null", method, params };
}

/** The raw text of the last top-level member whose key folds to `id`, compacted as Go re-encodes it. */
function rawId(text: string): string {
  let found = "null";
  let i = text.indexOf("{") + 1;
  for (;;) {
    i = skipSpace(text, i);
    if (text[i] !== '"') return found;
    const keyEnd = stringEnd(text, i);
    const key = text.slice(i, keyEnd);
    i = skipSpace(text, keyEnd) + 1; // ':'
    const start = skipSpace(text, i);
    const end = valueEnd(text, start);
    if (fold(key.includes("\\") ? (JSON.parse(key) as string) : key.slice(1, -1)) === "id") {
      const raw = text.slice(start, end);
      found = raw === "null" ? "null" : compactJson(raw);
    }
    i = skipSpace(text, end);
    if (text[i] !== ",") return found;
    i++;
  }
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && (text[i] === " " || text[i] === "\n" || text[i] === "\r" || text[i] === "\t")) i++;
  return i;
}

/** Index after the closing quote of the string starting at `i` (valid JSON assumed). */
function stringEnd(text: string, i: number): number {
  for (i++; ; i++) {
    const c = text[i];
    if (c === "\\") i++;
    else if (c === '"') return i + 1;
  }
}

/** Index after the value starting at `i` (valid JSON assumed). */
function valueEnd(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return stringEnd(text, i);
  if (c === "{" || c === "[") {
    let depth = 0;
    for (; ; i++) {
      const d = text[i];
      if (d === '"') i = stringEnd(text, i) - 1;
      else if (d === "{" || d === "[") depth++;
      else if ((d === "}" || d === "]") && --depth === 0) return i + 1;
    }
  }
  while (i < text.length && !",}] \n\r\t".includes(text.charAt(i))) i++;
  return i;
}

/** `\u003c` for `<`: Go's HTMLEscape writes the character's code as four lower-case hex digits. */
const htmlEscape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** Go's json.Compact with HTML escaping: white space outside strings removed, `<>&` U+2028/9 escaped. */
export function compactJson(raw: string): string {
  if (!/[\s<>&\u2028\u2029]/.test(raw)) return raw;
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charAt(i);
    if (c === '"') {
      const end = stringEnd(raw, i);
      out += raw.slice(i, end).replace(/[<>&\u2028\u2029]/g, htmlEscape);
      i = end - 1;
    } else if (c !== " " && c !== "\n" && c !== "\r" && c !== "\t") out += c;
  }
  return out;
}

/** The service names of a table (`Node` for `Node.Info`), for net/rpc's two "can't find" texts. */
export function servicesOf<D>(table: MethodTable<D>): ReadonlySet<string> {
  return new Set(Object.keys(table).map((name) => name.slice(0, name.lastIndexOf("."))));
}

export function findMethod<D>(table: MethodTable<D>, services: ReadonlySet<string>, name: string): RpcMethod<D> | string {
  const dot = name.lastIndexOf(".");
  if (dot < 0) return `rpc: service/method request ill-formed: ${name}`;
  if (!services.has(name.slice(0, dot))) return `rpc: can't find service ${name}`;
  return (Object.hasOwn(table, name) ? table[name] : undefined) ?? `rpc: can't find method ${name}`;
}

const GO_KIND: Record<string, string> = { object: "object", string: "string", number: "number", boolean: "bool" };

/** Element 0 of `params` (undefined for `[]`), or the error text the jsonrpc codec gives. */
export function argumentOf(params: unknown): { arg: unknown } | { error: string } {
  if (params === undefined) return { error: "jsonrpc: request body missing params" };
  if (!Array.isArray(params)) {
    const kind = params instanceof JsonNumber ? "number" : GO_KIND[typeof params];
    return { error: `json: cannot unmarshal ${kind} into Go value of type [1]interface {}` };
  }
  return { arg: params[0] };
}

export function resultLine(id: string, result: unknown): string {
  return `{"id":${id},"result":${goStringify(result)},"error":null}\n`;
}

export function errorLine(id: string, text: string): string {
  return `{"id":${id},"result":null,"error":${goStringify(text)}}\n`;
}
