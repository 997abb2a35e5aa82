/**
 * Listener addresses (util/canonical.go): `host:port` text, the canonical text form, and the packed
 * `[length, port hi, port lo, ip…]` entries that peers exchange in `R` and `peer` messages (docs/wire.md §6.1).
 *
 * An address keeps its IP in the length it was obtained with, as Go's net.IP does: 16 bytes for anything
 * parsed from text (so IPv4 packs as a 19-byte IPv4-mapped entry, as bitmarkd emits it) and 4 or 16 bytes
 * for decoded entries.
 */
import { lookup } from "node:dns/promises";
import { at } from "../base/at.ts";
import { Fault, fail } from "../base/fault.ts";
import { goQuote } from "../encoding/go-quote.ts";
import { BunmarkError } from "../base/errors.ts";

export interface Connection {
  /** 4-byte IPv4 or 16-byte IPv6 / IPv4-mapped address. */
  readonly ip: Uint8Array;
  readonly port: number;
}

/** A port that Go's strconv.Atoi rejects; the message is Go's text, e.g. `strconv.Atoi: parsing "x": invalid syntax`. */
export class PortSyntaxError extends BunmarkError<{ code: "PORT_SYNTAX"; port: string; problem: "invalid syntax" | "value out of range" }> {
  constructor(port: string, problem: "invalid syntax" | "value out of range") {
    super({ code: "PORT_SYNTAX", port, problem }, `strconv.Atoi: parsing ${goQuote(port)}: ${problem}`);
  }
}

const V4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/** Go net.SplitHostPort; any failure is bitmarkd's `invalid IP Address`. */
function splitHostPort(text: string): { host: string; port: string } {
  const colon = text.lastIndexOf(":");
  if (colon < 0) fail("invalid IP Address");
  let host: string;
  let j = 0;
  let k = 0;
  if (text[0] === "[") {
    const end = text.indexOf("]");
    if (end < 0 || end + 1 !== colon) fail("invalid IP Address");
    host = text.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = text.slice(0, colon);
    if (host.includes(":")) fail("invalid IP Address");
  }
  if (text.slice(j).includes("[") || text.slice(k).includes("]")) fail("invalid IP Address");
  return { host, port: text.slice(colon + 1) };
}

/** Go's dtoi: leading decimal digits (at least one), stopping at a value too big to matter. */
function decimalPrefix(s: string): { n: number; used: number } | null {
  let n = 0;
  let used = 0;
  for (let c = s.charCodeAt(used); c >= 48 && c <= 57; c = s.charCodeAt(used)) {
    n = n * 10 + (c - 48);
    if (n >= 0xffffff) return null;
    used++;
  }
  return used === 0 ? null : { n, used };
}

/** Go's xtoi: leading hex digits (at least one). */
function hexPrefix(s: string): { n: number; used: number } | null {
  let n = 0;
  let used = 0;
  for (; used < s.length; used++) {
    const d = parseInt(s.charAt(used), 16);
    if (Number.isNaN(d)) break;
    n = n * 16 + d;
    if (n >= 0xffffff) return null;
  }
  return used === 0 ? null : { n, used };
}

/**
 * Dotted IPv4 as Go 1.11 parsed it (leading zeros are read as decimal, as 8.2's Go did); returns the
 * 16-byte IPv4-mapped form.
 */
function parseIPv4(s: string): Uint8Array | null {
  const ip = new Uint8Array(16);
  ip.set(V4_MAPPED_PREFIX);
  for (let i = 0; i < 4; i++) {
    if (s.length === 0) return null;
    if (i > 0) {
      if (s[0] !== ".") return null;
      s = s.slice(1);
    }
    const d = decimalPrefix(s);
    if (d === null || d.n > 0xff) return null;
    ip[12 + i] = d.n;
    s = s.slice(d.used);
  }
  return s.length === 0 ? ip : null;
}

