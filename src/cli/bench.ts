/**
 * `bunmark bench crypto|chain|wire|sync|all [--json]`: runs one benchmark module, or all of them in turn.
 * Each module (./bench-<name>.ts) exports `main(args): Promise<number>` like a command and gets the other
 * arguments (`--json`: one JSON object on stdout instead of a table). Modules written later by
 * other rooms are loaded lazily, and a missing one is reported as "not available yet".
 */
import { has, parseArgs } from "./args.ts";

type BenchModule = { main(args: string[]): Promise<number> };

// Literal import paths so `bun build --compile` bundles every benchmark.
const BENCHES: Record<string, () => Promise<BenchModule>> = {
  crypto: () => import("./bench-crypto.ts"),
  chain: () => import("./bench-chain.ts"),
  wire: () => import("./bench-wire.ts"),
  sync: () => import("./bench-sync.ts"),
};

const USAGE = `usage: bunmark bench ${Object.keys(BENCHES).join("|")}|all [--json]`;

function isModuleMissing(e: unknown): boolean {
  const code = (e as { code?: unknown } | undefined)?.code;
  return code === "ERR_MODULE_NOT_FOUND" || (e instanceof Error && /Cannot find module/.test(e.message));
}

async function runOne(name: string, args: string[]): Promise<number> {
  let mod: BenchModule;
  try {
    mod = await BENCHES[name]!();
  } catch (e) {
    if (!isModuleMissing(e)) throw e;
    console.log(`bench ${name}: not available yet`);
    return 0;
  }
  return mod.main(args);
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
