/**
 * "Did you mean …?" for operator input: the valid name nearest to a mistyped flag or configuration key.
 * bunmark's own (bitmarkd ignores unknown Lua fields silently, which is the defect this exists to prevent).
 */

/** Levenshtein distance with adjacent transposition counted as one edit (`lisen` → `listen` is one). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The candidate closest to `name` when it is close enough to be a typo (a third of its length, at least 2), else undefined. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    // one name inside the other (`datadir` / `data`) reads as the same word
    const contained = Math.min(c.length, name.length) >= 3 && (c.includes(name) || name.includes(c));
    const dist = contained ? 1 : editDistance(name.toLowerCase(), c.toLowerCase());
    if (dist < bestDistance) [best, bestDistance] = [c, dist];
  }
  return bestDistance <= limit ? best : undefined;
}

/** ` (did you mean X?)` with `format` applied to X, or "" when nothing is close. */
export function didYouMean(name: string, candidates: Iterable<string>, format: (s: string) => string = (s) => s): string {
  const c = closest(name, candidates);
  return c === undefined ? "" : ` (did you mean ${format(c)}?)`;
}
