/**
 * The machine's load at the start of a benchmark: printed first, with a warning above 0.5 per core, because
 * figures measured on a busy machine mislead (the development VM is shared; a user's laptop may be compiling).
 */
import { availableParallelism, loadavg } from "node:os";

export interface Load {
  oneMinute: number;
  cores: number;
  busy: boolean;
}

/** The one-minute load average (0 where the system has none: Node's loadavg() is then [0, 0, 0]). */
export function oneMinuteLoad(): number {
  const [oneMinute = 0] = loadavg();
  return oneMinute;
}

export function machineLoad(): Load {
  const oneMinute = oneMinuteLoad();
  const cores = availableParallelism();
  return { oneMinute, cores, busy: oneMinute / cores > 0.5 };
}

/** Prints the load line (stderr, so --json output stays one object) and returns the figures for the report. */
export function reportLoad(bench: string): Load {
  const l = machineLoad();
  process.stderr.write(`bench ${bench}: load average ${l.oneMinute.toFixed(2)} on ${l.cores} cores\n`);
  if (l.busy) process.stderr.write(`warning: load above 0.5 per core (${(l.oneMinute / l.cores).toFixed(2)}): other work competes, figures will be low and noisy\n`);
  return l;
}
