/**
 * `bunmark config check FILE [run's flags]`: the effective configuration (every default filled in, paths made
 * absolute) as JSON, or the first error (exit 1) — the same checks `run` makes before it starts, without the ones
 * that touch the machine (ports, key files). bunmark's own (bitmarkd has no configuration check).
 */
import { configFromArgs } from "./run.ts";
import { documentationAddresses } from "../node/preflight.ts";
import { parseOrHelp, UsageError, type CommandSpec } from "./args.ts";
import { spec as runSpec } from "./run.ts";

export const spec: CommandSpec = {
  name: "config check",
  summary: "print the effective configuration (defaults filled in) or the first error",
  args: "FILE",
  flags: runSpec.flags.filter((f) => f.name !== "config"),
  example: "bunmark config check /etc/bunmark/bunmark.json",
  ...(runSpec.notes && { notes: runSpec.notes }),
};

export async function main(args: string[]): Promise<number> {
  const p = parseOrHelp(spec, args);
  if (p === 0) return 0;
  const [verb, file] = p.positional;
  if (verb !== "check") throw new UsageError(verb === undefined ? "missing sub-command: check" : `${verb}: unknown sub-command (check)`);
  if (file === undefined) throw new UsageError("missing FILE");
  const rest = args.filter((a) => a !== "check" && a !== file);
  const cfg = configFromArgs(["--config", file, ...rest]);
  if (cfg === 0) return 0;
  for (const w of documentationAddresses(cfg)) console.error(`warning: ${w}`);
  console.log(JSON.stringify(cfg, null, 2));
  return 0;
}
