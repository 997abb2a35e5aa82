/**
 * `bunmark bench crypto [--json] [--runs N]`: the Argon2d block digest (m = 128 MiB, t = 4, p = 1, 32-byte tag,
 * password = salt = one 100-byte header) in one process, same input everywhere: our Rust addon (single and
 * batches of 2 and 4), our TypeScript twin, and anchors — Debian's `argon2` CLI (the C reference, spawned, so
 * its time includes process start), npm `argon2` (native C), `hash-wasm` (WASM), `@noble/hashes` (pure JS).
 * Every implementation gets a warm-up, then N ≥ 5 rounds run round-robin (fairer on a shared machine); the
 * table shows medians and ratios and checks the must-reach goals. All outputs must be the same digest.
 */
import { availableParallelism, cpus } from "node:os";
import { toHex } from "../chain/hex.ts";
import { backendByName } from "../crypto/index.ts";
import { loadNativeAddon } from "../crypto/native.ts";
import { has, intFlag, parseArgs } from "./args.ts";
import { median, withDrift } from "./bench-shared.ts";

const MEMORY_KIB = 131072;
const PASSES = 4;
const TAG = 32;

/** A 100-byte printable header, so the argon2 CLI (salt = a command-line argument) can take the same bytes. */
function header(variant: number): Uint8Array {
  const text = `bunmark bench header ${variant} `.padEnd(100, "0123456789abcdef");
  return new TextEncoder().encode(text);
}

interface Impl {
  key: string;
  label: string;
  /** one measured call; returns the digest(s) it computed */
  run: () => Promise<Uint8Array[]>;
  /** max timer lateness (ms) seen during each run, when monitored */
  drift?: number[];
}

interface Skipped {
  key: string;
  note: string;
}

async function optionalImport<T>(load: () => Promise<T>): Promise<T | undefined> {
  try {
    return await load();
  } catch {
    return undefined;
  }
}

async function anchors(input: Uint8Array, skipped: Skipped[]): Promise<Impl[]> {
  const impls: Impl[] = [];
  const cli = Bun.which("argon2");
  if (cli) {
    const salt = new TextDecoder().decode(input);
    impls.push({
      key: "argon2-cli",
      label: "argon2 CLI (C reference, spawned)",
      run: async () => {
        const p = Bun.spawn([cli, salt, "-d", "-m", String(Math.log2(MEMORY_KIB)), "-t", String(PASSES), "-p", "1", "-l", String(TAG), "-r"], {
          stdin: input,
          stdout: "pipe",
          stderr: "pipe",
        });
        const out = (await new Response(p.stdout).text()).trim();
        if ((await p.exited) !== 0) throw new Error(`argon2 CLI failed: ${await new Response(p.stderr).text()}`);
        return [new Uint8Array(Buffer.from(out, "hex"))];
      },
    });
  } else skipped.push({ key: "argon2-cli", note: "Debian argon2 CLI not installed (apt-get install argon2)" });

  // npm argon2's prebuilt N-API binding loads under Bun, so it runs in-process (on libuv's thread pool).
  const npmArgon2 = await optionalImport(() => import("argon2"));
  if (npmArgon2) {
    const a = npmArgon2.default ?? npmArgon2;
    impls.push({
      key: "npm-argon2",
      label: "npm argon2 (native C)",
      run: async () => [
        new Uint8Array(
          await a.hash(Buffer.from(input), {
            type: a.argon2d, memoryCost: MEMORY_KIB, timeCost: PASSES, parallelism: 1, hashLength: TAG,
            salt: Buffer.from(input), version: 0x13, raw: true,
          }),
        ),
      ],
    });
  } else skipped.push({ key: "npm-argon2", note: "npm argon2 not installed (devDependency)" });

  const hashWasm = await optionalImport(() => import("hash-wasm"));
  if (hashWasm) {
    impls.push({
      key: "hash-wasm",
      label: "hash-wasm (WASM)",
      run: async () => [
        await hashWasm.argon2d({
          password: input, salt: input, parallelism: 1, iterations: PASSES, memorySize: MEMORY_KIB, hashLength: TAG,
          outputType: "binary",
        }),
      ],
    });
  } else skipped.push({ key: "hash-wasm", note: "hash-wasm not installed (devDependency)" });

  const noble = await optionalImport(() => import("@noble/hashes/argon2.js"));
  if (noble) {
    impls.push({
      key: "noble",
      label: "@noble/hashes (pure JS)",
      run: async () => [noble.argon2d(input, input, { t: PASSES, m: MEMORY_KIB, p: 1, dkLen: TAG })],
    });
  } else skipped.push({ key: "noble", note: "@noble/hashes not installed (devDependency)" });
  return impls;
}

async function implementations(skipped: Skipped[]): Promise<Impl[]> {
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
  impls.push({ key: "ts", label: "bunmark TypeScript blockDigest", run: async () => [js.blockDigest(input)] });
  return [...impls, ...(await anchors(input, skipped))];
}

interface Goal {
  goal: string;
  status: "pass" | "fail" | "skip";
  value?: number;
  limit: number;
}