/** IPv6 text (with optional `::` and trailing dotted IPv4, no zone) as Go's parseIPv6 reads it. */
function parseIPv6(s: string): Uint8Array | null {
  const ip = new Uint8Array(16);
  let ellipsis = -1;
  if (s.startsWith("::")) {
    ellipsis = 0;
    s = s.slice(2);
    if (s.length === 0) return ip;
  }
  let i = 0;
  while (i < 16) {
    const h = hexPrefix(s);
    if (h === null || h.n > 0xffff) return null;
    if (h.used < s.length && s[h.used] === ".") {
      if ((ellipsis < 0 && i !== 12) || i + 4 > 16) return null;
      const v4 = parseIPv4(s);
      if (v4 === null) return null;
      ip.set(v4.subarray(12), i);
      s = "";
      i += 4;
      break;
    }
    ip[i] = h.n >> 8;
    ip[i + 1] = h.n & 0xff;
    i += 2;
    s = s.slice(h.used);
    if (s.length === 0) break;
    if (s[0] !== ":" || s.length === 1) return null;
    s = s.slice(1);
    if (s[0] === ":") {
      if (ellipsis >= 0) return null;
      ellipsis = i;
      s = s.slice(1);
      if (s.length === 0) break;
    }
  }
  if (s.length !== 0) return null;
  if (i < 16) {
    if (ellipsis < 0) return null;
    const shift = 16 - i;
    ip.copyWithin(ellipsis + shift, ellipsis, i);
    ip.fill(0, ellipsis, ellipsis + shift);
  } else if (ellipsis >= 0) {
    return null;
  }
  return ip;
}

/** Go net.ParseIP: the first `.` or `:` decides the family; null when `s` is not an IP literal. */
export function parseIP(s: string): Uint8Array | null {
  for (const c of s) {
    if (c === ".") return parseIPv4(s);
    if (c === ":") return parseIPv6(s);
  }
  return null;
}

const INT64_LIMIT = 1n << 63n;
const UINT64_MAX = (1n << 64n) - 1n;

/** Go strconv.Atoi, then bitmarkd's 1…65535 range check. */
function parsePort(text: string): number {
  const syntax = () => new PortSyntaxError(text, "invalid syntax");
  const range = () => new PortSyntaxError(text, "value out of range");
  const negative = text[0] === "-";
  const digits = text[0] === "-" || text[0] === "+" ? text.slice(1) : text;
  if (digits.length === 0) throw syntax();
  let n = 0n;
  for (const c of digits) {
    if (c < "0" || c > "9") throw syntax();
    n = n * 10n + BigInt(c.charCodeAt(0) - 48);
    if (n > UINT64_MAX) throw range();
  }
  if (negative ? n > INT64_LIMIT : n >= INT64_LIMIT) throw range();
  const port = negative ? -n : n;
  if (port < 1n || port > 65535n) fail("invalid port number");
  return Number(port);
}

function trimSpaces(s: string): string {
  return s.replace(/^ +| +$/g, "");
}

/**
 * Parses `a.b.c.d:port` or `[v6]:port` (spaces around host and port allowed). Host names are not resolved
 * here (see resolveConnection): a non-literal host is `invalid IP Address`.
 * Throws Fault(`invalid IP Address` | `invalid port number`) or PortSyntaxError.
 */
export function parseConnection(text: string): Connection {
  const { host, port } = splitHostPort(text);
  const ip = parseIP(trimSpaces(host)) ?? fail("invalid IP Address");
  return { ip, port: parsePort(trimSpaces(port)) };
}

/** As parseConnection, but a host name is looked up in DNS and its first address used (as bitmarkd does). */
export async function resolveConnection(text: string): Promise<Connection> {
  const { host, port } = splitHostPort(text);
  let ip = parseIP(trimSpaces(host));
  if (ip === null) {
    const found = await lookup(host).catch(() => null);
    ip = found === null ? null : parseIP(found.address);
    if (ip === null) fail("invalid IP Address");
  }
  return { ip, port: parsePort(trimSpaces(port)) };
}

