/**
 * The `client_rpc` and `https_rpc` configuration sections (bitmarkd 8.2 rpc/setup.go `RPCConfiguration`,
 * `HTTPSConfiguration`; defaults from command/bitmarkd/configuration.go; rpc.md §8), parsed strictly: every
 * field checked, unknown keys refused with their path, 8.2's defaults filled in, file names resolved against the
 * data directory by the caller's `inData`.
 *
 * Deviations from 8.2, deliberate:
 * - `client_rpc.listen` empty (or the section absent) leaves client RPC off instead of failing start-up, so a
 *   node without RPC needs no certificate; `announce` then requires `listen` (the fingerprint is the certificate's).
 * - The fingerprint is never configured: it is the SHA3-256 of `certificate` (the earlier bunmark key
 *   `client_rpc.fingerprint` is refused with that reason).
 * - bunmark limits 8.2 does not have (rpc.md §9): `maximum_connections_per_ip`, `idle_timeout`,
 *   `handshake_timeout`, `maximum_request_size`, `maximum_reply_backlog`.
 * - `https_rpc.allow` entries that are not IP literals are refused (8.2 drops them silently); the bracketed form
 *   `[::1]` is accepted as `::1`.
 * - Port 0 in a listen address binds a free port (reported in node.json).
 */
import { isIP } from "node:net";
import { didYouMean } from "../base/closest.ts";
import { ConfigError } from "../base/config-values.ts";

export interface ClientRpcConfig {
  maximum_connections: number;
  /** bunmark: connections from one IP address */
  maximum_connections_per_ip: number;
  listen: string[];
  announce: string[];
  /** absolute paths */
  certificate: string;
  private_key: string;
  /** bunmark: seconds without a byte from the client (and no call running) before it is closed */
  idle_timeout: number;
  /** bunmark: seconds for the TLS handshake */
  handshake_timeout: number;
  /** bunmark: bytes of one request value */
  maximum_request_size: number;
  /** bunmark: bytes of replies not yet taken by the client before its requests stop being read */
  maximum_reply_backlog: number;
}

export type AllowName = "details" | "connections" | "peers";

export interface HttpsRpcConfig {
  maximum_connections: number;
  listen: string[];
  certificate: string;
  private_key: string;
  /** bare IP literals, IPv6 in Go's compressed text without brackets */
  allow: Record<AllowName, string[]>;
}

export const CLIENT_RPC_DEFAULTS = {
  maximum_connections: 10,
  maximum_connections_per_ip: 10,
  certificate: "rpc.crt",
  private_key: "rpc.key",
  idle_timeout: 300,
  handshake_timeout: 10,
  maximum_request_size: 1 << 20,
  maximum_reply_backlog: 1 << 20,
} as const;

const CLIENT_KEYS = ["maximum_connections", "maximum_connections_per_ip", "listen", "announce", "certificate", "private_key", "idle_timeout", "handshake_timeout", "maximum_request_size", "maximum_reply_backlog"];
const HTTPS_KEYS = ["maximum_connections", "listen", "certificate", "private_key", "allow"];
const ALLOW_KEYS: AllowName[] = ["details", "connections", "peers"];

function section(v: unknown, path: string, keys: readonly string[], refused: Record<string, string> = {}): Record<string, unknown> {
  if (v === undefined) return {};
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new ConfigError(`${path}: must be an object`);
  for (const key of Object.keys(v)) {
    if (keys.includes(key)) continue;
    const reason = Object.hasOwn(refused, key) ? refused[key] : undefined;
    if (reason !== undefined) throw new ConfigError(`${path}.${key}: ${reason}`);
    throw new ConfigError(`${path}.${key}: unknown key${didYouMean(key, keys)}`);
  }
  return v as Record<string, unknown>;
}

function positiveInt(v: unknown, path: string, def: number): number {
  if (v === undefined) return def;
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) throw new ConfigError(`${path}: must be a positive integer`);
  return v;
}

function seconds(v: unknown, path: string, def: number): number {
  if (v === undefined) return def;
  if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v)) throw new ConfigError(`${path}: must be a positive number of seconds`);
  return v;
}

function strings(v: unknown, path: string): string[] {
  if (v === undefined) return [];
  const list = typeof v === "string" ? [v] : v;
  if (!Array.isArray(list) || !list.every((x) => typeof x === "string")) throw new ConfigError(`${path}: must be a string or a list of strings`);
  return list.filter((x) => x !== ""); // 8.2 skips empty entries (unset macros)
}

