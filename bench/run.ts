/**
 * `make bench`: every benchmark with the development anchors, then the goals tuned for the development VM
 * checked in one list — each missed goal named, exit 1 when any is. `bunmark bench` (the user's tool) only
 * reports; this is where pass/fail lives. chain has no goal (it reports); sync's goal is checked on its JSON.
 *
 *   bun bench/run.ts [--quick]
 */
import { join } from "node:path";
import { cryptoBench } from "./crypto.ts";
import { goalLines, atLeast, type Goal } from "./goals.ts";
import { wireBench } from "./wire.ts";

const quick = process.argv.includes("--quick");
const CLI = join(import.meta.dir, "..", "src", "main.ts");

/** `bunmark bench NAME --json` as a child process: its report. */
async function report(name: string, args: string[] = []): Promise<Record<string, unknown>> {
  const p = Bun.spawn([process.execPath, CLI, "bench", name, "--json", ...args], { stdout: "pipe", stderr: "inherit" });
  const [out, code] = await Promise.all([new Response(p.stdout).text(), p.exited]);
  if (code !== 0) throw new Error(`bunmark bench ${name} failed (exit ${code})`);
  return JSON.parse(out) as Record<string, unknown>;
}

const goals: Goal[] = [];
goals.push(...(await cryptoBench(quick ? 1 : 5, false)));
console.log("");
goals.push(...(await wireBench(quick ? ["--quick"] : [])));
console.log("");
const sync = await report("sync", quick ? ["--blocks", "40"] : []);
console.log(`bench sync: parallel verification ${Number(sync.speedup).toFixed(2)}× one block at a time`);
goals.push(atLeast("sync", "parallel ≥ 1.8 × sequential", sync.speedup as number, 1.8));
if (!quick) {
  const chain = await report("chain");
  console.log(`bench chain: ${JSON.stringify((chain.runs as unknown[]).map((r) => r))}`);
}

const missed = goals.filter((g) => g.status === "fail");
console.log(["", "goals (development VM):", ...goalLines(goals), "", missed.length === 0 ? "all goals met" : `missed: ${missed.map((g) => `${g.bench}: ${g.goal}`).join("; ")}`].join("\n"));
process.exitCode = missed.length > 0 ? 1 : 0;
