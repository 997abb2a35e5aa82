/**
 * Incoming peers for `status --peers` and `/status` (issue 12 item 10): the nodes that registered with this
 * node's listener by `R`, keyed by public key, with their first announced listener and the time of their last
 * registration. bunmark's own: 8.2 keeps no such list (it only counts connections).
 *
 * Deliberate limits:
 * - the REP socket strips the sender, so a request other than `R` cannot be attributed to a peer: "last
 *   heard" is the time of the peer's latest `R` (upstreams re-register periodically, so it stays fresh);
 * - bounded like the peer table (MAX_PEERS): entries not heard from within the announce expiry are dropped,
 *   and new keys are refused while the table is still full, so known peers keep their place under a flood.
 */
import { MAX_PEERS, PUBLIC_KEY_LENGTH } from "../announce/announce.ts";
import { canonical, unpackAll } from "../address.ts";

export interface IncomingPeer {
  /** Public key, hex. */
  readonly key: string;
  /** First announced listener, canonical `host:port`; null when the record names none. */
  readonly address: string | null;
  /** When the peer last registered (Unix ms). */
  readonly lastHeard: number;
}

export class IncomingPeers {
  readonly #byKey = new Map<string, IncomingPeer>();

  /** `expiryMs`: how long an entry lives without a new registration; `capacity`: most entries held. */
  constructor(
    readonly expiryMs: number,
    readonly capacity = MAX_PEERS,
  ) {}

  /** Records a registration at `now`; false when refused (malformed key, or table full of live entries). */
  note(publicKey: Uint8Array, listeners: Uint8Array, now: number): boolean {
    if (publicKey.length !== PUBLIC_KEY_LENGTH) return false;
    const key = Buffer.from(publicKey).toString("hex");
    if (!this.#byKey.has(key)) {
      this.#prune(now);
      if (this.#byKey.size >= this.capacity) return false;
    }
    const first = unpackAll(listeners)[0];
    // delete + set keeps the map in last-heard order
    this.#byKey.delete(key);
    this.#byKey.set(key, { key, address: first ? canonical(first) : null, lastHeard: now });
    return true;
  }

  /** Live entries at `now`, most recently heard first. */
  list(now: number): IncomingPeer[] {
    this.#prune(now);
    return [...this.#byKey.values()].reverse();
  }

  #prune(now: number): void {
    // oldest first: stop at the first live entry
    for (const [key, e] of this.#byKey) {
      if (now - e.lastHeard <= this.expiryMs) break;
      this.#byKey.delete(key);
    }
  }
}
