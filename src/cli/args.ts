/**
 * Command-line parsing from a table: each command declares its flags once (`CommandSpec`), and both the parser
 * and `--help` read that table, so the help cannot drift from what is accepted. Unknown flags are errors that
 * name the flag and the closest valid one; `--help` anywhere answers the command's help (exit 0).
 * Accepted forms: `--name value`, `--name=value`, repeatable flags, booleans.
 */
import { didYouMean } from "../base/closest.ts";
import { BunmarkError } from "../base/errors.ts";

export interface FlagSpec {
  readonly name: string;
  /** placeholder of the value (`HOST:PORT`); absent: a boolean flag */
  readonly value?: string;
  readonly repeat?: boolean;
  /** shown as the default in the help */
  readonly default?: string;
  readonly help: string;
}

export interface CommandSpec {
  /** `run`, `bench crypto` … */
  readonly name: string;
  readonly summary: string;
  /** positional part of the usage line (`HEX`, `generate`) */
  readonly args?: string;
  readonly flags: readonly FlagSpec[];
  readonly example: string;
  /** extra paragraphs of the help (tables, notes) */
  readonly notes?: () => string;
}

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string[]>;
}

/**
 * A mistake on the command line: one line naming the flag or argument (src/main.ts prints it, exit 1, with a
 * pointer to --help). Like ConfigError, the message is all there is to it: the one code says "usage".
 */
export class UsageError extends BunmarkError<{ code: "USAGE" }> {
  constructor(message: string) {
    super({ code: "USAGE" }, message);
  }
}

const HELP: FlagSpec = { name: "help", help: "this text" };

/** Parses `args` against `spec`; `"help"` when --help (or -h) was given. */
export function parseCommand(spec: CommandSpec, args: readonly string[]): ParsedArgs | "help" {
  if (args.includes("--help") || args.includes("-h")) return "help";
  const byName = new Map([...spec.flags, HELP].map((f) => [f.name, f]));
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0, a = args[0]; a !== undefined; a = args[++i]) {
    if (!a.startsWith("-") || a === "-" || /^-\d/.test(a)) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = (eq > 0 ? a.slice(0, eq) : a).replace(/^--?/, "");
    const f = byName.get(name);
    if (!f) throw new UsageError(`--${name}: unknown flag${didYouMean(name, byName.keys(), (s) => `--${s}`)}`);
    let value: string;
    if (f.value === undefined) {
      if (eq > 0) throw new UsageError(`--${name} takes no value`);
      value = "true";
    } else if (eq > 0) value = a.slice(eq + 1);
    else {
      const next = args[++i];
      if (next === undefined || (next.startsWith("--") && next.length > 2)) throw new UsageError(`--${name} needs a value (${f.value})`);
      value = next;
    }
    const seen = flags.get(name);
    if (seen && !f.repeat) throw new UsageError(`--${name} given twice`);
    flags.set(name, [...(seen ?? []), value]);
  }
  return { positional, flags };
}

/** The help text of a command, from its table. */
export function renderHelp(spec: CommandSpec): string {
  const lines = [`bunmark ${spec.name}: ${spec.summary}`, "", `usage: bunmark ${spec.name}${spec.args ? ` ${spec.args}` : ""}${spec.flags.length > 0 ? " [flags]" : ""}`, ""];
  const all = [...spec.flags, HELP].map((f) => ({ f, left: `--${f.name}${f.value ? ` ${f.value}` : ""}` }));
  const width = Math.max(...all.map(({ left }) => left.length)) + 2;
  lines.push("flags:");
  for (const { f, left } of all) {
    const extra = [f.repeat ? "repeatable" : "", f.default !== undefined ? `default: ${f.default}` : ""].filter(Boolean).join("; ");
    lines.push(`  ${left.padEnd(width)}${f.help}${extra ? ` (${extra})` : ""}`);
  }
  if (spec.notes) lines.push("", spec.notes());
  lines.push("", "example:", `  ${spec.example}`);
  return lines.join("\n");
}

/** Parses, or prints the help and returns the exit code 0. */
export function parseOrHelp(spec: CommandSpec, args: readonly string[]): ParsedArgs | 0 {
  const p = parseCommand(spec, args);
  if (p !== "help") return p;
  console.log(renderHelp(spec));
  return 0;
}

export function flag(p: ParsedArgs, name: string): string | undefined {
  const v = p.flags.get(name);
  return v?.[v.length - 1];
}

export function flagAll(p: ParsedArgs, name: string): string[] {
  return p.flags.get(name) ?? [];
}

export function has(p: ParsedArgs, name: string): boolean {
  return p.flags.has(name);
}

/** Parses a non-negative integer flag; throws a one-line error otherwise. */
export function intFlag(p: ParsedArgs, name: string, def: number): number {
  const v = flag(p, name);
  if (v === undefined) return def;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return Number(v);
}

/** At most `max` positional arguments. */
export function noExtraArgs(p: ParsedArgs, max = 0): void {
  if (p.positional.length > max) throw new UsageError(`unexpected argument: ${JSON.stringify(p.positional[max])}`);
}
