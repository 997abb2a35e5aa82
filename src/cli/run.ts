/**
 * `bunmark run [--config FILE] [--data DIR] [--chain NAME] [--listen HOST:PORT]… [--connect KEY@HOST:PORT]…
 *  [--announce HOST:PORT]… [--http HOST:PORT] [--log-level LEVEL] [--mine[=THREADS]]`
 *
 * Without a configuration: chain local, keys generated into ./data on first start, listening on 127.0.0.1 and
 * ::1 (where the host has it) at port 2136 (or the next port free on both). SIGINT/SIGTERM stop the node cleanly.
 * `--mine` runs the built-in miner (src/miner/) on the node's own proofer (needs a `proofing` section).
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { buildConfig, ConfigError, type NodeConfig } from "../node/config.ts";
import { logger, setLogLevel } from "../base/log.ts";
import { Node } from "../node/node.ts";
import { flag, flagAll, has, parseArgs } from "./args.ts";
import { availableParallelism } from "node:os";
import { localAddress } from "../miner/connect.ts";
import { Miner } from "../miner/miner.ts";
import type { Proofer } from "../proof/index.ts";
import type { ChainName } from "../chain/types/chains.ts";

const log = logger("run");

/** True when a TCP listener can be opened on host:port right now. */
function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * The embedded default listens on loopback; move both addresses to the first port free on both. A host without
 * IPv6 loopback (containers often have none) gets the IPv4 listener alone rather than no node.
 */
async function pickDefaultPort(cfg: NodeConfig): Promise<NodeConfig> {
  const base = Number(/:(\d+)$/.exec(cfg.peering.listen[0]!)![1]);
  const ipv6 = await portFree("::1", 0);
  if (!ipv6) log.warn("no IPv6 loopback on this host: listening on 127.0.0.1 only");
  for (let port = base; port < base + 100; port++) {
    if ((await portFree("127.0.0.1", port)) && (!ipv6 || (await portFree("::1", port)))) {
      if (port !== base) log.info("default peer port busy, using the next free one", { port });
      const listen = ipv6 ? [`127.0.0.1:${port}`, `[::1]:${port}`] : [`127.0.0.1:${port}`];
      return { ...cfg, peering: { ...cfg.peering, listen } };
    }
  }
  throw new ConfigError(`no free port between ${base} and ${base + 99} on ${ipv6 ? "127.0.0.1 and ::1" : "127.0.0.1"}`);
}

/** `--mine[=THREADS]` (a bare `--mine`: every core). */
function mineThreads(value: string): number {
  const threads = value === "true" ? availableParallelism() : Number(value);
  if (!Number.isInteger(threads) || threads < 1) throw new ConfigError(`--mine=THREADS expects a positive integer, got ${JSON.stringify(value)}`);
  return threads;
}

/** The built-in miner on this node's own proofer, in this process. */
function startOwnMiner(proofer: Proofer, threads: number, chain: ChainName): Miner {
  const target = { serverKey: proofer.publicKey, publish: localAddress(proofer.publishEndpoints[0]!), submit: localAddress(proofer.submitEndpoints[0]!) };
  const miner = new Miner({ target, threads, anyDigest: chain === "local" });
  miner.start();
  return miner;
}

function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ConfigError(`cannot read configuration ${path}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`configuration ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

export async function main(args: string[]): Promise<number> {
  const p = parseArgs(args, ["mine"]);
  if (p.positional.length > 0) throw new ConfigError(`unexpected argument: ${p.positional[0]}`);
  const configPath = flag(p, "config");
  let cfg = buildConfig(configPath ? readConfigFile(configPath) : undefined, {
    config: configPath,
    data: flag(p, "data"),
    chain: flag(p, "chain"),
    listen: flagAll(p, "listen"),
    connect: flagAll(p, "connect"),
    announce: flagAll(p, "announce"),
    http: flag(p, "http"),
    logLevel: flag(p, "log-level"),
  }, process.cwd());
  setLogLevel(cfg.log_level);
  if (cfg.listen_is_default) cfg = await pickDefaultPort(cfg);

  // Handlers before the start: node.json appears during Node.start, and a SIGTERM sent on seeing it must still
  // stop the node cleanly, once the start is complete. (Signal handlers do not keep a failed start's process alive.)
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, resolve);
  });
  const threads = has(p, "mine") ? mineThreads(flag(p, "mine")!) : undefined;
  const node = await Node.start(cfg);
  let miner: Miner | undefined;
  if (threads !== undefined) {
    if (!node.proofer) {
      await node.stop();
      throw new ConfigError("--mine needs a proofing section in the configuration");
    }
    miner = startOwnMiner(node.proofer, threads, cfg.chain);
  }
  const done = signalled.then((signal) => {
    log.info("signal received, shutting down", { signal });
    // A second signal, or a stop that hangs, must not keep the process alive past the 5 s promise.
    setTimeout(() => {
      log.error("shutdown took too long, exiting");
      process.exit(1);
    }, 4500).unref();
    return (miner?.stop() ?? Promise.resolve()).then(() => node.stop()).then(() => 0, (e) => {
      log.error("shutdown failed", { error: e });
      return 1;
    });
  });
  const code = await done;
  // Everything is closed and flushed. A digest batch of a sync cut short may still be running on a native thread:
  // it would hold the process for its remaining seconds, and past the watchdog turn a clean stop into exit code 1.
  process.stdout.end(() => process.exit(code));
  return code;
}
