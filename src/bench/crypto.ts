/**
 * `bunmark bench crypto`: the Argon2d block digest (m = 128 MiB, t = 4, p = 1, 32-byte tag, password = salt = one
 * 100-byte header) on this machine: bunmark's Rust addon (single, and batches of 2 and 4 with the main thread's
 * timer drift) against its TypeScript twin. Every implementation gets a warm-up, then N rounds run round-robin
 * (fairer on a shared machine); the table shows medians and ratios. All outputs must be the same digest.
 * Reports only: the development anchors (argon2 CLI, npm argon2, hash-wasm, @noble/hashes) and the goals are in
 * bench/crypto.ts, run by `make bench`, which reuses `measure` below.
 */
import { availableParallelism, cpus } from "node:os";
import { toHex } from "../encoding/hex.ts";
import { backendByName } from "../crypto/index.ts";
import { loadNativeAddon } from "../crypto/native.ts";
import { has, intFlag, noExtraArgs, parseOrHelp } from "../cli/args.ts";
import { reportLoad, type Load } from "./load.ts";
import { median, withDrift } from "./shared.ts";
import { BENCH_SPECS } from "./specs.ts";
import { BenchError } from "./errors.ts";

export const MEMORY_KIB = 131072;
export const PASSES = 4;
export const TAG = 32;

/** A 100-byte printable header, so the argon2 CLI (salt = a command-line argument) can take the same bytes. */
export function header(variant: number): Uint8Array {
  const text = `bunmark bench header ${variant} `.padEnd(100, "0123456789abcdef");
  return new TextEncoder().encode(text);
}

export interface Impl {
  key: string;
  label: string;
  /** one measured call; returns the digest(s) it computed */
  run: () => Promise<Uint8Array[]>;
  /** max timer lateness (ms) seen during each run, when monitored */
  drift?: number[];
  /** measured in this many of the rounds only (the slow TypeScript twin under --quick) */
  rounds?: number;
}

export interface Skipped {
  key: string;
  note: string;
}

/** bunmark's own implementations: native (when the addon loads) and TypeScript. */
export function implementations(skipped: Skipped[], quick = false): Impl[] {
  const input = header(0);
  const impls: Impl[] = [];
  const native = backendByName("native");
  const js = backendByName("js")!;
  if (native) {
    impls.push({ key: "native", label: "bunmark native blockDigest (Rust)", run: async () => [native.blockDigest(input)] });
    for (const n of [2, 4]) {
      const headers = Array.from({ length: n }, (_, i) => (i === 0 ? input : header(i)));
      const impl: Impl = {
        key: `native-batch-${n}`,
        label: `bunmark native batch of ${n} (wall)`,
        drift: [],
        run: async () => {
          const { result, drift } = await withDrift(() => native.blockDigestBatch(headers));
          impl.drift!.push(drift);
          return result;
        },
      };
      impls.push(impl);
    }
  } else skipped.push({ key: "native", note: "native addon not built (make native)" });
  impls.push({ key: "ts", label: "bunmark TypeScript blockDigest", run: async () => [js.blockDigest(input)], ...(quick ? { rounds: 0 } : {}) });
  return impls;
}

export interface Measured {
  medians: Record<string, number>;
  digest: string;
  /** worst timer drift during native batches */
  drift: number | undefined;
}

/** Warm-up, then `runs` rounds round-robin; medians per implementation (an implementation's warm-up counts when it has no rounds). */
export async function measure(impls: Impl[], runs: number, progress: (s: string) => unknown): Promise<Measured> {
  const times = impls.map((impl) => ({ impl, samples: [] as number[] }));
  const digests = new Set<string>();
  for (let round = 0; round <= runs; round++) {
    progress(round === 0 ? "warm-up" : ` ${round}`);
    for (const { impl, samples } of times) {
      if (round > 0 && impl.rounds !== undefined && round > impl.rounds) continue;
      // The JS implementations leave 128 MiB of garbage; collected here, not on a spare core during the next run.
      Bun.gc(true);
      const t = performance.now();
      const out = await impl.run();
      const ms = performance.now() - t;
      if (round > 0 || impl.rounds === 0) samples.push(ms);
      if (round === 0) impl.drift?.splice(0); // the warm-up run's drift includes thread start-up
      const [digest] = out;
      if (digest === undefined) throw new BenchError({ code: "RESULTS_DIFFER", what: impl.key }, `${impl.label} returned no digest`);
      digests.add(toHex(digest));
    }
  }
  progress("\n");
  const [digest, ...others] = digests;
  if (digest === undefined || others.length > 0) throw new BenchError({ code: "RESULTS_DIFFER", what: "digest" }, `implementations disagree on the digest: ${[...digests].join(", ")}`);
  const medians: Record<string, number> = {};
  for (const { impl, samples } of times) medians[impl.key] = median(samples);
  const batchDrift = impls.flatMap((i) => i.drift ?? []);
  return { medians, digest, drift: batchDrift.length ? Math.max(...batchDrift) : undefined };
}