function goals(med: Record<string, number>, drift: number | undefined): Goal[] {
  const ratio = (a: string, b: string) => (med[a] !== undefined && med[b] !== undefined ? med[a]! / med[b]! : undefined);
  const check = (goal: string, value: number | undefined, limit: number, strict = false): Goal =>
    value === undefined
      ? { goal, status: "skip", limit }
      : { goal, status: (strict ? value < limit : value <= limit) ? "pass" : "fail", value, limit };
  return [
    check("native ≤ 0.67 × argon2 CLI", ratio("native", "argon2-cli"), 0.67),
    check("native batch of 2 ≤ 1.2 × native single", ratio("native-batch-2", "native"), 1.2),
    check("TypeScript ≤ 2 × hash-wasm", ratio("ts", "hash-wasm"), 2),
    check("TypeScript < @noble/hashes", ratio("ts", "noble"), 1, true),
    check("timer drift during a native batch < 50 ms", drift, 50, true),
  ];
}

export async function main(args: string[]): Promise<number> {
  const p = parseArgs(args, ["json", "help"]);
  if (has(p, "help") || p.positional.length > 0) {
    (has(p, "help") ? console.log : console.error)("usage: bunmark bench crypto [--json] [--runs N (≥ 5)]");
    return has(p, "help") ? 0 : 2;
  }
  const runs = intFlag(p, "runs", 5);
  if (runs < 5) throw new Error("--runs must be at least 5");
  const json = has(p, "json");
  const progress = (s: string) => json || process.stderr.write(s);

  const skipped: Skipped[] = [];
  const impls = await implementations(skipped);
  const times = new Map<string, number[]>(impls.map((i) => [i.key, []]));
  const digests = new Set<string>();
  for (let round = 0; round <= runs; round++) {
    progress(round === 0 ? "warm-up" : ` ${round}`);
    for (const impl of impls) {
      // The JS implementations leave 128 MiB of garbage; collected here, not on a spare core during the next run.
      Bun.gc(true);
      const t = performance.now();
      const out = await impl.run();
      const ms = performance.now() - t;
      if (round > 0) times.get(impl.key)!.push(ms);
      else impl.drift?.splice(0); // the warm-up run's drift includes thread start-up
      digests.add(toHex(out[0]!));
    }
  }
  progress("\n");
  if (digests.size !== 1) throw new Error(`implementations disagree on the digest: ${[...digests].join(", ")}`);

  const med: Record<string, number> = {};
  for (const [k, v] of times) med[k] = median(v);
  const batchDrift = impls.flatMap((i) => i.drift ?? []);
  const drift = batchDrift.length ? Math.max(...batchDrift) : undefined;
  const results = goals(med, drift);
  const machine = { cpu: cpus()[0]?.model ?? "unknown", cores: availableParallelism(), bun: Bun.version, platform: `${process.platform}-${process.arch}` };
  // Which Argon2 compression each backend ran (BUNMARK_HASHING_PATH forces the native one) and the CPU features behind it.
  const addon = loadNativeAddon();
  const hashing = { native: backendByName("native")?.hashingPath() ?? null, ts: backendByName("js")!.hashingPath(), cpuFeatures: addon?.cpuFeatures() ?? [] };

  if (json) {
    console.log(JSON.stringify({
      bench: "crypto",
      machine,
      parameters: { memoryKiB: MEMORY_KIB, passes: PASSES, lanes: 1, tagLength: TAG, inputBytes: 100, runs },
      digest: [...digests][0],
      hashing,
      medians_ms: med,
      max_timer_drift_ms: drift ?? null,
      skipped,
      goals: results,
    }));
  } else {
    const ref = med["argon2-cli"];
    const wasm = med["hash-wasm"];
    const x = (v: number, base: number | undefined) => (base === undefined ? "—" : `${(v / base).toFixed(2)}×`);
    console.log(`bench crypto: Argon2d m=${MEMORY_KIB} KiB t=${PASSES} p=1, 100-byte header; ${machine.cpu} (${machine.cores} cores), bun ${machine.bun}`);
    console.log(`median of ${runs} rounds after a warm-up; digest ${[...digests][0]}`);
    console.log(`hashing path: native ${hashing.native ?? "—"} (CPU: ${hashing.cpuFeatures.join(" ") || "—"}), TypeScript ${hashing.ts}`);
    console.log("");
    console.log(`${"implementation".padEnd(40)}${"median ms".padStart(11)}${"vs C ref".padStart(11)}${"vs hash-wasm".padStart(14)}`);
    for (const impl of impls) {
      const v = med[impl.key]!;
      console.log(`${impl.label.padEnd(40)}${v.toFixed(1).padStart(11)}${x(v, ref).padStart(11)}${x(v, wasm).padStart(14)}`);
    }
    for (const s of skipped) console.log(`${s.key.padEnd(40)}${"skipped".padStart(11)}   ${s.note}`);
    if (drift !== undefined) console.log(`max timer drift during native batches: ${drift.toFixed(1)} ms`);
    console.log("");
    for (const g of results) {
      const detail = g.value === undefined ? "not measured" : `${g.value.toFixed(2)} (limit ${g.limit})`;
      console.log(`  ${g.status.toUpperCase().padEnd(5)} ${g.goal.padEnd(46)} ${detail}`);
    }
  }
  return results.some((g) => g.status === "fail") ? 1 : 0;
}
