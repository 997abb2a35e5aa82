/** What the benchmark modules share: the command line that runs this CLI again in a child process, and medians. */
import { join } from "node:path";

/** bunmark's command line: this executable once compiled, else src/cli.ts under this Bun (whatever the main module). */
export function cliCommand(): string[] {
  return Bun.isStandaloneExecutable ? [process.execPath] : [process.execPath, join(import.meta.dir, "..", "cli.ts")];
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