/** IPv4 when 4 bytes or IPv4-mapped (Go's To4() != nil). */
export function isIPv4(c: Connection): boolean {
  const ip = c.ip;
  return ip.length === 4 || (ip.length === 16 && V4_MAPPED_PREFIX.every((v, i) => ip[i] === v));
}

/** Go net.IP.String() for IPv6: lower-case hex, the first longest run of ≥ 2 zero groups as `::`. */
function ipv6Text(ip: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((at(ip, i) << 8) | at(ip, i + 1));
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j > i ? j : i + 1;
  }
  if (bestLength < 2) return groups.map((g) => g.toString(16)).join(":");
  const head = groups.slice(0, bestStart).map((g) => g.toString(16)).join(":");
  const tail = groups.slice(bestStart + bestLength).map((g) => g.toString(16)).join(":");
  return `${head}::${tail}`;
}

/** Canonical text: `a.b.c.d:port` or `[compressed v6]:port` (Connection.CanonicalIPandPort). */
export function canonical(c: Connection): string {
  if (isIPv4(c)) return `${Array.from(c.ip.subarray(c.ip.length - 4)).join(".")}:${c.port}`;
  return `[${ipv6Text(c.ip)}]:${c.port}`;
}

/** One packed entry: 7 bytes for a 4-byte IP, 19 for a 16-byte one. */
export function packConnection(c: Connection): Uint8Array {
  if (c.ip.length !== 4 && c.ip.length !== 16) throw new Fault("invalid IP Address");
  const out = new Uint8Array(3 + c.ip.length);
  out[0] = out.length;
  out[1] = c.port >> 8;
  out[2] = c.port & 0xff;
  out.set(c.ip, 3);
  return out;
}

/** The concatenation of the packed entries (the listener record of a node). */
export function packConnections(cs: readonly Connection[]): Uint8Array {
  return Buffer.concat(cs.map(packConnection));
}

/**
 * Decodes the entry at `offset`: null (stop) when fewer than 7 bytes remain, the length byte is not 7 or 19,
 * or a 19-byte entry is cut short (bitmarkd 8.2 panics on that last case; a scan simply stops here).
 */
export function unpackConnection(packed: Uint8Array, offset = 0): { connection: Connection; size: number } | null {
  const remaining = packed.length - offset;
  const size = packed[offset];
  if (remaining < 7 || size === undefined) return null;
  if ((size !== 7 && size !== 19) || size > remaining) return null;
  const port = (at(packed, offset + 1) << 8) | at(packed, offset + 2);
  return { connection: { ip: packed.slice(offset + 3, offset + size), port }, size };
}

/** Every entry up to the first one that does not decode. */
export function unpackAll(packed: Uint8Array): Connection[] {
  const out: Connection[] = [];
  for (let offset = 0; ; ) {
    const entry = unpackConnection(packed, offset);
    if (entry === null) return out;
    out.push(entry.connection);
    offset += entry.size;
  }
}

/** Unpack46: the first IPv4 and the first IPv6 entry, scanning until both are found or an entry fails. */
export function unpack46(packed: Uint8Array): { ipv4: Connection | null; ipv6: Connection | null } {
  let ipv4: Connection | null = null;
  let ipv6: Connection | null = null;
  for (let offset = 0; ipv4 === null || ipv6 === null; ) {
    const entry = unpackConnection(packed, offset);
    if (entry === null) break;
    offset += entry.size;
    if (isIPv4(entry.connection)) ipv4 ??= entry.connection;
    else ipv6 ??= entry.connection;
  }
  return { ipv4, ipv6 };
}

/**
 * Whether bitmarkd 8.2 can scan these listener bytes without panicking: no entry claims 19 bytes while
 * only 7…18 remain (docs/deviations.md §C). Records failing this must not be stored or passed on.
 */
export function isSafeFor82(packed: Uint8Array): boolean {
  for (let offset = 0; ; ) {
    const remaining = packed.length - offset;
    const size = packed[offset];
    if (remaining < 7 || size === undefined) return true;
    if (size !== 7 && size !== 19) return true;
    if (size > remaining) return false;
    offset += size;
  }
}
