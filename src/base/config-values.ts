/**
 * Validators every configuration section uses (peering in node/config.ts; client_rpc, payment … in their own rooms):
 * each takes the raw JSON value and its key path (`peering.listen[0]`) or flag (`--listen`) and either returns the
 * checked value or throws a ConfigError whose one line names that path and what is wrong.
 *
 * In base/ so that the section parsers of every room (rpc/, payment/, node/) can use them and throw the one ConfigError.
 */
import { didYouMean } from "./closest.ts";
import { BunmarkError } from "./errors.ts";

/** A configuration value or flag that cannot be used; the message is the one line an operator reads. */
export class ConfigError extends BunmarkError<{ code: "CONFIG_INVALID" }> {
  constructor(message: string) {
    super({ code: "CONFIG_INVALID" }, message);
  }
}

type Json = Record<string, unknown>;

/** A JSON object with only `keys`; an unknown key is an error naming its path and the closest valid key. */
export function objectOf(raw: unknown, path: string, keys: readonly string[]): Json {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new ConfigError(path ? `${path}: must be an object` : "the configuration must be a JSON object");
  for (const k of Object.keys(raw)) {
    if (!keys.includes(k)) throw new ConfigError(`${path ? `${path}.` : ""}${k}: unknown key${didYouMean(k, keys)}`);
  }
  return raw as Json;
}

/** A string or a list of strings (bitmarkd skips empty entries: unset macros). */
export function stringList(raw: unknown, path: string): string[] {
  if (raw === undefined) return [];
  const list = typeof raw === "string" ? [raw] : raw;
  if (!Array.isArray(list)) throw new ConfigError(`${path}: must be a list of strings`);
  list.forEach((x, i) => {
    if (typeof x !== "string") throw new ConfigError(`${path}[${i}]: must be a string, got ${JSON.stringify(x)}`);
  });
  return (list as string[]).filter((x) => x !== "");
}

export function boolean(raw: unknown, path: string, def: boolean): boolean {
  if (raw === undefined) return def;
  if (typeof raw !== "boolean") throw new ConfigError(`${path}: must be true or false, got ${JSON.stringify(raw)}`);
  return raw;
}

export function nonEmptyString(raw: unknown, path: string, def: string): string {
  if (raw === undefined) return def;
  if (typeof raw !== "string" || raw === "") throw new ConfigError(`${path}: must be a non-empty string, got ${JSON.stringify(raw)}`);
  return raw;
}

export function oneOf<T extends string>(raw: unknown, path: string, values: readonly T[]): T {
  const s = typeof raw === "string" ? raw.toLowerCase() : raw;
  if (typeof s !== "string" || !(values as readonly string[]).includes(s)) {
    throw new ConfigError(`${path}: ${JSON.stringify(raw)} is not one of ${values.join(", ")}${typeof raw === "string" ? didYouMean(raw, values) : ""}`);
  }
  return s as T;
}

export const HEX64 = /^[0-9a-fA-F]{64}$/;

export function hex64(raw: unknown, path: string): string {
  if (typeof raw !== "string" || !HEX64.test(raw)) throw new ConfigError(`${path}: must be 64 hex digits, got ${JSON.stringify(raw)}`);
  return raw.toLowerCase();
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function isIPv6(s: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || s.split("::").length > 2) return false;
  const parts = s.split(":");
  const last = parts.at(-1);
  const v4Tail = last !== undefined && IPV4.test(last);
  const groups = parts.filter((p) => p !== "").length + (v4Tail ? 1 : 0);
  if (!parts.every((p, i) => p === "" || /^[0-9a-fA-F]{1,4}$/.test(p) || (v4Tail && i === parts.length - 1))) return false;
  return s.includes("::") ? groups < 8 : groups === 8;
}

export function isIP(s: string): boolean {
  return IPV4.test(s) || isIPv6(s);
}

/**
 * `HOST:PORT` / `[V6]:PORT` checked into host and port, with the reason in one line when it is not. `names`:
 * whether a DNS name is accepted as host (announce addresses are looked up, as bitmarkd does).
 */
export function hostPort(raw: unknown, where: string, names = false, label = `${where} ${JSON.stringify(raw)}`): { host: string; port: number } {
  if (typeof raw !== "string") throw new ConfigError(`${where}: must be a "HOST:PORT" string, got ${JSON.stringify(raw)}`);
  const at = label;
  const m = /^\[([^\]]*)\]:(.*)$/.exec(raw) ?? /^([^:[\]]*):([^:]*)$/.exec(raw);
  if (!m) throw new ConfigError(`${at}: missing :PORT${raw.includes(":") && !raw.startsWith("[") ? " (write an IPv6 address as [ADDRESS]:PORT)" : ""}`);
  const [, host, portText] = m as unknown as [string, string, string];
  if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
    throw new ConfigError(`${at}: port must be 1 to 65535, got ${JSON.stringify(portText)}`);
  }
  if (!isIP(host) && !(names && /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*$/.test(host))) {
    throw new ConfigError(`${at}: ${JSON.stringify(host)} is not an IP address${names ? " or host name" : ""}`);
  }
  return { host, port: Number(portText) };
}

/** `PUBKEYHEX@HOST:PORT` (the `--connect` flag). */
export function connectText(raw: string, where: string): { public_key: string; address: string } {
  const at = raw.indexOf("@");
  if (at < 0) throw new ConfigError(`${where} ${JSON.stringify(raw)}: expected PUBLIC_KEY@HOST:PORT`);
  const key = raw.slice(0, at);
  if (!HEX64.test(key)) throw new ConfigError(`${where} ${JSON.stringify(raw)}: the public key must be 64 hex digits`);
  const address = raw.slice(at + 1);
  hostPort(address, where, false, `${where} ${JSON.stringify(raw)}`); // the message names the whole flag value
  return { public_key: key.toLowerCase(), address };
}
