/**
 * `bunmark bench mine [--json] [--threads N] [--seconds S]`: mining speed in block digests (Argon2d, 128 MiB,
 * t = 4) per second for 1..N threads (default: every core), the native addon vs the TypeScript twin, measured as
 * the built-in miner hashes: `threads` independent loops (runSlots) of one header each, consecutive nonces, through
 * `blockDigestBatch`. Each row runs at least S seconds (default 10) and two digests per thread. Reported against
 * issue 15's goals (one native thread ≥ 4 H/s; two ≥ 1.8 × one) and the anchor: the real recorderd (Debian
 * libargon2, no SIMD) ≈ 1.26 H/s on one thread.
 */
import { availableParallelism, cpus } from "node:os";
import { has, intFlag, noExtraArgs, parseOrHelp } from "../cli/args.ts";
import { backendByName, shutdownDigestWorkers, type HashBackend } from "../crypto/index.ts";
import { oneMinuteLoad, reportLoad } from "./load.ts";
import { BENCH_SPECS } from "./specs.ts";
import { BenchError } from "./errors.ts";
import { runSlots } from "../miner/hash-slots.ts";

const RECORDERD_ONE_THREAD = 1.26;

interface Row {
  backend: "native" | "js";
  threads: number;
  hashes: number;
  seconds: number;
  hashesPerSecond: number;
}

async function measure(backend: HashBackend, threads: number, seconds: number): Promise<Row> {
  const header = new Uint8Array(100).fill(0x5a);
  const view = new DataView(header.buffer);
  let nonce = 0n;
  let hashes = 0;
  // one digest first so thread or worker start-up is not counted
  await backend.blockDigestBatch([header]);
  const start = performance.now();
  await runSlots(threads, async () => {
    view.setBigUint64(92, ++nonce, true);
    await backend.blockDigestBatch([Uint8Array.from(header)]);
    hashes++;
    return hashes < 2 * threads || performance.now() - start < seconds * 1000;
  });
  const elapsed = (performance.now() - start) / 1000;
  return { backend: backend.name, threads, hashes, seconds: elapsed, hashesPerSecond: hashes / elapsed };
}

export async function main(args: string[]): Promise<number> {
  const p = parseOrHelp(BENCH_SPECS.mine, args);
  if (p === 0) return 0;
  noExtraArgs(p);
  const json = has(p, "json");
  reportLoad("mine");
  const maxThreads = intFlag(p, "threads", availableParallelism());
  const seconds = has(p, "quick") ? 3 : intFlag(p, "seconds", 10);
  if (maxThreads < 1 || seconds < 1) throw new BenchError({ code: "VALUE_INVALID", what: "--threads/--seconds" }, "--threads and --seconds must be at least 1");
  const backends = [backendByName("native"), backendByName("js")].filter((b): b is HashBackend => b !== undefined);
  const load = { before: oneMinuteLoad(), after: 0 };
  const rows: Row[] = [];
  for (const b of backends) {
    for (let t = 1; t <= maxThreads; t++) {
      if (!json) process.stderr.write(`${b.name} ${t} thread(s)… `);
      const row = await measure(b, t, seconds);
      rows.push(row);
      if (!json) process.stderr.write(`${row.hashesPerSecond.toFixed(2)} H/s\n`);
    }
  }
  await shutdownDigestWorkers();
  load.after = oneMinuteLoad();
  const rate = (backend: string, threads: number) => rows.find((r) => r.backend === backend && r.threads === threads)?.hashesPerSecond;
  const one = rate("native", 1);
  const two = rate("native", 2);
  const goals = [
    { goal: "one native thread ≥ 4 H/s", value: one, limit: 4, pass: one === undefined ? undefined : one >= 4 },
    { goal: "two native threads ≥ 1.8 × one", value: one && two ? two / one : undefined, limit: 1.8, pass: one && two ? two / one >= 1.8 : undefined },
  ];
  const machine = { cpu: cpus()[0]?.model ?? "unknown", cores: availableParallelism(), loadavg: load, bun: Bun.version };
  if (json) {
    console.log(JSON.stringify({ bench: "mine", machine, seconds, rows, anchor_recorderd_one_thread: RECORDERD_ONE_THREAD, goals }));
  } else {
    console.log(`bench mine: block digests per second; ${machine.cpu} (${machine.cores} cores), load ${load.before.toFixed(1)} → ${load.after.toFixed(1)}, bun ${machine.bun}`);
    console.log(`${"backend".padEnd(10)}${"threads".padStart(8)}${"hashes".padStart(8)}${"seconds".padStart(9)}${"H/s".padStart(8)}${"vs recorderd".padStart(14)}`);
    for (const r of rows) {
      console.log(`${r.backend.padEnd(10)}${String(r.threads).padStart(8)}${String(r.hashes).padStart(8)}${r.seconds.toFixed(1).padStart(9)}${r.hashesPerSecond.toFixed(2).padStart(8)}${`${(r.hashesPerSecond / RECORDERD_ONE_THREAD).toFixed(2)}×`.padStart(14)}`);
    }
    console.log(`anchor: recorderd 8.2 ≈ ${RECORDERD_ONE_THREAD} H/s on one thread (Debian libargon2)`);
    for (const g of goals) {
      const status = g.pass === undefined ? "SKIP" : g.pass ? "PASS" : "FAIL";
      console.log(`  ${status.padEnd(5)} ${g.goal.padEnd(34)} ${g.value === undefined ? "not measured" : `${g.value.toFixed(2)} (limit ${g.limit})`}`);
    }
  }
  return 0; // a benchmark reports; it does not fail (src/bench/bench.ts)
}
