/**
 * `bunmark mine --connect PROOF-PUBKEY@HOST:PUBLISH-PORT,SUBMIT-PORT [--threads N] [--chain NAME] [--log-level L]`:
 * the built-in miner (src/miner/) against any compatible proofer (bitmarkd 8.2 or bunmark), with a fresh CURVE
 * key pair. N defaults to every core. `--chain local` submits the first nonce tried (a `local` node compares no
 * digest with the target). Runs until SIGINT/SIGTERM; a progress line every 5 s.
 */
import { availableParallelism } from "node:os";
import { setLogLevel, isLogLevel } from "../base/log.ts";
import { isChainName } from "../chain/types/chains.ts";
import { shutdownDigestWorkers } from "../crypto/index.ts";
import { parseMinerTarget } from "../miner/connect.ts";
import { Miner } from "../miner/miner.ts";
import { shutdown as shutdownWire } from "../transport/context.ts";
import { flag, intFlag, noExtraArgs, parseOrHelp, UsageError, type CommandSpec } from "./args.ts";
import { CliError } from "./errors.ts";

export const spec: CommandSpec = {
  name: "mine",
  summary: "the built-in miner for a bitmarkd 8.2 or bunmark proofer",
  flags: [
    { name: "connect", value: "KEY@HOST:PUB,SUBMIT", help: "the proofer's CURVE public key (64 hex), host, job (PUB) port and submission port" },
    { name: "threads", value: "N", default: "every core", help: "hash threads (native addon; TypeScript workers without it)" },
    { name: "chain", value: "NAME", default: "bitmark", help: "local: submit the first nonce (a local node compares no digest)" },
    { name: "log-level", value: "LEVEL", default: "info", help: "trace, debug, info, warn or error" },
  ],
  example: "bunmark mine --connect 3f0c…@127.0.0.1:2140,2141 --threads 2",
};

export async function main(args: string[]): Promise<number> {
  const p = parseOrHelp(spec, args);
  if (p === 0) return 0;
  noExtraArgs(p);
  const connect = flag(p, "connect");
  const chain = (flag(p, "chain") ?? "bitmark").toLowerCase();
  const level = flag(p, "log-level") ?? "info";
  if (connect === undefined) throw new UsageError("--connect KEY@HOST:PUB,SUBMIT is required");
  if (!isChainName(chain)) throw new UsageError(`--chain: ${JSON.stringify(chain)} is not bitmark, testing or local`);
  if (!isLogLevel(level)) throw new UsageError(`--log-level: ${JSON.stringify(level)} is not a log level`);
  setLogLevel(level);
  const threads = intFlag(p, "threads", availableParallelism());
  if (threads < 1) throw new CliError({ code: "VALUE_INVALID", what: "--threads" }, "--threads must be at least 1");
  const miner = new Miner({ target: parseMinerTarget(connect), threads, anyDigest: chain === "local" });
  const signalled = new Promise<void>((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => resolve());
  });
  miner.start();
  await signalled;
  await miner.stop();
  await shutdownWire();
  await shutdownDigestWorkers();
  const s = miner.stats();
  console.error(`mined: ${s.hashes} hashes, ${s.jobs} jobs, ${s.blocks} blocks`);
  // a native digest batch may still be running on the addon's threads: do not wait for it
  process.stdout.end(() => process.exit(0));
  return 0;
}
