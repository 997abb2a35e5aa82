/**
 * `bunmark run`: starts a node (bitmarkd's `bitmarkd --config-file FILE start`).
 *
 * Without a configuration: chain local, keys generated into ./data on first start, listening on 127.0.0.1 and
 * ::1 (where the host has it) at port 2136 (or the next port free on both). Every flag and key is checked before
 * anything is created or bound (src/node/preflight.ts). Once started, SIGINT/SIGTERM stop the node cleanly,
 * SIGHUP reopens the log file, and any failure stops the whole node with exit code 1 (never half-alive).
 */
import { readFileSync } from "node:fs";
import { buildConfig, ConfigError, DEFAULT_PEER_PORT, SECTIONS, type NodeConfig } from "../node/config.ts";
import { logger, setLogLevel } from "../base/log.ts";
import { Node } from "../node/node.ts";
import { openLogFile, type LogFile } from "../node/log-file.ts";
import { documentationAddresses, preflight, tryListen } from "../node/preflight.ts";
import { timingHelp } from "../node/timing.ts";
import { jsonErrorOffset, lineColumn } from "../node/json-error.ts";
import { flag, flagAll, noExtraArgs, parseOrHelp, UsageError, type CommandSpec } from "./args.ts";
import { availableParallelism } from "node:os";
import type { ChainName } from "../chain/types/chains.ts";
import { localAddress } from "../miner/connect.ts";
import { Miner } from "../miner/miner.ts";
import type { Proofer } from "../proof/index.ts";

const log = logger("run");

export const spec: CommandSpec = {
  name: "run",
  summary: "start the node",
  flags: [
    { name: "config", value: "FILE", help: "JSON configuration (bitmarkd's field names; keys below)" },
    { name: "data", value: "DIR", default: "./data, or data_directory", help: "data directory: keys, store, peer file" },
    { name: "chain", value: "NAME", default: "local", help: "bitmark, testing or local" },
    { name: "listen", value: "HOST:PORT", repeat: true, default: "127.0.0.1:2136 and [::1]:2136, next free port", help: "peer listener" },
    { name: "connect", value: "KEY@HOST:PORT", repeat: true, help: "static upstream (added to peering.connect)" },
    { name: "announce", value: "HOST:PORT", repeat: true, help: "address announced to peers" },
    { name: "http", value: "HOST:PORT", default: "off", help: "serve /health, /status and /metrics" },
    { name: "log-level", value: "LEVEL", default: "info", help: "trace, debug, info, warn or error" },
    { name: "log-file", value: "FILE", default: "stdout", help: "append log lines to FILE, reopened on SIGHUP" },
    { name: "mine", value: "THREADS", default: "off; bare --mine: every core", help: "run the built-in miner on this node's proofer (needs a proofing section)" },
  ],
  example: "bunmark run --config /etc/bunmark/bunmark.json",
  notes: () =>
    [
      "configuration keys (top level; unknown keys are errors):",
      ...Object.entries(SECTIONS).map(([k, s]) => `  ${k.padEnd(16)}${s.help}`),
      "",
      timingHelp(),
      "",
      "signals: SIGINT/SIGTERM stop cleanly (exit 0); SIGHUP reopens the log file.",
    ].join("\n"),
};

/**
 * The embedded default listens on loopback; move both addresses to the first port free on both. A host without
 * IPv6 loopback (containers often have none) gets the IPv4 listener alone rather than no node.
 */
async function pickDefaultPort(cfg: NodeConfig): Promise<NodeConfig> {
  const base = DEFAULT_PEER_PORT;
  const ipv6 = (await tryListen("::1", 0)) === undefined;
  if (!ipv6) log.warn("no IPv6 loopback on this host: listening on 127.0.0.1 only");
  for (let port = base; port < base + 100; port++) {
    if ((await tryListen("127.0.0.1", port)) === undefined && (!ipv6 || (await tryListen("::1", port)) === undefined)) {
      if (port !== base) log.warn("default peer port busy, using the next free one", { wanted: base, port });
      const listen = ipv6 ? [`127.0.0.1:${port}`, `[::1]:${port}`] : [`127.0.0.1:${port}`];
      return { ...cfg, peering: { ...cfg.peering, listen } };
    }
  }
  throw new ConfigError(`no free port between ${base} and ${base + 99} on ${ipv6 ? "127.0.0.1 and ::1" : "127.0.0.1"}`);
}

/** The configuration file as JSON; errors name the file (and the line and column of a syntax error). */
export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "is a directory" : String(code ?? e);
    throw new ConfigError(`${path}: cannot read the configuration: ${reason}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${path}: ${jsonErrorWhere(text, e as Error)}`);
  }
}

/** `not valid JSON at line L, column C: message` (the scanner finds the place Bun's message does not name). */
function jsonErrorWhere(text: string, e: Error): string {
  const offset = jsonErrorOffset(text);
  const where = offset < 0 ? "" : offset >= text.length ? " (the text ends too early)" : ` at ${lineColumn(text, offset)}`;
  return `not valid JSON${where}: ${e.message.replace(/^JSON Parse error: /, "")}`;
}

