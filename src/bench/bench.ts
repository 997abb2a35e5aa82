/**
 * `bunmark bench crypto|chain|wire|sync|mine|all [--json]`: runs one benchmark module, or all of them in turn.
 * Each module (./bench-<name>.ts) exports `main(args): Promise<number>` like a command and gets the other
 * arguments (`--json`: one JSON object on stdout instead of a table). Modules load lazily: a command only
 * pays for the benchmark it runs.
 */
import { has, parseArgs } from "../cli/args.ts";

type BenchModule = { main(args: string[]): Promise<number> };

// Literal import paths so `bun build --compile` bundles every benchmark.
const BENCHES: Record<string, () => Promise<BenchModule>> = {
  crypto: () => import("./crypto.ts"),
  chain: () => import("./chain.ts"),
  wire: () => import("./wire.ts"),
  sync: () => import("./sync.ts"),
  mine: () => import("./mine.ts"),
};

const USAGE = `usage: bunmark bench ${Object.keys(BENCHES).join("|")}|all [--json]`;

async function runOne(name: string, args: string[]): Promise<number> {
  return (await BENCHES[name]!()).main(args);
}

export async function main(args: string[]): Promise<number> {
  const p = parseArgs(args, ["help", "json", "quick"]); // module booleans too, so they take no value here
  const [which, ...extra] = p.positional;
  if (has(p, "help") || which === undefined || extra.length > 0 || (which !== "all" && !(which in BENCHES))) {
    (has(p, "help") ? console.log : console.error)(USAGE);
    return has(p, "help") ? 0 : 2;
  }
  // Everything but the benchmark's name goes to the module (--json, and module options such as --runs).
  const pass = args.filter((_, i) => i !== args.indexOf(which));
  if (which !== "all") return runOne(which, pass);
  let worst = 0;
  for (const name of Object.keys(BENCHES)) worst = Math.max(worst, await runOne(name, pass));
  return worst;
}
