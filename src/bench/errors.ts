/**
 * The benches' typed errors (base/errors.ts pattern): a flag out of range, a cache holding another chain, a
 * child process (node, load generator, probe) that failed or never got ready, a request the node under test
 * refused, and a result that must not be reported because the compared parties disagree or the sync fell
 * short. Messages are the one line `bunmark bench …` prints, written out at each site.
 */
import { BunmarkError } from "../base/errors.ts";

export class BenchError extends BunmarkError<
  | { code: "VALUE_INVALID"; what: string }
  | { code: "CACHE_OTHER_CHAIN"; dir: string; height?: number }
  | { code: "CHILD_FAILED"; what: string; exitCode?: number | null }
  | { code: "CHILD_NOT_READY"; what: string; seconds?: number }
  | { code: "REQUEST_REFUSED"; what: string; request?: number }
  | { code: "RESULTS_DIFFER"; what: string }
  | { code: "SYNC_HEIGHT"; height?: number; expected: number }
> {}
