/**
 * The announce subsystem (announce/*.go, docs/wire.md §6.2–§6.5): the peer ring and RPC table, the rules for
 * accepting announcements, the announcer schedule (own `peer`/`rpc` records every 11 minutes, expiry,
 * re-selection of connection targets), random peers for `R`, and the peer table's persistence.
 *
 * Deliberate differences from 8.2, all invisible on the wire:
 * - records whose public key is not 32 bytes, or whose listener bytes would crash 8.2's decoder (docs/deviations.md §C), are
 *   refused (8.2 stores them and passes them on, crashing other 8.2 nodes); so are listener records over
 *   100 bytes (8.2's limit for `rpc` records; 8.2 has none for peers, so hostile megabyte records would
 *   pile up in memory, in the peer file and in every log line naming a target);
 * - the peer table and the RPC table are bounded (MAX_PEERS, MAX_RPCS): new keys are refused while full;
 * - `randomPeer` picks uniformly among the eligible peers instead of 5 blind tries;
 * - the own entry is always (re)set by `setSelf`, so a restored or echoed record cannot replace its listeners
 *   at start-up;
 * - the peer table is saved after every announcer run and on stop, and it reloads;
 * - peer hygiene (issue 17): `R` replies name only peers that answered one of this node's own requests within
 *   `reachedWindowMs` (the connector reports every reply, `reached`), never the asker, this node, nor an
 *   entry announcing the asker's or this node's own address; `peer` pushes about other peers are relayed
 *   only for such reached peers (`isReached`). 8.2 hands out any entry of its table, and an 8.2 node told
 *   about a dead peer blocks its connector for 60 s dialling it.
 *
 * See docs/deviations.md §4.
 */
import { randomInt } from "node:crypto";
import { at } from "../../base/at.ts";
import { Fault } from "../../base/fault.ts";
import { logger } from "../../base/log.ts";
import { canonical, isSafeFor82, unpackAll } from "../address.ts";
import { type PeerEntry, PeerRing, sameKey } from "./ring.ts";
import { type RpcEntry, RpcTable } from "./rpc.ts";
import type { PeerStore } from "./store.ts";
import { selectTargets, type Target } from "./targets.ts";
import { ANNOUNCE_TIMING, type AnnounceTiming, be64Seconds, recordTime } from "./timing.ts";
import { type Clock, systemClock } from "../../base/clock.ts";
import { PeerError } from "../errors.ts";

const log = logger("announce");

export const PUBLIC_KEY_LENGTH = 32;
/** Longest listener record accepted from a peer (a node announces one or two 7/19-byte entries). */
const MAX_LISTENER_BYTES = 100;
/**
 * Most peers the table holds (8.2 has no bound). Real networks have tens of nodes; the bound keeps a flood of
 * registrations under made-up keys from growing memory until the 55-minute expiry. New keys are refused while
 * full, so entries already known keep their place.
 */
export const MAX_PEERS = 4096;

export interface AnnounceOptions {
  clock?: Clock;
  timing?: Partial<AnnounceTiming>;
  /** Where the peer ring is restored from at start and saved to; none = no persistence. */
  store?: PeerStore;
  /** A uniform integer in 0…n-1 (default: crypto RNG). */
  randomIndex?: (n: number) => number;
  /** Own announcements for the Broadcast queue: `rpc` [fingerprint, addresses, be64 ts], `peer` [key, listeners, be64 ts]. */
  onBroadcast?: (command: "peer" | "rpc", parameters: Uint8Array[]) => void;
  /** Connection targets for the connector, in 8.2's order. */
  onTarget?: (target: Target) => void;
}

export interface OwnPeer {
  readonly publicKey: Uint8Array;
  readonly listeners: Uint8Array;
}

/** The `host:port` addresses of packed listeners (malformed entries end the list). */
function addresses(listeners: Uint8Array): string[] {
  return unpackAll(listeners).map(canonical);
}

export class Announce {
  readonly timing: AnnounceTiming;
  readonly #clock: Clock;
  readonly #store: PeerStore | undefined;
  readonly #randomIndex: (n: number) => number;
  readonly #onBroadcast: NonNullable<AnnounceOptions["onBroadcast"]>;
  readonly #onTarget: NonNullable<AnnounceOptions["onTarget"]>;
  readonly #ring = new PeerRing();
  readonly #rpcs: RpcTable;
  #self: OwnPeer | null = null;
  /** Peer key (hex) → when it last answered a request of this node (ms). */
  readonly #reached = new Map<string, number>();
  #ownRpc: { fingerprint: Uint8Array; addresses: Uint8Array } | null = null;
  /** A key was added or expired since the last scheduled target selection. */
  #changed = false;
  #cancelTimer: (() => void) | null = null;
  #saving: Promise<void> = Promise.resolve();

