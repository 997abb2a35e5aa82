/**
 * `bunmark bench rpc-ownership [--json] [--bitmarks N] [--steps S] [--runs R] [--cache DIR]`: the ownership
 * queries of the client RPC in process (no transport), on a generated `local` chain with N bitmarks (default
 * 10,000) of one holder and one bitmark moved S times (default 200):
 *   - `Owner.Bitmarks` pages of 200 through all of the holder's bitmarks, following `next`;
 *   - `Bitmark.Provenance` of the moved bitmark with count 200.
 * Each call is timed from the parsed argument to the reply's JSON text (what the transport writes), R rounds
 * (default 20); median and p99 in ms, and the process CPU per call. Goal (issue 14): under 10 ms each. The chain is generated once (S + 1
 * Argon2 digests) into the cache directory.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { accountToString } from "../chain/types/account.ts";
import { openStore } from "../chain/store/store.ts";
import { setLogLevel } from "../base/log.ts";
import { flag, has, intFlag, parseOrHelp } from "../cli/args.ts";
import { BENCH_SPECS } from "./specs.ts";
import { ModeState } from "../base/mode.ts";
import { startReservoir } from "../reservoir/index.ts";
import { parseJsonExact } from "../rpc/go-decode.ts";
import { goStringify } from "../rpc/go-json.ts";
import { METHODS, type MethodDeps } from "../rpc/methods/index.ts";
import { generateOwnershipChain } from "../testnet/generate.ts";
import { median } from "./shared.ts";
import { BenchError } from "./errors.ts";

const SEED = "bench-rpc-ownership";
const PAGE = 200;
/** what the cache directory records about its chain */
const FACTS = "ownership-chain.json";

interface Figures {
  calls: number;
  medianMs: number;
  p99Ms: number;
  maxMs: number;
  /** process CPU (user + system) per call: less sensitive than wall time to other processes on the machine */
  cpuMsPerCall: number;
}

function figures(ms: number[], cpuMicros: number): Figures {
  const sorted = [...ms].sort((a, b) => a - b);
  // NaN without calls, as median() gives
  const p99Ms = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? NaN;
  return { calls: ms.length, medianMs: median(ms), p99Ms, maxMs: sorted.at(-1) ?? NaN, cpuMsPerCall: cpuMicros / 1000 / ms.length };
}

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** Times one method call as the transport would make it: decode the argument, run, encode the reply. */
function timed(method: string, arg: string, deps: MethodDeps): { ms: number; reply: { next?: string; data: unknown[] } } {
  const run = METHODS[method];
  if (run === undefined) throw new BenchError({ code: "VALUE_INVALID", what: method }, `no RPC method ${method}`);
  const t = performance.now();
  const text = goStringify(run(parseJsonExact(arg), deps));
  const ms = performance.now() - t;
  return { ms, reply: JSON.parse(text) };
}

export async function main(args: string[]): Promise<number> {
  const p = parseOrHelp(BENCH_SPECS["rpc-ownership"], args);
  if (p === 0) return 0;
  const json = has(p, "json");
  const say = (s: string) => json || process.stderr.write(s);
  setLogLevel("warn");
  const bitmarks = intFlag(p, "bitmarks", 10_000);
  const steps = intFlag(p, "steps", 200);
  const runs = intFlag(p, "runs", 20);
  const dir = flag(p, "cache") ?? join(tmpdir(), `bunmark-bench-rpc-ownership-${bitmarks}-${steps}`);

  const store = openStore(dir, "local");
  const mode = new ModeState();
  mode.set("Normal");
  const rsv = startReservoir({ store, chain: "local", broadcast: () => {} });
  try {
    let chain: { holder: string; lastTransfer: string; generateSeconds?: number };
    if (store.height() === 1) {
      say(`generating ${bitmarks} bitmarks and a ${steps}-step transfer chain in ${dir} (once, ${steps + 1} blocks):`);
      const c = await generateOwnershipChain(store, { seed: SEED, bitmarks, steps, onBlock: (n) => n % 20 === 0 && say(` ${n}`) });
      say("\n");
      chain = { holder: accountToString(c.holder), lastTransfer: Buffer.from(c.lastTransfer).toString("hex"), generateSeconds: c.seconds };
      writeFileSync(join(dir, FACTS), JSON.stringify({ holder: chain.holder, lastTransfer: chain.lastTransfer }));
    } else if (existsSync(join(dir, FACTS))) {
      chain = JSON.parse(readFileSync(join(dir, FACTS), "utf8"));
    } else {
      throw new BenchError({ code: "CACHE_OTHER_CHAIN", dir }, `${dir} holds another chain; use a fresh --cache`);
    }
    const deps: MethodDeps = {
      chain: "local",
      mode,
      store,
      reservoir: rsv,
      broadcast: { send: () => {} },
      announce: { rpcs: () => [] },
      facts: { publicKey: "", peerCounts: () => ({ incoming: 0, outgoing: 0 }) },
      stats: { rpcs: 1 },
      version: "bench",
      startedAt: process.hrtime.bigint(),
    };

    const ownerMs: number[] = [];
    let listed = 0;
    let cpu = cpuMicros();
    for (let r = 0; r < runs; r++) {
      listed = 0;
      for (let start = "0"; ; ) {
        const { ms, reply } = timed("Owner.Bitmarks", `{"owner":"${chain.holder}","start":"${start}","count":${PAGE}}`, deps);
        ownerMs.push(ms);
        listed += reply.data.length;
        if (reply.data.length < PAGE) break;
        start = reply.next!;
      }
    }
    const ownerCpu = cpuMicros() - cpu;
    const provenanceMs: number[] = [];
    let steps200 = 0;
    cpu = cpuMicros();
    for (let r = 0; r < runs * 10; r++) {
      const { ms, reply } = timed("Bitmark.Provenance", `{"txId":"${chain.lastTransfer}","count":${PAGE}}`, deps);
      provenanceMs.push(ms);
      steps200 = reply.data.length;
    }
    const provenanceCpu = cpuMicros() - cpu;
    const owner = figures(ownerMs, ownerCpu);
    const provenance = figures(provenanceMs, provenanceCpu);
    if (json) {
      console.log(JSON.stringify({ bench: "rpc-ownership", bitmarks, steps, page: PAGE, listed, provenanceEntries: steps200, generateSeconds: chain.generateSeconds ?? null, owner, provenance }));
      return 0;
    }
    const row = (name: string, f: Figures) => console.log(`  ${name.padEnd(34)} ${String(f.calls).padStart(6)} ${f.medianMs.toFixed(3).padStart(10)} ${f.p99Ms.toFixed(3).padStart(9)} ${f.maxMs.toFixed(3).padStart(9)} ${f.cpuMsPerCall.toFixed(3).padStart(10)}`);
    console.log(`bench rpc-ownership: ${bitmarks} bitmarks of one owner, a ${steps}-step transfer chain (in process, argument to reply text)`);
    if (chain.generateSeconds !== undefined) console.log(`  generated the chain in ${chain.generateSeconds.toFixed(1)} s`);
    console.log("  call                                calls  median ms    p99 ms    max ms  cpu ms/call");
    row(`Owner.Bitmarks pages of ${PAGE} (${listed} listed)`, owner);
    row(`Bitmark.Provenance count ${PAGE} (${steps200} entries)`, provenance);
    return 0;
  } finally {
    rsv.stop();
    await store.close();
  }
}
