/**
 * `bunmark bench chain [--json] [--blocks N] [--ts-blocks M] [--cache DIR]`: block store/validate throughput
 * (StoreIncoming on a fresh `local` store) for N generated blocks (default 500) with the native digest, and
 * for the first M (default 8) with the TypeScript digest twin, whose figure is stated as measured on M blocks.
 * Each run reports blocks/s and the time split: Argon2 digests (computed in batches off the JS thread, as
 * the connector does) vs the rest (decode, signatures, merkle root, ownership, one LMDB transaction per block).
 * The chain is generated once (N Argon2 digests) and kept in the cache directory for later runs.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join } from "node:path";
import type { HashBackend } from "../crypto/api.ts";
import { activeBackendName, backendByName } from "../crypto/index.ts";
import { generateChain } from "../testnet/generate.ts";
import { digestsFor } from "../chain/store/store-incoming.ts";
import { openStore } from "../chain/store/store.ts";
import { setLogLevel } from "../base/log.ts";
import { flag, has, intFlag, noExtraArgs, parseOrHelp } from "../cli/args.ts";
import { reportLoad } from "./load.ts";
import { BENCH_SPECS } from "./specs.ts";
import { BenchError } from "./errors.ts";

const SEED = "bench-chain";
/** digests per batch: what one connector cycle would verify at a time */
const BATCH = 50;

interface Run {
  digest: "native" | "js";
  blocks: number;
  seconds: number;
  digestSeconds: number;
  restSeconds: number;
  blocksPerSecond: number;
  /** blocks/s without the digests: decoding, validation and storage only */
  restBlocksPerSecond: number;
}

/** Stores `blocks` into a fresh store, digests in batches with `backend`, timing the two parts. */
async function measure(name: "native" | "js", backend: HashBackend, blocks: Uint8Array[], say: (s: string) => void): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "bunmark-bench-chain-"));
  const store = openStore(dir, "local", { hash: backend });
  let digestMs = 0;
  let restMs = 0;
  try {
    for (let i = 0; i < blocks.length; i += BATCH) {
      const batch = blocks.slice(i, i + BATCH);
      let t = performance.now();
      const digests = await digestsFor(store, batch);
      digestMs += performance.now() - t;
      t = performance.now();
      for (const [k, packed] of batch.entries()) {
        const digest = digests[k];
        if (digest === undefined) throw new BenchError({ code: "RESULTS_DIFFER", what: `digest of block ${i + k + 2}` }, `no digest for block ${i + k + 2}`);
        await store.storeIncoming(packed, { digest });
      }
      restMs += performance.now() - t;
      say(` ${i + batch.length}`);
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const seconds = (digestMs + restMs) / 1000;
  return {
    digest: name,
    blocks: blocks.length,
    seconds,
    digestSeconds: digestMs / 1000,
    restSeconds: restMs / 1000,
    blocksPerSecond: blocks.length / seconds,
    restBlocksPerSecond: (blocks.length * 1000) / restMs,
  };
}

/** The generated chain's blocks, generating them into `dir` the first time. */
async function chainBlocks(dir: string, count: number, say: (s: string) => void): Promise<{ blocks: Uint8Array[]; generateSeconds?: number }> {
  const store = openStore(dir, "local");
  try {
    let generateSeconds: number | undefined;
    if (store.height() === 1) {
      say(`generating ${count} blocks in ${dir} (once):`);
      generateSeconds = (await generateChain(store, { blocks: count, seed: SEED, onBlock: (n) => n % 50 === 0 && say(` ${n}`) })).seconds;
      say("\n");
    }
    if (store.height() !== count + 1) throw new BenchError({ code: "CACHE_OTHER_CHAIN", dir, height: store.height() }, `${dir} holds another chain (height ${store.height()}); use a fresh --cache`);
    return { blocks: Array.from({ length: count }, (_, i) => store.getBlock(i + 2)), ...(generateSeconds === undefined ? {} : { generateSeconds }) };
  } finally {
    await store.close();
  }
}

const fmt = (x: number, digits = 1) => x.toFixed(digits);

export async function main(args: string[]): Promise<number> {
  const p = parseOrHelp(BENCH_SPECS.chain, args);
  if (p === 0) return 0;
  noExtraArgs(p);
  const json = has(p, "json");
  const load = reportLoad("chain");
  const say = (s: string) => json || process.stderr.write(s);
  setLogLevel("warn");
  const native = backendByName("native");
  const js = backendByName("js")!;
  const count = intFlag(p, "blocks", 500);
  const tsCount = Math.min(intFlag(p, "ts-blocks", 8), count);
  if (!native) say("native digest backend not available: the chain is generated with the TypeScript twin (slow)\n");
  const cache = flag(p, "cache") ?? join(tmpdir(), `bunmark-bench-chain-${count}`);
  const { blocks, generateSeconds } = await chainBlocks(cache, count, say);

  const runs: Run[] = [];
  if (native) {
    say(`native digests, ${count} blocks:`);
    runs.push(await measure("native", native, blocks, say));
    say("\n");
  }
  say(`TypeScript digests, ${tsCount} blocks:`);
  runs.push(await measure("js", js, blocks.slice(0, tsCount), say));
  say("\n");

  const machine = { cpus: availableParallelism(), model: cpus()[0]?.model ?? "unknown" };
  if (json) {
    console.log(JSON.stringify({ bench: "chain", machine, load, defaultDigest: activeBackendName(), blocks: count, generateSeconds: generateSeconds ?? null, batch: BATCH, runs }));
    return 0;
  }
  console.log(`bench chain: StoreIncoming of ${count} generated local blocks on ${machine.cpus} × ${machine.model}; digests in batches of ${BATCH}`);
  if (generateSeconds !== undefined) console.log(`  generated the chain in ${fmt(generateSeconds)} s (${fmt(count / generateSeconds, 2)} blocks/s)`);
  console.log("  digest   blocks   blocks/s   total s   digest s   rest s   rest blocks/s");
  for (const r of runs) {
    console.log(
      `  ${r.digest.padEnd(7)} ${String(r.blocks).padStart(7)} ${fmt(r.blocksPerSecond, 2).padStart(10)} ${fmt(r.seconds).padStart(9)} ${fmt(r.digestSeconds).padStart(10)} ${fmt(r.restSeconds, 2).padStart(8)} ${fmt(r.restBlocksPerSecond).padStart(15)}`,
    );
  }
  const ts = runs.find((r) => r.digest === "js")!;
  if (ts.blocks < count) console.log(`  (TypeScript digests measured on the first ${ts.blocks} of ${count} blocks; blocks/s is per block, so it scales)`);
  return 0;
}
