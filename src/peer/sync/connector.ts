/**
 * The connector (bitmarkd 8.2 peer/connector.go, docs/wire.md §8): owns the static upstreams (from
 * `connect`) and the dynamic ones (LRU slots for the announcer's targets), runs the state machine of
 * fsm.ts every cycle and performs what it asks for: digest probes, delete-down, and block fetches
 * spread over several peers, verified in parallel batches (`blockDigestBatch`) and stored in order.
 *
 * Nothing here is fatal at start-up: static peers register in the background and retry, so nodes that
 * `connect` to each other can start in any order. Only configuration errors throw (own key as a static peer,
 * an address that is not an IP literal).
 *
 * Differences from 8.2, on purpose (issue 17): the machine runs at once on events — an upstream registered,
 * its height or digest changed, a block was pushed, a batch of blocks was stored — and the 15 s cycle is only
 * the fallback. The machine's own pauses stay where they guard against busy loops (errors, a refused fork)
 * but two are skipped: reaching the minimum of registered upstreams goes straight on to the vote, and a
 * finished batch goes straight on to the next one. Steps run on events do not count as Sampling samples
 * (those stay one per cycle). A peer that registered with this node is dialled back into an idle dynamic
 * slot (`dialBack`) so that it receives this node's pushes.
 */
import { at } from "../../base/at.ts";
import { isFault } from "../../base/fault.ts";
import { logger } from "../../base/log.ts";
import type { ChainName } from "../../chain/types/chains.ts";
import { HEADER_SIZE, unpackHeader } from "../../chain/types/header.ts";
import { bytesEqual, toHex } from "../../encoding/hex.ts";
import { RequestClient, RequestTimeoutError } from "../../transport/request-client.ts";
import { canonical, unpack46 } from "../address.ts";
import type { BroadcastQueue } from "../broadcast.ts";
import { type Clock, systemClock } from "../../base/clock.ts";
import { CONNECTOR_DEFAULTS, type ConnectorConfig } from "./constants.ts";
import { type Source, SpreadFetch, type Taken } from "./fetch.ts";
import {
  type ConnectorState,
  type Failure,
  type IoAction,
  initialState,
  isIoAction,
  type Observation,
  type PeerView,
  type Result,
  step,
} from "./fsm.ts";
import type { ModeState } from "../../base/mode.ts";
import { SyncProgress } from "./progress.ts";
import { type OwnIdentity, type RequestTransport, Upstream } from "./upstream.ts";
import { PeerError } from "../errors.ts";

const log = logger("connector");

/** What the connector needs of the chain store (src/chain/store/store.ts `Store`). */
export interface SyncStore {
  height(): number;
  /** Digest of stored block n (genesis digest for n ≤ 1); throws when absent. */
  digestForBlock(n: number): Uint8Array;
  /** Validates and stores a block; rejects with a Fault when the block is invalid. */
  storeIncoming(packed: Uint8Array, options?: { digest?: Uint8Array }): Promise<unknown>;
  deleteDownToBlock(n: number): Promise<void>;
}

/** Block digests computed off the JavaScript thread (src/crypto `HashBackend.blockDigestBatch`). */
export interface DigestBatcher {
  blockDigestBatch(headers: Uint8Array[]): Promise<Uint8Array[]>;
}

/** A `connect` entry: remote key and `host:port` (IP literal). */
export interface StaticPeer {
  readonly publicKey: Uint8Array;
  readonly address: string;
}

/** A connection target chosen by the announcer (announce-targets.ts `Target`). */
export interface ConnectTarget {
  readonly label: string;
  readonly publicKey: Uint8Array;
  readonly listeners: Uint8Array;
}

