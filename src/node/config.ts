/**
 * Node configuration: a JSON file using bitmarkd's field names, overridden by command-line flags, with an
 * embedded default (chain local, data in ./data, listening on loopback at bitmarkd's peer port 2136).
 *
 * The file is read through SECTIONS, one entry per top-level key: each is a strict parser `(raw, path)` that
 * validates every field, rejects unknown keys with the closest valid name, and fills bitmarkd 8.2's defaults.
 * A new section (client_rpc, proofing, payment …) is one line in that table, its parser in its own room.
 * Unknown top-level keys are errors too. Everything is checked here, before anything is opened or bound.
 *
 * Deviations from bitmarkd: unknown keys are errors (bitmarkd ignores them); a relative data_directory is resolved
 * against the configuration file's folder (bitmarkd: against the working directory, which under systemd is /).
 * Pure: reading the file and probing ports happen in the caller (src/cli/run.ts).
 */
import { dirname, isAbsolute, join, resolve } from "node:path";
import { CHAINS, isTestnet, type ChainName } from "../chain/types/chains.ts";
import { LEVELS, type Level } from "../base/log.ts";
import { boolean, ConfigError, connectText, hex64, hostPort, nonEmptyString, objectOf, oneOf, stringList } from "../base/config-values.ts";
import { parseTiming } from "./timing.ts";
import { parseClientRpc, parseHttpsRpc } from "../rpc/config.ts";
import { parsePaymentConfig } from "../payment/config.ts";
import { parseProofing, proofingOnChain } from "../proof/config.ts";

export { ConfigError } from "../base/config-values.ts";

/** bitmarkd's default peer listener port (bitmarkd.conf.sample). */
export const DEFAULT_PEER_PORT = 2136;

export interface ConnectEntry {
  /** 64 hex digits: the remote node's CURVE public key. */
  public_key: string;
  /** `a.b.c.d:port` or `[v6]:port`. */
  address: string;
}

export interface Peering {
  listen: string[];
  announce: string[];
  connect: ConnectEntry[];
  dynamic_connections: boolean;
  prefer_ipv6: boolean;
  /** absolute once built (relative names are resolved against data_directory) */
  public_key: string;
  private_key: string;
}

const PEERING_KEYS = ["listen", "announce", "connect", "dynamic_connections", "prefer_ipv6", "public_key", "private_key"];

function parsePeering(raw: unknown, path: string): Peering {
  const p = raw === undefined ? {} : objectOf(raw, path, PEERING_KEYS);
  const listen = stringList(p.listen, `${path}.listen`);
  listen.forEach((a, i) => hostPort(a, `${path}.listen[${i}]`));
  const announce = stringList(p.announce, `${path}.announce`);
  announce.forEach((a, i) => hostPort(a, `${path}.announce[${i}]`, true));
  if (p.connect !== undefined && !Array.isArray(p.connect)) throw new ConfigError(`${path}.connect: must be a list of {"public_key", "address"}`);
  const connect = ((p.connect ?? []) as unknown[]).map((e, i) => {
    const at = `${path}.connect[${i}]`;
    const c = objectOf(e, at, ["public_key", "address"]);
    if (c.address === undefined) throw new ConfigError(`${at}.address: missing (HOST:PORT)`);
    const address = nonEmptyString(c.address, `${at}.address`, "");
    hostPort(address, `${at}.address`);
    return { public_key: hex64(c.public_key, `${at}.public_key`), address };
  });
  return {
    listen,
    announce,
    connect,
    dynamic_connections: boolean(p.dynamic_connections, `${path}.dynamic_connections`, true),
    prefer_ipv6: boolean(p.prefer_ipv6, `${path}.prefer_ipv6`, true),
    // bitmarkd swaps these two defaults (protocol.md §13.3); bunmark uses the names that match.
    public_key: nonEmptyString(p.public_key, `${path}.public_key`, "peer.public"),
    private_key: nonEmptyString(p.private_key, `${path}.private_key`, "peer.private"),
  };
}

/** Key files of a section stay as written here; buildConfig resolves them against the data directory. */
const asWritten = (name: string): string => name;

interface Section<T> {
  parse(raw: unknown, path: string): T;
  /** one line for `config check` and the README */
  readonly help: string;
}

const section = <T>(help: string, parse: (raw: unknown, path: string) => T): Section<T> => ({ help, parse });