/** `--mine` may come without a value (`--mine[=THREADS]`): the parser sees it as `--mine=all`. */
const withMineValue = (args: readonly string[]) => args.map((a) => (a === "--mine" ? "--mine=all" : a));

/** `--mine` threads, or undefined without the flag. */
function mineThreads(args: readonly string[]): number | undefined {
  const p = parseOrHelp(spec, withMineValue(args));
  const value = p === 0 ? undefined : flag(p, "mine");
  if (value === undefined) return undefined;
  const threads = value === "all" ? availableParallelism() : Number(value);
  if (!Number.isInteger(threads) || threads < 1) throw new UsageError(`--mine=THREADS expects a positive integer, got ${JSON.stringify(value)}`);
  return threads;
}

/** The built-in miner on this node's own proofer, in this process. */
function startOwnMiner(proofer: Proofer, threads: number, chain: ChainName): Miner {
  const [publish] = proofer.publishEndpoints;
  const [submit] = proofer.submitEndpoints;
  if (publish === undefined || submit === undefined) throw new ConfigError("--mine needs the proofer to listen on a publish and a submit address");
  const target = { serverKey: proofer.publicKey, publish: localAddress(publish), submit: localAddress(submit) };
  const miner = new Miner({ target, threads, anyDigest: chain === "local" });
  miner.start();
  return miner;
}

/** The effective configuration of `run`'s flags (also what `config check` prints). */
export function configFromArgs(args: readonly string[]): NodeConfig | 0 {
  const p = parseOrHelp(spec, withMineValue(args));
  if (p === 0) return 0;
  noExtraArgs(p);
  const configPath = flag(p, "config");
  return buildConfig(configPath ? readConfigFile(configPath) : undefined, {
    config: configPath,
    data: flag(p, "data"),
    chain: flag(p, "chain"),
    listen: flagAll(p, "listen"),
    connect: flagAll(p, "connect"),
    announce: flagAll(p, "announce"),
    http: flag(p, "http"),
    logLevel: flag(p, "log-level"),
    logFile: flag(p, "log-file"),
  }, process.cwd());
}

export async function main(args: string[]): Promise<number> {
  let cfg = configFromArgs(args);
  if (cfg === 0) return 0;
  const threads = mineThreads(args);
  if (threads !== undefined && cfg.proofing === undefined) throw new ConfigError("--mine needs a proofing section in the configuration");
  setLogLevel(cfg.log_level);
  await preflight(cfg); // the embedded default's ports are chosen below, once the log file is open
  let logFile: LogFile | undefined;
  if (cfg.log_file !== undefined) {
    try {
      logFile = openLogFile(cfg.log_file);
    } catch (e) {
      throw new ConfigError(`log file ${cfg.log_file}: ${(e as NodeJS.ErrnoException).code ?? e}`);
    }
  }

  for (const w of documentationAddresses(cfg)) log.warn(w);
  if (cfg.listen_is_default) cfg = await pickDefaultPort(cfg);

  // Handlers before the start: node.json appears during Node.start, and a SIGTERM sent on seeing it must still
  // stop the node cleanly, once the start is complete. (Signal handlers do not keep a failed start's process alive.)
  let fatal: (e: unknown) => void = () => {};
  const stopped = new Promise<{ signal?: NodeJS.Signals; error?: unknown }>((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => resolve({ signal }));
    fatal = (error) => resolve({ error });
  });
  // SIGHUP would kill the process (exit 129, files left behind): it reopens the log file instead.
  process.on("SIGHUP", () => {
    logFile?.reopen();
    log.info("SIGHUP received", logFile ? { log: "reopened" } : { log: "stdout (nothing to reopen)" });
  });
  // A failure anywhere after the start stops the whole node (exit 1) instead of leaving it half-alive.
  process.on("uncaughtException", (e) => fatal(e));
  process.on("unhandledRejection", (e) => fatal(e));

  let node: Node;
  try {
    node = await Node.start(cfg);
  } catch (e) {
    logFile?.close();
    throw e;
  }
  const miner = threads !== undefined && node.proofer ? startOwnMiner(node.proofer, threads, cfg.chain) : undefined;
  const { signal, error } = await stopped;
  if (signal) log.info("signal received, shutting down", { signal });
  else log.error("fatal error, stopping the node", { error: error instanceof Error ? error.message : String(error) });
  // A second signal, or a stop that hangs, must not keep the process alive past the 5 s promise.
  setTimeout(() => {
    log.error("shutdown took too long, exiting");
    process.exit(1);
  }, 4500).unref();
  let code = signal ? 0 : 1;
  try {
    await miner?.stop();
    await node.stop();
  } catch (e) {
    log.error("shutdown failed", { error: e });
    code = 1;
  }
  logFile?.close();
  return code;
}