export interface ConnectorOptions {
  readonly chain: ChainName;
  readonly config?: ConnectorConfig;
  /** Own CURVE key pair (client keys of every upstream). */
  readonly keys: { readonly publicKey: Uint8Array; readonly secretKey: Uint8Array };
  /** Own packed listeners, sent in `R` (read at every registration). */
  readonly listeners: () => Uint8Array;
  readonly statics?: readonly StaticPeer[];
  readonly preferIPv6?: boolean;
  readonly store: SyncStore;
  readonly hash: DigestBatcher;
  readonly mode: ModeState;
  /** Items every upstream pushes to its peer. */
  readonly broadcast?: Pick<BroadcastQueue, "subscribe">;
  /** The announce subsystem: peers learned from `R` replies, and the `reconnect` request. */
  readonly announce?: {
    addPeer(publicKey: Uint8Array, listeners: Uint8Array, timestamp: bigint): boolean;
    reconnect(): void;
    /** The peer answered one of this node's requests (announce.ts `reached`). */
    reached?(publicKey: Uint8Array): void;
  };
  /** A new REQ transport per upstream (default: a CURVE `RequestClient` with `keys`). */
  readonly transport?: () => RequestTransport;
  readonly clock?: Clock;
  readonly progress?: SyncProgress;
}

export interface UpstreamStatus {
  readonly slot: string;
  readonly key?: string;
  readonly address?: string;
  readonly registered: boolean;
  readonly height: number;
  /** clock time of the upstream's last reply, 0 before the first */
  readonly lastReply: number;
}

export interface ConnectorStatus {
  readonly state: ConnectorState["name"];
  readonly mode: ConnectorState["mode"];
  /** Registered upstreams (duplicates counted, as 8.2's connection count). */
  readonly registered: number;
  /** Height of the chain being followed (0 before the first vote). */
  readonly targetHeight: number;
  readonly upstreams: readonly UpstreamStatus[];
}