export const machine = () => ({ cpu: cpus()[0]?.model ?? "unknown", cores: availableParallelism(), bun: Bun.version, platform: `${process.platform}-${process.arch}` });

export async function main(args: string[]): Promise<number> {
  const p = parseOrHelp(BENCH_SPECS.crypto, args);
  if (p === 0) return 0;
  noExtraArgs(p);
  const quick = has(p, "quick");
  const runs = quick ? 1 : intFlag(p, "runs", 5);
  if (runs < 1) throw new BenchError({ code: "VALUE_INVALID", what: "--runs" }, "--runs must be at least 1");
  const json = has(p, "json");
  const load: Load = reportLoad("crypto");
  const progress = (s: string) => json || process.stderr.write(s);
  const skipped: Skipped[] = [];
  const impls = implementations(skipped, quick);
  const m = await measure(impls, runs, progress);
  print({ impls, m, runs, skipped, load, json });
  return 0;
}

/** The report (table or JSON); `base` adds a ratio column, `goals` and `extra` add JSON fields (for bench/crypto.ts). */
export function print(o: { impls: Impl[]; m: Measured; runs: number; skipped: Skipped[]; load: Load; json: boolean; goals?: unknown[]; base?: { key: string; label: string }; extra?: Record<string, unknown> | undefined }): void {
  const { impls, m, runs, skipped, load, json } = o;
  const mach = machine();
  // Which Argon2 compression each backend ran (BUNMARK_HASHING_PATH forces the native one) and the CPU features behind it.
  const hashing = { native: backendByName("native")?.hashingPath() ?? null, ts: backendByName("js")!.hashingPath(), cpuFeatures: loadNativeAddon()?.cpuFeatures() ?? [] };
  if (json) {
    console.log(JSON.stringify({
      bench: "crypto",
      machine: mach,
      load,
      parameters: { memoryKiB: MEMORY_KIB, passes: PASSES, lanes: 1, tagLength: TAG, inputBytes: 100, runs },
      digest: m.digest,
      hashing,
      medians_ms: m.medians,
      max_timer_drift_ms: m.drift ?? null,
      skipped,
      ...o.extra,
      ...(o.goals ? { goals: o.goals } : {}),
    }));
    return;
  }
  const ts = m.medians["ts"];
  const base = o.base === undefined ? undefined : m.medians[o.base.key];
  const x = (v: number, b: number | undefined) => (b === undefined ? "—" : `${(v / b).toFixed(2)}×`);
  console.log(`bench crypto: Argon2d m=${MEMORY_KIB} KiB t=${PASSES} p=1, 100-byte header; ${mach.cpu} (${mach.cores} cores), bun ${mach.bun}`);
  console.log(`median of ${runs} round${runs > 1 ? "s" : ""} after a warm-up; digest ${m.digest}`);
  console.log(`hashing path: native ${hashing.native ?? "—"} (CPU: ${hashing.cpuFeatures.join(" ") || "—"}), TypeScript ${hashing.ts}`);
  console.log("");
  console.log(`${"implementation".padEnd(40)}${"median ms".padStart(11)}${"vs TypeScript".padStart(15)}${o.base ? `vs ${o.base.label}`.padStart(18) : ""}`);
  for (const impl of impls) {
    const v = m.medians[impl.key];
    if (v === undefined) continue; // measure() gives every implementation it ran a median
    console.log(`${impl.label.padEnd(40)}${v.toFixed(1).padStart(11)}${x(v, ts).padStart(15)}${o.base ? x(v, base).padStart(18) : ""}`);
  }
  for (const s of skipped) console.log(`${s.key.padEnd(40)}${"skipped".padStart(11)}   ${s.note}`);
  if (m.drift !== undefined) console.log(`max timer drift during native batches: ${m.drift.toFixed(1)} ms`);
}
