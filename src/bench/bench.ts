/**
 * `bunmark bench crypto|chain|wire|sync|rpc|rpc-ownership|mine|all`: runs one benchmark module, or all of them in turn, on the user's own
 * machine. Benchmarks report; they do not pass or fail (the goals tuned for development machines live in the
 * top-level bench/ folder and are checked by `make bench`). Modules load lazily: a command only pays for the
 * benchmark it runs. Each prints the load average first (src/bench/load.ts).
 */
import { parseCommand, renderHelp, UsageError } from "../cli/args.ts";
import { BENCH_SPEC, BENCH_SPECS } from "./specs.ts";

type BenchModule = { main(args: string[]): Promise<number> };

// Literal import paths so `bun build --compile` bundles every benchmark.
const BENCHES: Record<string, () => Promise<BenchModule>> = {
  crypto: () => import("./crypto.ts"),
  chain: () => import("./chain.ts"),
  wire: () => import("./wire.ts"),
  sync: () => import("./sync.ts"),
  rpc: () => import("./rpc.ts"),
  "rpc-ownership": () => import("./rpc-ownership.ts"),
  mine: () => import("./mine.ts"),
};

export const specs = [BENCH_SPEC, ...Object.values(BENCH_SPECS)];

export async function main(args: string[]): Promise<number> {
  const which = args.find((a) => !a.startsWith("-"));
  if (which === undefined || which === "all") {
    const p = parseCommand(BENCH_SPEC, args.filter((a) => a !== "all"));
    if (p === "help" || which === undefined) {
      (p === "help" ? console.log : console.error)(renderHelp(BENCH_SPEC));
      return p === "help" ? 0 : 1;
    }
    const pass = args.filter((a) => a !== "all" && (a === "--json" || a === "--quick"));
    for (const [name, load] of Object.entries(BENCHES)) {
      if (name === "chain" || name === "sync") await (await load()).main(pass.filter((a) => a !== "--quick"));
      else await (await load()).main(pass);
    }
    return 0;
  }
  const load = BENCHES[which];
  if (!load) throw new UsageError(`${which}: unknown benchmark (${Object.keys(BENCHES).join(", ")} or all)`);
  return (await load()).main(args.filter((_, i) => i !== args.indexOf(which)));
}
