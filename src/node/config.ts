/**
 * Node configuration: a JSON file using bitmarkd's field names, overridden by command-line flags, with an
 * embedded default (chain local, data in ./data, listening on loopback at bitmarkd's peer port 2136).
 *
 * Pure: reading the file and probing ports happen in the caller (src/cli/run.ts).
 */
import { isAbsolute, join, resolve } from "node:path";
import { type ChainName, isChainName } from "../chain/types/chains.ts";
import { isLogLevel, type Level } from "../base/log.ts";
import { isTestnet } from "../chain/types/chains.ts";
import { parseProofing, type ProofingConfig } from "../proof/config.ts";
import { type PaymentConfig, parsePaymentConfig } from "../payment/config.ts";

/** bitmarkd's default peer listener port (bitmarkd.conf.sample). */
export const DEFAULT_PEER_PORT = 2136;

export interface ConnectEntry {
  /** 64 hex digits: the remote node's CURVE public key. */
  public_key: string;
  /** `a.b.c.d:port` or `[v6]:port`. */
  address: string;
}

export interface NodeConfig {
  chain: ChainName;
  /** Absolute data directory; relative file names below are resolved against it. */
  data_directory: string;
  peering: {
    listen: string[];
    announce: string[];
    connect: ConnectEntry[];
    dynamic_connections: boolean;
    prefer_ipv6: boolean;
    public_key: string;
    private_key: string;
  };
  /**
   * bitmarkd's `nodes`: `none`, `chain` (the chain's seed domain, e.g. nodes.live.bitmark.com) or a domain whose
   * DNS TXT records name peers to start from. bitmarkd has no default; bunmark's is `none`.
   */
  nodes: string;
  /** Client RPC announcement (fingerprint + addresses) carried in `rpc` pushes; optional. */
  client_rpc: { announce: string[]; fingerprint?: string };
  /** Optional HTTP status/metrics endpoint `host:port`. */
  http?: string;
  log_level: Level;
  /**
   * Interval overrides in milliseconds (connector cycle, upstream poll, announcer, reservoir timers …) for test
   * networks; production leaves it empty and gets bitmarkd's constants.
   */
  timing: Record<string, number>;
  /** True when no listen address was configured: the node may move to the next free port. */
  listen_is_default: boolean;
  /** The block proofer (src/proof/config.ts); absent: the node makes no blocks. */
  proofing?: ProofingConfig;
  /** bitmarkd's `payment` section (src/payment/config.ts); absent → no payment watcher. */
  payment?: PaymentConfig;
}

