/**
 * Development harness of `bench crypto` (`make bench`): bunmark's implementations (src/bench/crypto.ts) measured
 * together with the anchors that only make sense on a development machine — Debian's `argon2` CLI (the C
 * reference, spawned, so its time includes process start), npm `argon2` (native C), `hash-wasm` (WASM) and
 * `@noble/hashes` (pure JS), all devDependencies — and the goals tuned for the development VM.
 *
 *   bun bench/crypto.ts [--runs N] [--json]
 */
import { implementations, MEMORY_KIB, measure, PASSES, print, TAG, header, type Impl, type Skipped } from "../src/bench/crypto.ts";
import { reportLoad } from "../src/bench/load.ts";
import { atMost, goalLines, type Goal } from "./goals.ts";

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

function goals(med: Record<string, number>, drift: number | undefined): Goal[] {
  const ratio = (a: string, b: string) => {
    const x = med[a];
    const y = med[b];
    return x !== undefined && y !== undefined ? x / y : undefined;
  };
  return [
    atMost("crypto", "native ≤ 0.67 × argon2 CLI", ratio("native", "argon2-cli"), 0.67),
    atMost("crypto", "native batch of 2 ≤ 1.2 × native single", ratio("native-batch-2", "native"), 1.2),
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
  const results = goals(m.medians, m.drift);
  print({ impls, m, runs, skipped, load, json, goals: results, base: { key: "argon2-cli", label: "C ref" } });
  return results;
}

if (import.meta.main) {
  const runs = Number(process.argv[process.argv.indexOf("--runs") + 1] ?? 5) || 5;
  const results = await cryptoBench(runs, process.argv.includes("--json"));
  if (!process.argv.includes("--json")) console.log(["", ...goalLines(results)].join("\n"));
  process.exitCode = results.some((g) => g.status === "fail") ? 1 : 0;
}