function fileName(v: unknown, path: string, def: string): string {
  if (v === undefined) return def;
  if (typeof v !== "string" || v === "") throw new ConfigError(`${path}: must be a file name`);
  return v;
}

/** `host:port` with an IP literal (or empty) host, as 8.2's listener accepts (rpc.md §3.1). */
export function splitListen(entry: string): { host: string; port: number } | undefined {
  const [, v6, v4, portText] = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d{1,5})$/.exec(entry) ?? [];
  const host = v6 ?? v4;
  if (host === undefined) return undefined;
  const port = Number(portText);
  if (port > 65535) return undefined;
  if (v6 !== undefined ? isIP(host) !== 6 : host !== "" && isIP(host) !== 4) return undefined;
  return { host, port };
}

function listenList(v: unknown, path: string): string[] {
  const list = strings(v, path);
  list.forEach((entry, i) => {
    if (!splitListen(entry)) throw new ConfigError(`${path}[${i}]: invalid listen address ${JSON.stringify(entry)} (IP:port or [IPv6]:port)`);
  });
  return list;
}

export function parseClientRpc(v: unknown, inData: (name: string) => string): ClientRpcConfig {
  const s = section(v, "client_rpc", CLIENT_KEYS, { fingerprint: "not a setting: the fingerprint is the SHA3-256 of client_rpc.certificate" });
  const d = CLIENT_RPC_DEFAULTS;
  const listen = listenList(s.listen, "client_rpc.listen");
  const announce = strings(s.announce, "client_rpc.announce");
  if (announce.length > 0 && listen.length === 0) throw new ConfigError("client_rpc.announce: needs client_rpc.listen (the announced fingerprint is the certificate's)");
  return {
    maximum_connections: positiveInt(s.maximum_connections, "client_rpc.maximum_connections", d.maximum_connections),
    maximum_connections_per_ip: positiveInt(s.maximum_connections_per_ip, "client_rpc.maximum_connections_per_ip", d.maximum_connections_per_ip),
    listen,
    announce,
    certificate: inData(fileName(s.certificate, "client_rpc.certificate", d.certificate)),
    private_key: inData(fileName(s.private_key, "client_rpc.private_key", d.private_key)),
    idle_timeout: seconds(s.idle_timeout, "client_rpc.idle_timeout", d.idle_timeout),
    handshake_timeout: seconds(s.handshake_timeout, "client_rpc.handshake_timeout", d.handshake_timeout),
    maximum_request_size: positiveInt(s.maximum_request_size, "client_rpc.maximum_request_size", d.maximum_request_size),
    maximum_reply_backlog: positiveInt(s.maximum_reply_backlog, "client_rpc.maximum_reply_backlog", d.maximum_reply_backlog),
  };
}

/** An allow-list entry as an IP literal: trimmed, `[v6]` unbracketed, IPv6 lower-cased. */
export function allowEntry(entry: string): string | undefined {
  const t = entry.trim();
  const bare = /^\[(.*)\]$/.exec(t)?.[1] ?? t;
  const kind = isIP(bare);
  if (kind === 4) return bare;
  if (kind === 6) return new URL(`http://[${bare}]/`).hostname.slice(1, -1); // compressed canonical text
  return undefined;
}

export function parseHttpsRpc(v: unknown, inData: (name: string) => string): HttpsRpcConfig {
  const s = section(v, "https_rpc", HTTPS_KEYS);
  const a = section(s.allow, "https_rpc.allow", ALLOW_KEYS);
  const allow = {} as Record<AllowName, string[]>;
  for (const name of ALLOW_KEYS) {
    allow[name] = strings(a[name], `https_rpc.allow.${name}`).map((entry, i) => {
      const ip = allowEntry(entry);
      if (ip === undefined) throw new ConfigError(`https_rpc.allow.${name}[${i}]: not an IP address: ${JSON.stringify(entry)}`);
      return ip;
    });
  }
  return {
    maximum_connections: positiveInt(s.maximum_connections, "https_rpc.maximum_connections", CLIENT_RPC_DEFAULTS.maximum_connections),
    listen: listenList(s.listen, "https_rpc.listen"),
    certificate: inData(fileName(s.certificate, "https_rpc.certificate", CLIENT_RPC_DEFAULTS.certificate)),
    private_key: inData(fileName(s.private_key, "https_rpc.private_key", CLIENT_RPC_DEFAULTS.private_key)),
    allow,
  };
}
