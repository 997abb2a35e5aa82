/**
 * Development harness of `bench crypto` (`make bench`): bunmark's implementations (src/bench/crypto.ts) measured
 * together with the anchors that only make sense on a development machine — Debian's `argon2` CLI (the C
 * reference, spawned, so its time includes process start), npm `argon2` (native C), `hash-wasm` (WASM) and
 * `@noble/hashes` (pure JS), all devDependencies — plus the memory floor (native/examples/memory_floor.rs, built by
 * `make bench`): the time one digest's 524,286 dependent random block reads take with no arithmetic, alone and on
 * two threads at once, which no compression code can beat. Then the goals tuned for the development VM.
 *
 *   bun bench/crypto.ts [--runs N] [--json]
 */
import { implementations, MEMORY_KIB, measure, PASSES, print, TAG, header, type Impl, type Skipped } from "../src/bench/crypto.ts";
import { reportLoad } from "../src/bench/load.ts";
import { atMost, goalLines, type Goal } from "./goals.ts";
import { existsSync } from "node:fs";
import { join } from "node:path";

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

/** The memory floor (medians in ms per digest, see memory_floor.rs), or why it was not measured. */
interface Floor {
  chase_ms: number;
  chase2_ms: number;
  digest_ms: number;
  digest2_ms: number;
}

function memoryFloor(runs: number, skipped: Skipped[]): Floor | undefined {
  const exe = join(import.meta.dir, "../native/target/release/examples/memory_floor");
  if (!existsSync(exe)) {
    skipped.push({ key: "memory-floor", note: "not built (make bench builds native/examples/memory_floor.rs)" });
    return undefined;
  }
  const p = Bun.spawnSync([exe, String(runs), "--json"], { stderr: "pipe" });
  if (p.exitCode !== 0) {
    skipped.push({ key: "memory-floor", note: `failed: ${p.stderr.toString().trim()}` });
    return undefined;
  }
  return JSON.parse(p.stdout.toString()) as Floor;
}

function goals(med: Record<string, number>, drift: number | undefined, floor: Floor | undefined): Goal[] {
  const ratio = (a: string, b: string) => {
    const x = med[a];
    const y = med[b];
    return x !== undefined && y !== undefined ? x / y : undefined;
  };
  return [
    atMost("crypto", "native ≤ 0.67 × argon2 CLI", ratio("native", "argon2-cli"), 0.67),
    atMost("crypto", "native ≤ 1.1 × the memory floor", floor && med["native"] !== undefined ? med["native"] / floor.chase_ms : undefined, 1.1),
    atMost("crypto", "native batch of 2 ≤ 1.15 × native single", ratio("native-batch-2", "native"), 1.15),
    atMost("crypto", "TypeScript ≤ 2 × hash-wasm", ratio("ts", "hash-wasm"), 2),
    atMost("crypto", "TypeScript < @noble/hashes", ratio("ts", "noble"), 1, true),
    atMost("crypto", "timer drift during a native batch < 50 ms", drift, 50, true),
  ];
}

/** Runs the comparison; prints the table (or JSON) and returns the goals. */
export async function cryptoBench(runs: number, json: boolean): Promise<Goal[]> {
  const load = reportLoad("crypto");
  const skipped: Skipped[] = [];
  const impls = [...implementations(skipped), ...(await anchors(header(0), skipped))];
  const m = await measure(impls, runs, (s) => json || process.stderr.write(s));
  const floor = memoryFloor(runs, skipped);
  const results = goals(m.medians, m.drift, floor);
  print({ impls, m, runs, skipped, load, json, goals: results, base: { key: "argon2-cli", label: "C ref" }, extra: floor && { memory_floor: floor } });
  if (floor && !json) {
    const native = m.medians["native"];
    console.log(
      `memory floor (dependent reads of whole random 1 KiB blocks, one digest's worth): ${floor.chase_ms.toFixed(1)} ms alone, ` +
        `${floor.chase2_ms.toFixed(1)} ms on 2 threads at once (${(floor.chase2_ms / floor.chase_ms).toFixed(2)}×); ` +
        `native digest ${native === undefined ? "—" : `${(native / floor.chase_ms).toFixed(2)}×`} the floor ` +
        `(in the Rust process: ${(floor.digest_ms / floor.chase_ms).toFixed(2)}× alone, two at once ${(floor.digest2_ms / floor.digest_ms).toFixed(2)}× one)`,
    );
  }
  return results;
}

if (import.meta.main) {
  const runs = Number(process.argv[process.argv.indexOf("--runs") + 1] ?? 5) || 5;
  const results = await cryptoBench(runs, process.argv.includes("--json"));
  if (!process.argv.includes("--json")) console.log(["", ...goalLines(results)].join("\n"));
  process.exitCode = results.some((g) => g.status === "fail") ? 1 : 0;
}