/** A peer gone for this fetch: its request timed out or its connection was replaced. */
function isDeadPeerError(e: unknown): boolean {
  return e instanceof RequestTimeoutError || isFault(e, "not connected");
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class Connector {
  readonly #o: ConnectorOptions;
  readonly #cfg: ConnectorConfig;
  readonly #clock: Clock;
  readonly #progress: SyncProgress;
  readonly #statics: Upstream[] = [];
  /** Dynamic slots, least recently used first. */
  #dynamics: Upstream[] = [];
  /** When each dynamic slot was last given a target (ms). */
  readonly #connectedAt = new Map<Upstream, number>();
  #state: ConnectorState = initialState();
  #cancelTimer: (() => void) | undefined;
  #cycle: Promise<void> | undefined;
  /** An event arrived while a run was in progress: run again when it ends. */
  #again = false;
  #stopping = false;
  /** Resolves when stop() is called: a fetch waiting for a digest batch gives up at once. */
  readonly #stopped: Promise<null>;
  #signalStop: () => void = () => undefined;
  #started = false;

  constructor(options: ConnectorOptions) {
    this.#stopped = new Promise((resolve) => (this.#signalStop = () => resolve(null)));
    this.#o = options;
    this.#cfg = options.config ?? CONNECTOR_DEFAULTS;
    this.#clock = options.clock ?? systemClock;
    this.#progress = options.progress ?? new SyncProgress();
    const statics = options.statics ?? [];
    for (let i = 0; i < statics.length; i++) this.#statics.push(this.#upstream(`static@${i}`));
    for (let i = 0; i < this.#cfg.dynamicClients; i++) this.#dynamics.push(this.#upstream(`dynamic@${i}`));
  }

  #upstream(label: string): Upstream {
    const o = this.#o;
    const self = (): OwnIdentity => ({ publicKey: o.keys.publicKey, listeners: o.listeners() });
    return new Upstream({
      label,
      chain: o.chain,
      transport: o.transport?.() ?? new RequestClient(o.keys),
      self,
      config: this.#cfg,
      ...(o.announce ? { onPeer: (k: Uint8Array, l: Uint8Array, t: bigint) => void o.announce!.addPeer(k, l, t) } : {}),
      ...(o.broadcast ? { broadcasts: o.broadcast.subscribe(label, this.#cfg.upstreamQueue) } : {}),
      ...(o.announce?.reached ? { onReply: (k: Uint8Array) => o.announce!.reached!(k) } : {}),
      onChange: () => this.wake(),
      clock: this.#clock,
    });
  }

  /**
   * Connects the static peers (registration runs in the background and is retried) and starts the cycle.
   * Throws for configuration errors only: own key as a peer, an address that is not `ip:port`.
   */
  start(): void {
    if (this.#started) throw new PeerError("connector", "already started");
    this.#started = true;
    const statics = this.#o.statics ?? [];
    statics.forEach((p, i) => at(this.#statics, i).connect(p.address, p.publicKey));
    log.info("started", { statics: statics.length, dynamic: this.#dynamics.length, cycleMs: this.#cfg.cycleMs, events: this.#cfg.events });
    this.#progress.phase("registering", `0/${this.#cfg.minimumClients}`);
    this.#schedule();
  }

  /** Runs the state machine now (an event), or once more after the run in progress. No-op without `events`. */
  wake(): void {
    if (!this.#cfg.events || !this.#started || this.#stopping) return;
    if (this.#cycle) {
      this.#again = true;
      return;
    }
    void this.#run(true).catch((e: unknown) => log.error("connector run failed", { error: e as Error }));
  }

  /**
   * A pushed block numbered `n` arrived: when it is ahead of the local chain (it did not extend the tip), the
   * upstreams are asked for their heights now; their answers wake the machine.
   */
  blockPushed(n: number): void {
    if (n <= this.#o.store.height() + 1 || !this.#cfg.events) return;
    for (const u of this.#all()) if (u.key) u.pollNow();
  }

  /**
   * A peer registered with this node announcing `listeners`: dial it back so that it receives this node's
   * pushes (issue 17; 8.2 dials only announcer targets). Within the dynamic slots: only an idle slot or one
   * whose registration failed is used, never one serving a live connection.
   */
  dialBack(publicKey: Uint8Array, listeners: Uint8Array): void {
    if (this.#stopping || !this.#started || bytesEqual(publicKey, this.#o.keys.publicKey)) return;
    if (this.#all().some((u) => u.isConnectedTo(publicKey))) return;
    const { ipv4, ipv6 } = unpack46(listeners);
    if (!ipv4 && !ipv6) return; // announced no listener: nothing to dial
    const now = this.#clock.now();
    const slot = this.#dynamics.find((u) => u.key === undefined) ?? this.#dynamics.find((u) => this.#failed(u, now));
    if (!slot) return;
    this.#connectSlot(slot, "dial-back", publicKey, listeners, now);
  }

  /** A slot that has had a whole request timeout to register and has not. */
  #failed(u: Upstream, now: number): boolean {
    return !u.registered && now - (this.#connectedAt.get(u) ?? 0) >= this.#cfg.timeoutMs;
  }

  /**
   * Stops the cycle and closes every upstream. Closing first fails the requests in flight, so an unfinished
   * fetch ends after the block in hand instead of waiting for a slow peer.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#signalStop();
    this.#cancelTimer?.();
    for (const u of this.#all()) u.close();
    await this.#cycle;
    this.#o.mode.set("Stopped");
  }

  /** The announcer's connection target (8.2 connectUpstream): keep, refresh or take the least recently used slot. */
  connectTarget(target: ConnectTarget): void {
    if (this.#stopping) return;
    const key = target.publicKey;
    if (bytesEqual(key, this.#o.keys.publicKey)) return;
    if (this.#statics.some((u) => u.isConnectedTo(key))) return;
    const existing = this.#dynamics.find((u) => u.isConnectedTo(key));
    if (existing) {
      this.#touch(existing);
      return;
    }
    // 8.2 reuses a slot whose registration failed first; here registration is asynchronous, so a slot counts
    // as failed once it has had a whole request timeout to register.
    const now = this.#clock.now();
    const slot = this.#dynamics.find((u) => u.key === undefined) ?? this.#dynamics.find((u) => this.#failed(u, now)) ?? at(this.#dynamics, 0);
    this.#connectSlot(slot, target.label, key, target.listeners, now);
  }

  #connectSlot(slot: Upstream, label: string, key: Uint8Array, listeners: Uint8Array, now: number): void {
    const { ipv4, ipv6 } = unpack46(listeners);
    // 8.2 panics when only IPv6 is known and IPv6 is not preferred; use what there is.
    const c = ipv6 && (this.#o.preferIPv6 || !ipv4) ? ipv6 : ipv4;
    if (!c) {
      log.warn("target without a usable address", { label, peer: key, listeners });
      return;
    }
    try {
      slot.connect(canonical(c), key);
    } catch (e) {
      log.warn("cannot connect to target", { label, peer: key, error: e as Error });
      return;
    }
    this.#connectedAt.set(slot, now);
    log.info("connecting to target", { label, slot: slot.label, peer: key, address: canonical(c) });
    this.#touch(slot);
  }

  get state(): ConnectorState {
    return this.#state;
  }

  status(): ConnectorStatus {
    const upstreams = this.#all().map((u) => ({
      slot: u.label,
      ...(u.key ? { key: toHex(u.key) } : {}),
      ...(u.address ? { address: u.address } : {}),
      registered: u.registered,
      height: u.height,
      lastReply: u.lastReply,
    }));
    return {
      state: this.#state.name,
      mode: this.#state.mode,
      registered: upstreams.filter((u) => u.registered).length,
      targetHeight: this.#state.target?.height ?? 0,
      upstreams,
    };
  }

  /** Runs one cycle now (tests and benches; the timer does the same every `cycleMs`). */
  runCycle(): Promise<void> {
    return this.#run(false);
  }

  /** One run (a cycle, or `event`: an early one), repeated while events arrived meanwhile. */
  #run(event: boolean): Promise<void> {
    this.#cycle ??= (async () => {
      let early = event;
      do {
        this.#again = false;
        await this.#runCycle(early);
        early = true;
      } while (this.#again && !this.#stopping);
    })().finally(() => (this.#cycle = undefined));
    return this.#cycle;
  }

  #all(): Upstream[] {
    return [...this.#statics, ...this.#dynamics];
  }

  #touch(u: Upstream): void {
    this.#dynamics = [...this.#dynamics.filter((d) => d !== u), u];
  }

  #schedule(): void {
    if (this.#stopping) return;
    this.#cancelTimer = this.#clock.setTimer(this.#cfg.cycleMs, () => {
      void this.runCycle()
        .catch((e: unknown) => log.error("connector cycle failed", { error: e as Error }))
        .then(() => this.#schedule());
    });
  }

  #observe(result?: Result): Observation {
    const peers: PeerView[] = [];
    for (const u of this.#all()) {
      if (!u.key) continue;
      peers.push({ key: toHex(u.key), registered: u.registered, height: u.height, ...(u.digest ? { digest: toHex(u.digest) } : {}) });
    }
    return { now: this.#clock.now(), localHeight: this.#o.store.height(), peers, ...(result ? { result } : {}) };
  }

  async #runCycle(event: boolean): Promise<void> {
    let result: Result | undefined;
    while (!this.#stopping) {
      const before = this.#state;
      const wasSyncing = before.name === "FetchBlocks" || before.pending === "fetch";
      const obs = this.#observe(result);
      // The majority vote waits for every registered upstream's height (each answer is an event of its own);
      // the cycle votes with what it has, as before.
      if (event && before.name === "HighestBlock" && obs.peers.some((p) => p.registered && p.digest === undefined)) return;
      const r = step(this.#cfg, before, event ? { ...obs, event } : obs);
      this.#state = r.state;
      let io: IoAction | undefined;
      for (const a of r.actions) {
        if (isIoAction(a)) io = a;
        else if (a.type === "setMode") this.#o.mode.set(a.mode);
        else if (a.type === "reconnect") this.#o.announce?.reconnect();
        else log[a.level](a.message, a.fields);
      }
      if (wasSyncing && this.#state.name === "Sampling") this.#progress.finish(this.#o.store.height());
      this.#showPhase(obs);
      if (io) {
        result = await this.#perform(io);
        continue;
      }
      if (!this.#cfg.events || !this.#skipPause(before, result)) return;
      result = undefined;
    }
  }

  /**
   * The two pauses of the machine that guard against nothing (see the header): the minimum of registered
   * upstreams just reached, and a batch stored in full with more to fetch.
   */
  #skipPause(before: ConnectorState, result: Result | undefined): boolean {
    const s = this.#state;
    if (before.name === "Connecting" && s.name === "HighestBlock") return true;
    return result?.kind === "fetch" && result.failure === undefined && s.name === "FetchBlocks" && s.pending === undefined;
  }

  #showPhase(obs: Observation): void {
    const s = this.#state;
    if (s.name === "Connecting") this.#progress.phase("registering", `${obs.peers.filter((p) => p.registered).length}/${this.#cfg.minimumClients}`);
    else if (s.name === "HighestBlock" || (s.name === "ForkDetect" && s.pending !== undefined)) this.#progress.phase("choosing chain");
    else if (s.name === "FetchBlocks") this.#progress.phase("fetching", `${this.#o.store.height()}/${s.target?.height ?? 0}`);
    else if (s.name === "Sampling") this.#progress.phase("Normal");
  }

  /** Performs an I/O action; never throws (failures become the result's failure). */
  async #perform(a: IoAction): Promise<Result> {
    try {
      switch (a.type) {
        case "probe":
          return await this.#probe(a.numbers, a.peers);
        case "delete":
          await this.#o.store.deleteDownToBlock(a.from);
          return { kind: "delete" };
        case "fetch":
          return await this.#fetch(a.from, a.to, a.peers);
      }
    } catch (e) {
      log.error("connector action failed", { action: a.type, error: e as Error });
      const failure: Failure = { kind: "local-error", text: errorText(e) };
      if (a.type === "probe") return { kind: "probe", matches: [], failure };
      return { kind: a.type, failure };
    }
  }

  /** Registered upstreams for these peer keys (one per key). */
  #sources<T>(keys: readonly string[], get: (u: Upstream, n: number) => Promise<T>): Source<T>[] {
    const out: Source<T>[] = [];
    for (const key of keys) {
      const u = this.#all().find((x) => x.registered && x.key !== undefined && toHex(x.key) === key);
      if (u) out.push({ id: key, get: (n) => get(u, n) });
    }
    return out;
  }

  async #probe(numbers: readonly number[], peers: readonly string[]): Promise<Result> {
    const sources = this.#sources(peers, (u, n) => u.getBlockDigest(n));
    const fetch = new SpreadFetch(numbers, sources, numbers.length, this.#cfg.hedgeAfterMs, isDeadPeerError);
    try {
      const remote = await Promise.all(numbers.map((n) => fetch.take(n)));
      const matches = [];
      for (const [i, r] of remote.entries()) {
        const number = at(numbers, i);
        if ("error" in r) return { kind: "probe", matches: [], failure: { kind: "unanswered", block: number, text: errorText(r.error) } };
        matches.push({ number, equal: bytesEqual(this.#o.store.digestForBlock(number), r.value) });
      }
      return { kind: "probe", matches };
    } finally {
      fetch.stop();
    }
  }

  /**
   * Fetches blocks from..to from the peers (several at once), computes their digests in batches off the
   * JavaScript thread while earlier batches are stored, and stores them in order. Stops at the first block
   * that fails: its server is reported (`invalid-block`) when the block itself was at fault.
   */
  async #fetch(from: number, to: number, peers: readonly string[]): Promise<Result> {
    const numbers = Array.from({ length: to - from + 1 }, (_, i) => from + i);
    const parallel = this.#cfg.parallelVerify;
    const chunk = parallel ? this.#cfg.verifyChunk : 1;
    const sources = this.#sources(peers, (u, n) => u.getBlockData(n));
    const fetch = new SpreadFetch(numbers, sources, parallel ? this.#cfg.fetchWindow : 1, this.#cfg.hedgeAfterMs, isDeadPeerError);
    const target = Math.max(to, this.#state.target?.height ?? to);
    const chunks: number[][] = [];
    for (let i = 0; i < numbers.length; i += chunk) chunks.push(numbers.slice(i, i + chunk));
    const prepared: Promise<Prepared>[] = [];
    const prepare = (i: number) => (prepared[i] ??= this.#prepare(at(chunks, i), fetch));
    try {
      for (let i = 0; i < chunks.length; i++) {
        const current = prepare(i);
        // Digests of the next batch while this one is stored; a failure of it is met when its turn comes, and
        // must not count as an unhandled rejection (which ends the process) before then.
        if (parallel && i + 1 < chunks.length) prepare(i + 1).catch(() => undefined);
        // Digests of a batch take seconds; a stop does not wait for them (the blocks would not be stored).
        this.#progress.phase("verifying", `${from}…${to}/${target}`);
        const ready = await Promise.race([current, this.#stopped]);
        if (ready === null) return { kind: "fetch", failure: { kind: "stopping" } };
        this.#progress.phase("fetching", `${this.#o.store.height()}/${target}`);
        const { blocks, failure } = ready;
        for (const b of blocks) {
          if (this.#stopping) return { kind: "fetch", failure: { kind: "stopping" } };
          const stored = await this.#storeOne(b);
          if (stored !== true) return stored;
          fetch.release(b.n);
          this.#progress.update(b.n, target);
          this.#progress.phase("fetching", `${b.n}/${target}`);
        }
        if (failure) return { kind: "fetch", failure };
      }
      return { kind: "fetch" };
    } finally {
      fetch.stop();
      // Let the prepared-ahead batch settle so no digest work is left unobserved (observed, not awaited, when
      // stopping: its results are dropped).
      const settled = Promise.allSettled(prepared);
      if (!this.#stopping) await settled;
    }
  }

  /** Takes a batch's blocks in order, checks their headers cheaply and computes their digests in one batch. */
  async #prepare(numbers: readonly number[], fetch: SpreadFetch<Uint8Array>): Promise<Prepared> {
    const blocks: Fetched[] = [];
    let failure: Failure | undefined;
    for (const n of numbers) {
      const t: Taken<Uint8Array> = await fetch.take(n);
      if ("error" in t) {
        failure = { kind: "unanswered", block: n, text: errorText(t.error) };
        break;
      }
      if (t.value.length < HEADER_SIZE || unpackHeader(t.value).number !== n) {
        failure = { kind: "invalid-block", block: n, peer: t.source, text: "not the block asked for" };
        break;
      }
      blocks.push({ n, packed: t.value, source: t.source, digest: new Uint8Array() });
    }
    if (blocks.length > 0) {
      const digests = await this.#o.hash.blockDigestBatch(blocks.map((b) => b.packed.subarray(0, HEADER_SIZE)));
      blocks.forEach((b, i) => (b.digest = at(digests, i)));
    }
    return { blocks, ...(failure ? { failure } : {}) };
  }

  /** Stores one verified block; true, or the result that ends the fetch. */
  async #storeOne(b: Fetched): Promise<true | Result> {
    const store = this.#o.store;
    const height = store.height();
    if (height >= b.n) {
      // Stored meanwhile by a pushed block: fine if it is the same one.
      if (bytesEqual(store.digestForBlock(b.n), b.digest)) return true;
      return { kind: "fetch", failure: { kind: "local-changed", block: b.n } };
    }
    try {
      await store.storeIncoming(b.packed, { digest: b.digest });
      return true;
    } catch (e) {
      log.warn("fetched block rejected", { block: b.n, peer: b.source, error: e as Error });
      // A Fault is the block's own fault (validation); anything else is local trouble.
      const text = errorText(e);
      return { kind: "fetch", failure: isFault(e) ? { kind: "invalid-block", block: b.n, peer: b.source, text } : { kind: "local-error", block: b.n, text } };
    }
  }
}

interface Fetched {
  readonly n: number;
  readonly packed: Uint8Array;
  readonly source: string;
  digest: Uint8Array;
}

interface Prepared {
  readonly blocks: Fetched[];
  /** Why the batch ends early (the blocks before it are still stored). */
  readonly failure?: Failure;
}
