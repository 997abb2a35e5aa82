/**
 * The peer room's typed errors (base/errors.ts pattern): programming invariants (a component used against its
 * contract), and why a spread fetch gave an item up when no peer's own error is there to report.
 */
import { BunmarkError } from "../base/errors.ts";

export class PeerError extends BunmarkError<{ code: "PEER_INVARIANT"; component: string; detail: string }> {
  constructor(component: string, detail: string) {
    super({ code: "PEER_INVARIANT", component, detail }, `${component}: ${detail}`);
  }
}

/** An item of a spread fetch (sync/fetch.ts) given up: the fetch was stopped, or no peer was left to ask. */
export class FetchLostError extends BunmarkError<{ code: "FETCH_STOPPED" } | { code: "NO_PEER_LEFT" }> {}
