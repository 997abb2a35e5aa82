/**
 * The "too few upstreams" hint: a node with fewer registered upstreams than `minimum_clients` never leaves
 * Resynchronise, and 8.2's connector says so every cycle (15 s) without saying what to do — in a 3-node test
 * network that is most of the log. The connector now says it at debug level; this says it at warn level after
 * 1, 2, 4 … minutes (at most hourly), with the counts and the remedy, and once more when it is over.
 * A pure transition function; node.ts calls it from a timer. bunmark's own.
 */

export interface HintState {
  /** when the shortage began (undefined: no shortage) */
  since?: number;
  /** next time a warning is due */
  due?: number;
  /** the next delay after that one */
  delayMs: number;
}

const FIRST_MS = 60_000;
const MAX_MS = 3_600_000;

export const HINT_START: HintState = { delayMs: FIRST_MS };

export function hintText(have: number, need: number): string {
  return `connections below minimum client count: ${need} upstreams needed; have ${have}; set timing.minimum_clients for a small test network`;
}

/** The next state and the line to log now (if any). */
export function upstreamHint(state: HintState, now: number, have: number, need: number): { state: HintState; warn?: string; info?: string } {
  if (have >= need) {
    return state.since === undefined ? { state } : { state: HINT_START, info: `upstreams: ${have} registered, minimum ${need} reached` };
  }
  if (state.since === undefined) return { state: { since: now, due: now + FIRST_MS, delayMs: FIRST_MS } };
  if (now < state.due!) return { state };
  const delayMs = Math.min(state.delayMs * 2, MAX_MS);
  return { state: { since: state.since, due: now + delayMs, delayMs }, warn: hintText(have, need) };
}
