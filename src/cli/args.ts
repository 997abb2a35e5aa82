/** Minimal flag parsing shared by the commands: `--name value`, `--name=value`, repeatable flags, booleans. */

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string[]>;
}

/** `booleans` lists flags that take no value. */
export function parseArgs(args: string[], booleans: readonly string[] = []): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  const add = (k: string, v: string) => flags.set(k, [...(flags.get(k) ?? []), v]);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith("--") || a === "--") {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (eq > 0) add(name, a.slice(eq + 1));
    else if (booleans.includes(name)) add(name, "true");
    else {
      const v = args[++i];
      if (v === undefined) throw new Error(`--${name} needs a value`);
      add(name, v);
    }
  }
  return { positional, flags };
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
  if (!/^\d+$/.test(v)) throw new Error(`--${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return Number(v);
}
