/**
 * Index access where the caller's own invariant keeps the index in range (a loop bound, a length checked
 * above, a table sized by the algorithm), for code under `noUncheckedIndexedAccess`. Out of range is a bug in
 * that caller, never bad input: input reaches an index only after its length was checked where it arrived,
 * with bitmarkd's texts. (Go panics with "index out of range" in the same places of 8.2; here it is a typed error.)
 */
import { BunmarkError } from "./errors.ts";

export class IndexError extends BunmarkError<{ code: "INDEX_OUT_OF_RANGE"; index: number; length: number }> {}

/** `items[index]`, or IndexError when there is no element there (element types exclude undefined). */
export function at<T extends {} | null>(items: ArrayLike<T>, index: number): T {
  const item = items[index];
  if (item === undefined) throw new IndexError({ code: "INDEX_OUT_OF_RANGE", index, length: items.length });
  return item;
}