  constructor(options: AnnounceOptions = {}) {
    this.timing = { ...ANNOUNCE_TIMING, ...options.timing };
    this.#clock = options.clock ?? systemClock;
    this.#store = options.store;
    this.#randomIndex = options.randomIndex ?? ((n) => randomInt(n));
    this.#onBroadcast = options.onBroadcast ?? (() => {});
    this.#onTarget = options.onTarget ?? (() => {});
    this.#rpcs = new RpcTable(this.timing);
  }

  /** This node's key and packed listeners, once set (used to build `R` requests). */
  get self(): OwnPeer | null {
    return this.#self;
  }

  /** Peer entries in ring (key) order, the own entry included. */
  peers(): readonly PeerEntry[] {
    return this.#ring.entries();
  }

  /** RPC entries in table order (the order `Node.List` pages through). */
  rpcs(): readonly RpcEntry[] {
    return this.#rpcs.entries();
  }

  /** Sets this node's own entry (timestamp now) and selects connection targets (SetPeer). Once only. */
  setSelf(publicKey: Uint8Array, listeners: Uint8Array): void {
    if (this.#self !== null) throw new PeerError("announce", "own peer already set");
    if (publicKey.length !== PUBLIC_KEY_LENGTH) throw new Fault("invalid public key");
    this.#self = { publicKey: publicKey.slice(), listeners: listeners.slice() };
    this.#ring.put({ ...this.#self, timestamp: this.#clock.now() });
    this.#select();
  }

  /** Sets this node's RPC record (SetRPC): local, never expires, announced every run. Once only. */
  setRpc(fingerprint: Uint8Array, addresses: Uint8Array): void {
    if (this.#ownRpc !== null) throw new PeerError("announce", "own rpc already set");
    if (!this.#rpcs.add(fingerprint.slice(), addresses.slice(), 0n, this.#clock.now(), true)) {
      // Known already (echoed before we set it) is fine; a malformed own record is a configuration error.
      if (!this.#rpcs.entries().some((e) => e.local && sameKey(e.fingerprint, fingerprint))) throw new Fault("invalid length");
    }
    this.#ownRpc = { fingerprint: fingerprint.slice(), addresses: addresses.slice() };
  }

  /**
   * AddPeer (docs/wire.md §6.2): stores the record when it is fresh and, for a known key, at least the rebroadcast time
   * newer than the stored one. Returns true when it should be relayed (stored and not this node's own).
   * `timestamp` is the record's Unix seconds (0 or future = now).
   */
  addPeer(publicKey: Uint8Array, listeners: Uint8Array, timestamp: bigint): boolean {
    if (publicKey.length !== PUBLIC_KEY_LENGTH || listeners.length > MAX_LISTENER_BYTES || !isSafeFor82(listeners)) {
      log.debug("peer record refused: malformed", { keyBytes: publicKey.length, listenerBytes: listeners.length });
      return false;
    }
    const now = this.#clock.now();
    const ts = recordTime(timestamp, now);
    if (now - ts >= this.timing.expiryMs) return false;
    const old = this.#ring.get(publicKey);
    if (old !== undefined && ts - old.timestamp < this.timing.rebroadcastMs) return false;
    if (old === undefined && this.#ring.size >= MAX_PEERS) {
      log.debug("peer record refused: table full", { count: this.#ring.size });
      return false;
    }
    const added = this.#ring.put({ publicKey: publicKey.slice(), listeners: listeners.slice(), timestamp: ts });
    log.debug("peer record stored", { key: publicKey, added, count: this.#ring.size });
    if (this.#self !== null && sameKey(this.#self.publicKey, publicKey)) return false;
    if (added) this.#changed = true;
    return true;
  }

  /** AddRPC (docs/wire.md §6.3); true when the record should be relayed. */
  addRpc(fingerprint: Uint8Array, addresses: Uint8Array, timestamp: bigint): boolean {
    return this.#rpcs.add(fingerprint.slice(), addresses.slice(), timestamp, this.#clock.now());
  }

  /** The peer with this key answered one of this node's requests just now. */
  reached(publicKey: Uint8Array): void {
    this.#reached.set(Buffer.from(publicKey).toString("hex"), this.#clock.now());
  }

  /** Whether the peer answered one of this node's requests within the window. */
  isReached(publicKey: Uint8Array): boolean {
    const at = this.#reached.get(Buffer.from(publicKey).toString("hex"));
    return at !== undefined && this.#clock.now() - at <= this.timing.reachedWindowMs;
  }

  /**
   * A uniformly chosen peer for an `R` reply, among the reached ones (see the header), other than this node
   * and `requester`, and announcing neither the requester's listeners nor this node's; null when there is none.
   */
  randomPeer(requester: Uint8Array, requesterListeners: Uint8Array = new Uint8Array()): PeerEntry | null {
    const own = this.#self;
    const excluded = new Set([...addresses(requesterListeners), ...(own ? addresses(own.listeners) : [])]);
    const eligible = this.#ring
      .entries()
      .filter(
        (e) =>
          !sameKey(e.publicKey, requester) &&
          (own === null || !sameKey(e.publicKey, own.publicKey)) &&
          this.isReached(e.publicKey) &&
          !addresses(e.listeners).some((a) => excluded.has(a)),
      );
    this.#pruneReached();
    if (eligible.length === 0) return null;
    return at(eligible, this.#randomIndex(eligible.length));
  }

  /** Forgets peers whose last answer is older than the window (the map holds at most the peers dialled). */
  #pruneReached(): void {
    const now = this.#clock.now();
    for (const [k, at] of this.#reached) if (now - at > this.timing.reachedWindowMs) this.#reached.delete(k);
  }

  /** The connector's `reconnect` request: select targets now. */
  reconnect(): void {
    this.#select();
  }

  /** Restores the saved peer table and starts the announcer schedule (first run after `initialMs`). */
  async start(): Promise<void> {
    if (this.#store !== undefined) {
      let restored = 0;
      for (const p of await this.#store.load()) {
        if (this.#self !== null && sameKey(p.publicKey, this.#self.publicKey)) continue;
        if (this.addPeer(p.publicKey, p.listeners, p.timestamp)) restored++;
      }
      log.info("peer table restored", { restored, count: this.#ring.size });
    }
    const tick = () => {
      this.#cancelTimer = this.#clock.setTimer(this.timing.intervalMs, tick);
      this.run();
    };
    this.#cancelTimer?.();
    this.#cancelTimer = this.#clock.setTimer(this.timing.initialMs, tick);
  }

  /** Stops the schedule and saves the peer table. */
  async stop(): Promise<void> {
    this.#cancelTimer?.();
    this.#cancelTimer = null;
    await this.save();
  }

  /** One announcer run: announce own records, expire old ones, re-select targets if the ring changed, save. */
  run(): void {
    const now = this.#clock.now();
    const ts = be64Seconds(now);
    if (this.#ownRpc !== null) this.#onBroadcast("rpc", [this.#ownRpc.fingerprint, this.#ownRpc.addresses, ts]);
    if (this.#self !== null) this.#onBroadcast("peer", [this.#self.publicKey, this.#self.listeners, ts]);
    this.#rpcs.expire(now);
    this.#expirePeers(now);
    if (this.#changed) {
      this.#select();
      this.#changed = false;
    }
    void this.save();
  }

  /** Saves a snapshot of the ring (saves are serialised; failures are logged). */
  save(): Promise<void> {
    const store = this.#store;
    if (store === undefined) return this.#saving;
    const snapshot = [...this.#ring.entries()];
    this.#saving = this.#saving.then(() =>
      store.save(snapshot).catch((e: unknown) => log.error("peer table not saved", { error: e as Error })),
    );
    return this.#saving;
  }

  #expirePeers(now: number): void {
    for (const e of [...this.#ring.entries()]) {
      if (this.#self !== null && sameKey(e.publicKey, this.#self.publicKey)) continue;
      if (e.timestamp + this.timing.expiryMs < now) {
        this.#ring.delete(e.publicKey);
        this.#changed = true;
        log.info("peer expired", { key: e.publicKey });
      }
    }
  }

  #select(): void {
    if (this.#self === null) {
      log.debug("target selection before the own record is set");
      return;
    }
    const targets = selectTargets(this.#ring.entries(), this.#ring.search(this.#self.publicKey));
    for (const t of targets) {
      log.info("connection target", { label: t.label, key: t.publicKey });
      this.#onTarget(t);
    }
  }
}
