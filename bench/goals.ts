/**
 * The goals `make bench` checks: figures tuned for the development VM (2 cores, shared), not promises to users —
 * which is why they live here and not in the executable (`bunmark bench` only reports). Each goal has a name, the
 * measured value, the limit and pass / fail / skip.
 */

export interface Goal {
  bench: string;
  goal: string;
  status: "pass" | "fail" | "skip";
  value?: number | boolean;
  limit?: number;
}

/** value ≤ limit (or < with `strict`); skip when not measured. */
export function atMost(bench: string, goal: string, value: number | undefined, limit: number, strict = false): Goal {
  if (value === undefined) return { bench, goal, status: "skip", limit };
  return { bench, goal, status: (strict ? value < limit : value <= limit) ? "pass" : "fail", value, limit };
}

export function atLeast(bench: string, goal: string, value: number | undefined, limit: number): Goal {
  if (value === undefined) return { bench, goal, status: "skip", limit };
  return { bench, goal, status: value >= limit ? "pass" : "fail", value, limit };
}

export function holds(bench: string, goal: string, value: boolean): Goal {
  return { bench, goal, status: value ? "pass" : "fail", value };
}

/** One line per goal. */
export function goalLines(goals: readonly Goal[]): string[] {
  return goals.map((g) => {
    const v = g.value === undefined ? "not measured" : typeof g.value === "boolean" ? (g.value ? "yes" : "no") : `${Number(g.value.toFixed(2))}${g.limit === undefined ? "" : ` (limit ${g.limit})`}`;
    return `  ${g.status.toUpperCase().padEnd(5)} ${`${g.bench}: ${g.goal}`.padEnd(56)} ${v}`;
  });
}
