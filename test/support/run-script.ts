/** Runs a script in a child runtime (`exe -e source`) and reports how it ended, for the "exits on its own" tests. */

export interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
  /** when the child exited (ms since the epoch), to compare with a time the script printed */
  exitedAt: number;
}

/** `killAfterMs`: SIGKILL a script that hangs, so the test fails on its exit code rather than its timeout. */
export async function runScript(
  exe: string,
  source: string,
  options: { killAfterMs: number; cwd?: string; env?: Record<string, string | undefined> },
): Promise<ScriptRun> {
  const { killAfterMs: _, ...spawnOptions } = options;
  const proc = Bun.spawn([exe, "-e", source], { ...spawnOptions, stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => proc.kill("SIGKILL"), options.killAfterMs);
  const code = await proc.exited;
  const exitedAt = Date.now();
  clearTimeout(timer);
  const stdout = await new Response(proc.stdout).text();
  return { code, stdout, stderr: await new Response(proc.stderr).text(), exitedAt };
}
