/**
 * `bunmark chain generate --blocks N --data DIR [--chain local] [--seed S] [--fork-at K]`: makes the store
 * DIR/local.lmdb hold N generated valid blocks after genesis; see src/testnet/generate.ts. Same seed → the same
 * chain byte for byte; --fork-at K → the same up to block K, different after it. A DIR holding a chain of the
 * same seed is continued: its blocks that match are kept without computing digests, the rest is deleted and
 * generated (copy a chain's DIR and continue it with --fork-at K: only blocks after K cost digests). A DIR
 * holding another seed's chain is refused and left as it is.
 */
import { isChainName } from "../chain/types/chains.ts";
import { GenerateError, generateChain } from "../testnet/generate.ts";
import { openStore } from "../chain/store/store.ts";
import { RECORD_NAMES, type RecordTag } from "../chain/types/records/types.ts";
import { setLogSink } from "../base/log.ts";
import { flag, has, intFlag, parseArgs } from "./args.ts";

const USAGE = "usage: bunmark chain generate --blocks N --data DIR [--chain local] [--seed S] [--fork-at K]";

export async function main(args: string[]): Promise<number> {
  const p = parseArgs(args, ["help"]);
  if (has(p, "help") || p.positional[0] !== "generate" || p.positional.length !== 1 || !has(p, "blocks")) {
    (has(p, "help") ? console.log : console.error)(USAGE);
    return has(p, "help") ? 0 : 2;
  }
  const chain = flag(p, "chain") ?? "local";
  if (!isChainName(chain)) {
    console.error(`bunmark chain: unknown chain ${JSON.stringify(chain)}`);
    return 2;
  }
  const blocks = intFlag(p, "blocks", 0);
  const dir = flag(p, "data") ?? "data";
  const seed = flag(p, "seed") ?? "bunmark";
  const forkAt = has(p, "fork-at") ? intFlag(p, "fork-at", 0) : undefined;
  setLogSink((line) => process.stderr.write(line + "\n")); // stdout carries the JSON summary
  const store = openStore(dir, chain);
  try {
    const summary = await generateChain(store, {
      blocks,
      seed,
      forkAt,
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