/** Every top-level key of the configuration file. */
export const SECTIONS = {
  chain: section<ChainName>("bitmark, testing or local (default local)", (raw, path) => oneOf(raw ?? "local", path, CHAINS)),
  data_directory: section("keys, store and peer file; relative: against the configuration file's folder (default data)", (raw, path) => nonEmptyString(raw, path, "data")),
  log_level: section<Level>(`one of ${LEVELS.join(", ")} (default info)`, (raw, path) => oneOf(raw ?? "info", path, LEVELS)),
  log_file: section("append log lines to this file instead of stdout, reopened on SIGHUP (default: stdout)", (raw, path) => (raw === undefined ? undefined : nonEmptyString(raw, path, ""))),
  nodes: section("DNS seeds: none, chain (the chain's seed domain) or a domain (default none)", (raw, path) => {
    if (raw === undefined) return "none";
    if (typeof raw !== "string" || raw === "") throw new ConfigError(`${path}: nodes cannot be blank choose from: none, chain or sub.domain.tld`); // 8.2's text
    return raw;
  }),
  http: section("HOST:PORT of /health, /status and /metrics (default: off)", (raw, path) => (raw === undefined ? undefined : (hostPort(raw, path, true), raw as string))),
  peering: section("listen, announce, connect, dynamic_connections, prefer_ipv6, public_key, private_key", parsePeering),
  client_rpc: section("client JSON-RPC over TLS: listen, announce, certificate, private_key, maximum_connections and limits (default: off)", (raw) => parseClientRpc(raw, asWritten)),
  https_rpc: section("HTTPS: listen, certificate, private_key, maximum_connections, allow (default: off)", (raw) => parseHttpsRpc(raw, asWritten)),
  payment: section("Bitcoin/Litecoin payment watching: use_discovery, discovery, bitcoin, litecoin (default: none)", (raw) => parsePaymentConfig(raw)),
  proofing: section("block production for miners: publish, submit, public_key, private_key, signing_key, payment_address (default: none)", (raw) => parseProofing(raw)),
  timing: section("interval and count overrides for test networks (see the timing table)", parseTiming),
} as const satisfies Record<string, Section<unknown>>;

type Sections = { -readonly [K in keyof typeof SECTIONS]: ReturnType<(typeof SECTIONS)[K]["parse"]> };

export type NodeConfig = Sections & {
  /** absolute */
  data_directory: string;
  /** True when no listen address was configured: the node may move to the next free port. */
  listen_is_default: boolean;
};

/** Flags accepted by `bunmark run` that override the file; undefined: the flag was not given. */
export interface ConfigFlags {
  config?: string | undefined;
  data?: string | undefined;
  chain?: string | undefined;
  listen: string[];
  connect: string[];
  announce: string[];
  http?: string | undefined;
  logLevel?: string | undefined;
  logFile?: string | undefined;
}

/** `PUBKEYHEX@HOST:PORT` → connect entry (the `--connect` flag of run and status). */
export function parseConnectFlag(s: string): ConnectEntry {
  return connectText(s, "--connect");
}

function parseFile(file: unknown): Sections {
  const f = file === undefined ? {} : objectOf(file, "", Object.keys(SECTIONS));
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(SECTIONS)) out[key] = (s as Section<unknown>).parse(f[key], key);
  return out as Sections;
}

/**
 * Builds the effective configuration from the parsed file (or undefined), the flags and the working directory.
 * Throws ConfigError with a one-line message naming the key path (prefixed with the file) or the flag.
 */
export function buildConfig(file: unknown, flags: ConfigFlags, cwd: string): NodeConfig {
  let s: Sections;
  try {
    s = parseFile(file);
  } catch (e) {
    if (e instanceof ConfigError && flags.config !== undefined) throw new ConfigError(`${flags.config}: ${e.message}`);
    throw e;
  }
  // flags: each checked as its file key is, the message naming the flag
  if (flags.chain !== undefined) s.chain = oneOf(flags.chain, `--chain`, CHAINS);
  if (flags.logLevel !== undefined) s.log_level = oneOf(flags.logLevel, "--log-level", LEVELS);
  if (flags.logFile !== undefined) s.log_file = nonEmptyString(flags.logFile, "--log-file", "");
  if (flags.http !== undefined) s.http = (hostPort(flags.http, "--http", true), flags.http);
  if (flags.data !== undefined) nonEmptyString(flags.data, "--data", "");
  if (flags.listen.length > 0) s.peering.listen = flags.listen.map((a) => (hostPort(a, "--listen"), a));
  if (flags.announce.length > 0) s.peering.announce = flags.announce.map((a) => (hostPort(a, "--announce", true), a));
  s.peering.connect.push(...flags.connect.map(parseConnectFlag));

  const fileDir = flags.config === undefined ? cwd : dirname(resolve(cwd, flags.config));
  const dataDir = flags.data !== undefined ? resolve(cwd, flags.data) : resolve(fileDir, s.data_directory);
  const inData = (name: string) => (isAbsolute(name) ? name : join(dataDir, name));
  const listenIsDefault = s.peering.listen.length === 0;
  return {
    ...s,
    data_directory: dataDir,
    log_file: s.log_file === undefined ? undefined : flags.logFile !== undefined ? resolve(cwd, s.log_file) : resolve(fileDir, s.log_file),
    peering: {
      ...s.peering,
      listen: listenIsDefault ? [`127.0.0.1:${DEFAULT_PEER_PORT}`, `[::1]:${DEFAULT_PEER_PORT}`] : s.peering.listen,
      public_key: inData(s.peering.public_key),
      private_key: inData(s.peering.private_key),
    },
    client_rpc: { ...s.client_rpc, certificate: inData(s.client_rpc.certificate), private_key: inData(s.client_rpc.private_key) },
    https_rpc: { ...s.https_rpc, certificate: inData(s.https_rpc.certificate), private_key: inData(s.https_rpc.private_key) },
    proofing: s.proofing && proofingOnChain(s.proofing, inData, isTestnet(s.chain)),
    listen_is_default: listenIsDefault,
  };
}
