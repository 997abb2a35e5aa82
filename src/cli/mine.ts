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
import { flag, intFlag, parseArgs } from "./args.ts";

export async function main(args: string[]): Promise<number> {
  const p = parseArgs(args);
  const connect = flag(p, "connect");
  const chain = (flag(p, "chain") ?? "bitmark").toLowerCase();
  const level = flag(p, "log-level") ?? "info";
  if (connect === undefined || p.positional.length > 0 || !isChainName(chain) || !isLogLevel(level)) {
    throw new Error("usage: bunmark mine --connect PROOF-PUBKEY@HOST:PUBLISH-PORT,SUBMIT-PORT [--threads N] [--chain bitmark|testing|local]");
  }
  setLogLevel(level);
  const threads = intFlag(p, "threads", availableParallelism());
  if (threads < 1) throw new Error("--threads must be at least 1");
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
