/**
 * `bunmark chain generate --blocks N --data DIR [--chain local] [--seed S] [--fork-at K]`: makes the store
 * DIR/local.lmdb hold N generated valid blocks after genesis; see src/testnet/generate.ts. Same seed → the same
 * chain byte for byte; --fork-at K → the same up to block K, different after it. A DIR holding a chain of the
 * same seed is continued: its blocks that match are kept without computing digests, the rest is deleted and
 * generated (copy a chain's DIR and continue it with --fork-at K: only blocks after K cost digests). A DIR
 * holding another seed's chain is refused and left as it is.
 */
import { CHAINS } from "../chain/types/chains.ts";
import { oneOf } from "../base/config-values.ts";
import { GenerateError } from "../testnet/errors.ts";
import { generateChain } from "../testnet/generate.ts";
import { openStore } from "../chain/store/store.ts";
import { RECORD_NAMES, type RecordTag } from "../chain/types/records/types.ts";
import { setLogSink } from "../base/log.ts";
import { flag, has, intFlag, noExtraArgs, parseOrHelp, UsageError, type CommandSpec } from "./args.ts";

export const spec: CommandSpec = {
  name: "chain generate",
  summary: "make DIR's store hold N generated valid blocks after genesis (same seed: same chain, byte for byte)",
  flags: [
    { name: "blocks", value: "N", help: "blocks after genesis (required)" },
    { name: "data", value: "DIR", default: "./data", help: "data directory whose CHAIN.lmdb is written" },
    { name: "chain", value: "NAME", default: "local", help: "chain of the store" },
    { name: "seed", value: "S", default: "bunmark", help: "seed of the generator" },
    { name: "fork-at", value: "K", help: "same blocks up to K, different after it" },
  ],
  example: "bunmark chain generate --blocks 300 --data /tmp/net/a",
};

export async function main(args: string[]): Promise<number> {
  const p = parseOrHelp(spec, args);
  if (p === 0) return 0;
  if (p.positional[0] !== "generate") throw new UsageError(p.positional[0] === undefined ? "missing sub-command: generate" : `${p.positional[0]}: unknown sub-command (generate)`);
  noExtraArgs(p, 1);
  if (!has(p, "blocks")) throw new UsageError("--blocks N is required");
  const chain = oneOf(flag(p, "chain") ?? "local", "--chain", CHAINS);
  const blocks = intFlag(p, "blocks", 0);
  const dir = flag(p, "data") ?? "data";
  const seed = flag(p, "seed") ?? "bunmark";
  const forkAt = has(p, "fork-at") ? { forkAt: intFlag(p, "fork-at", 0) } : {};
  setLogSink((line) => process.stderr.write(line + "\n")); // stdout carries the JSON summary
  const store = openStore(dir, chain);
  try {
    const summary = await generateChain(store, {
      blocks,
      seed,
      ...forkAt,
      onBlock: (n) => {
        if (n % 50 === 0) console.error(`block ${n}`);
      },
    });
    const records = Object.fromEntries(Object.entries(summary.records).map(([tag, n]) => [RECORD_NAMES[Number(tag) as RecordTag], n]));
    const seconds = Number(summary.seconds.toFixed(1));
    console.log(JSON.stringify({ chain, data: dir, seed, forkAt: forkAt ?? null, height: store.height(), kept: summary.kept, seconds, records }));
  } catch (e) {
    if (!(e instanceof GenerateError)) throw e;
    console.error(`bunmark chain: ${dir}: ${e.message}`);
    return 1;
  } finally {
    await store.close();
  }
  return 0;
}
