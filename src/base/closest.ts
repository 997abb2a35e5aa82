/**
 * "Did you mean …?" for operator input: the valid name nearest to a mistyped flag or configuration key.
 * bunmark's own (bitmarkd ignores unknown Lua fields silently, which is the defect this exists to prevent).
 */
import { at } from "./at.ts";

/** Levenshtein distance with adjacent transposition counted as one edit (`lisen` → `listen` is one). */
export function editDistance(a: string, b: string): number {
  // rows i-2, i-1 and i of the (a.length+1)×(b.length+1) table
  let twoUp: number[] = [];
  let up = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(up, j) + 1, at(row, j - 1) + 1, at(up, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(twoUp, j - 2) + 1);
      row.push(v);
    }
    [twoUp, up] = [up, row];
  }
  return at(up, b.length);
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