/** Flags accepted by `bunmark run` that override the file. */
export interface ConfigFlags {
  config?: string;
  data?: string;
  chain?: string;
  listen: string[];
  connect: string[];
  announce: string[];
  http?: string;
  logLevel?: string;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

const HEX64 = /^[0-9a-fA-F]{64}$/;

/** `PUBKEYHEX@HOST:PORT` → connect entry. */
export function parseConnectFlag(s: string): ConnectEntry {
  const at = s.indexOf("@");
  const key = s.slice(0, at);
  if (at < 0 || !HEX64.test(key)) throw new ConfigError(`--connect expects PUBKEYHEX@HOST:PORT with 64 hex digits, got ${JSON.stringify(s)}`);
  return { public_key: key.toLowerCase(), address: s.slice(at + 1) };
}

function strings(v: unknown, field: string): string[] {
  if (v === undefined) return [];
  const list = typeof v === "string" ? [v] : v;
  if (!Array.isArray(list) || !list.every((x) => typeof x === "string")) throw new ConfigError(`${field} must be a string or a list of strings`);
  return list.filter((x) => x !== ""); // bitmarkd skips empty entries (unset macros)
}

function bool(v: unknown, field: string, def: boolean): boolean {
  if (v === undefined) return def;
  if (typeof v !== "boolean") throw new ConfigError(`${field} must be true or false`);
  return v;
}

function fileName(v: unknown, field: string, def: string): string {
  if (v === undefined) return def;
  if (typeof v !== "string" || v === "") throw new ConfigError(`${field} must be a file name`);
  return v;
}

function connects(v: unknown): ConnectEntry[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new ConfigError("peering.connect must be a list of {public_key, address}");
  return v.map((e, i) => {
    const key = e?.public_key;
    const address = e?.address;
    if (typeof key !== "string" || !HEX64.test(key)) throw new ConfigError(`peering.connect[${i}].public_key must be 64 hex digits`);
    if (typeof address !== "string" || address === "") throw new ConfigError(`peering.connect[${i}].address must be host:port`);
    return { public_key: key.toLowerCase(), address };
  });
}

/** The entries of a `timing` object named in `keys`, under the field names of the subsystem that reads them. */
export function timingFields<F extends string>(t: Readonly<Record<string, number>>, keys: Readonly<Record<string, F>>): Partial<Record<F, number>> {
  const out: Partial<Record<F, number>> = {};
  for (const [name, field] of Object.entries(keys)) if (t[name] !== undefined) out[field] = t[name];
  return out;
}

function timing(v: unknown): Record<string, number> {
  if (v === undefined) return {};
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new ConfigError("timing must be an object of millisecond values");
  const out: Record<string, number> = {};
  for (const [k, ms] of Object.entries(v)) {
    if (typeof ms !== "number" || !(ms > 0)) throw new ConfigError(`timing.${k} must be a positive number of milliseconds`);
    out[k] = ms;
  }
  return out;
}

/**
 * Builds the effective configuration from the parsed file (or undefined), the flags and the working directory.
 * Throws ConfigError with a one-line message for anything invalid.
 */
export function buildConfig(file: unknown, flags: ConfigFlags, cwd: string): NodeConfig {
  if (file !== undefined && (typeof file !== "object" || file === null || Array.isArray(file))) throw new ConfigError("configuration must be a JSON object");
  const f = (file ?? {}) as Record<string, any>;
  const p = (f.peering ?? {}) as Record<string, any>;

  const chain = String(flags.chain ?? f.chain ?? "local").toLowerCase(); // bitmarkd lower-cases the chain
  if (!isChainName(chain)) throw new ConfigError(`invalid chain: ${JSON.stringify(chain)} (bitmark, testing or local)`);

  const dataDirectory: unknown = flags.data ?? f.data_directory ?? "data";
  if (typeof dataDirectory !== "string") throw new ConfigError("data_directory must be a path");
  const dataDir = resolve(cwd, dataDirectory);
  const inData = (name: string) => (isAbsolute(name) ? name : join(dataDir, name));

  const configuredListen = flags.listen.length > 0 ? flags.listen : strings(p.listen, "peering.listen");
  const listen = configuredListen.length > 0 ? configuredListen : [`127.0.0.1:${DEFAULT_PEER_PORT}`, `[::1]:${DEFAULT_PEER_PORT}`];

  const logLevel = flags.logLevel ?? f.log_level ?? f.logging?.level ?? "info";
  if (!isLogLevel(logLevel)) throw new ConfigError(`invalid log level: ${JSON.stringify(logLevel)}`);

  const rpc = (f.client_rpc ?? {}) as Record<string, any>;
  const fingerprint = rpc.fingerprint;
  if (fingerprint !== undefined && (typeof fingerprint !== "string" || !HEX64.test(fingerprint))) throw new ConfigError("client_rpc.fingerprint must be 64 hex digits");

  const nodes: unknown = f.nodes ?? "none";
  if (typeof nodes !== "string" || nodes === "") throw new ConfigError("nodes cannot be blank choose from: none, chain or sub.domain.tld");

  const http = flags.http ?? f.http;
  if (http !== undefined && typeof http !== "string") throw new ConfigError("http must be host:port");

  let payment: PaymentConfig | undefined;
  try {
    payment = parsePaymentConfig(f.payment);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }

  let proofing: ProofingConfig | undefined;
  try {
    proofing = parseProofing(f.proofing, dataDir, isTestnet(chain));
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }

  return {
    chain,
    data_directory: dataDir,
    peering: {
      listen,
      announce: flags.announce.length > 0 ? flags.announce : strings(p.announce, "peering.announce"),
      connect: [...connects(p.connect), ...flags.connect.map(parseConnectFlag)],
      dynamic_connections: bool(p.dynamic_connections, "peering.dynamic_connections", true),
      prefer_ipv6: bool(p.prefer_ipv6, "peering.prefer_ipv6", true),
      // bitmarkd swaps these two defaults (docs/deviations.md §6); bunmark uses the names that match.
      public_key: inData(fileName(p.public_key, "peering.public_key", "peer.public")),
      private_key: inData(fileName(p.private_key, "peering.private_key", "peer.private")),
    },
    nodes,
    client_rpc: { announce: strings(rpc.announce, "client_rpc.announce"), fingerprint: fingerprint?.toLowerCase() },
    http,
    log_level: logLevel,
    timing: timing(f.timing),
    listen_is_default: configuredListen.length === 0,
    ...(proofing ? { proofing } : {}),
    ...(payment ? { payment } : {}),
  };
}
