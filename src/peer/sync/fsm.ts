/**
 * The connector's synchronisation state machine as a pure transition function (no I/O, no clock).
 *
 * States and pauses follow bitmarkd 8.2 (peer/connector.go, docs/wire.md §8.3):
 * Connecting → HighestBlock → ForkDetect → FetchBlocks → Rebuild → Sampling. The driver (connector.ts)
 * calls `step` with a snapshot of the upstreams and the local height at every cycle, performs the one I/O
 * action a step may ask for (digest probes, delete-down, block fetch) and calls `step` again with its result;
 * a step without an I/O action means "pause until the next cycle".
 *
 * Differences from 8.2, on purpose:
 * - the chain to follow is chosen by a majority vote of the registered peers over (height, digest at that
 *   height), ties going to the higher height, instead of the single highest peer;
 * - blocks are fetched from every peer of the winning group at once; a peer that served an invalid block is
 *   left out for a cool-down and the rest of the batch is fetched from the others;
 * - fork detection compares a few digests per round (multi-way search inside the fork-protection window)
 *   instead of one `H` per block down to the genesis block, and a fork with no common block above genesis
 *   is handled like any other fork;
 * - a refused fork (deeper than the protection depth) or a failed request pauses until the next cycle
 *   instead of busy-looping;
 * - a step may run early on an event (`Observation.event`); Sampling counts only the steps of the cycle.
 *
 * See docs/deviations.md §3.
 */
import type { Mode } from "../../base/mode.ts";
import type { ConnectorConfig } from "./constants.ts";
import type { Level } from "../../base/log.ts";

export type StateName = "Connecting" | "HighestBlock" | "ForkDetect" | "FetchBlocks" | "Rebuild" | "Sampling";

/** What the driver knows about one upstream client. */
export interface PeerView {
  /** Public key of the remote node, hex (several upstreams may share one: duplicate `connect` entries). */
  readonly key: string;
  readonly registered: boolean;
  /** Last polled height (0 = unknown). */
  readonly height: number;
  /** Digest of the block at `height` on that peer, hex in storage order (undefined = unknown). */
  readonly digest?: string;
}

/** The chain chosen by the vote: its height, its tip digest and the peers that reported exactly that. */
export interface Target {
  readonly height: number;
  readonly digest: string;
  readonly peers: readonly string[];
}

/** Fork search inside ForkDetect: the highest common block lies in [lo, hi − 1]. */
export interface ForkSearch {
  /** Highest block known to match (or the refusal floor when `refuseAtLo`). */
  readonly lo: number;
  /** Lowest block known to differ (local height + 1 while none is known). */
  readonly hi: number;
  /** `lo` was not checked: ending there means the fork is at least `forkProtection` deep. */
  readonly refuseAtLo: boolean;
  /** Local height when the search started. */
  readonly localHeight: number;
}

/** The I/O a state is waiting for. */
export type Pending = "probe" | "delete" | "fetch";

export interface ConnectorState {
  readonly name: StateName;
  readonly mode: Mode;
  readonly target?: Target;
  readonly search?: ForkSearch;
  readonly pending?: Pending;
  /** Blocks requested by the pending fetch. */
  readonly fetchTo?: number;
  /** Sampling: times seen exactly one block behind (reset by Rebuild, as in 8.2). */
  readonly samples: number;
  /** Peer key → time (ms) until which it is left out. */
  readonly cooldown: Readonly<Record<string, number>>;
}

/**
 * Why an I/O action ended early. The machine branches on the kind (a peer that served an invalid block is
 * cooled down, anything else pauses until the next cycle); `failureText` is its text in the log line.
 */
export type Failure =
  /** The connector is stopping. */
  | { readonly kind: "stopping" }
  /** No peer delivered this block (or its digest): timed out, gone, refused (`E`) or replied nonsense; `text` is the last error. */
  | { readonly kind: "unanswered"; readonly block: number; readonly text: string }
  /** `peer` served a block that is not the one asked for or that failed validation (`text`, the Fault). */
  | { readonly kind: "invalid-block"; readonly block: number; readonly peer: string; readonly text: string }
  /** A pushed block was stored under this number during the fetch, and it is another block. */
  | { readonly kind: "local-changed"; readonly block: number }
  /** Local trouble: the store failed (on this block, when known) or the action threw. */
  | { readonly kind: "local-error"; readonly block?: number; readonly text: string };

export function failureText(f: Failure): string {
  switch (f.kind) {
    case "stopping":
      return "stopping";
    case "local-changed":
      return `block ${f.block}: local chain changed during the fetch`;
    case "local-error":
      return f.block === undefined ? f.text : `block ${f.block}: ${f.text}`;
    case "unanswered":
    case "invalid-block":
      return `block ${f.block}: ${f.text}`;
  }
}

/** The result of the I/O action the previous step asked for; `failure` when it ended early. */
export type Result =
  /** Local vs remote digest of each probed block (none when some could not be compared). */
  | { readonly kind: "probe"; readonly matches: readonly { readonly number: number; readonly equal: boolean }[]; readonly failure?: Failure }
  | { readonly kind: "delete"; readonly failure?: Failure }
  /** Blocks stored by the fetch (the new local height is in the observation). */
  | { readonly kind: "fetch"; readonly failure?: Failure };

export interface Observation {
  /** Milliseconds (driver's clock), used for cool-downs only. */
  readonly now: number;
  readonly localHeight: number;
  readonly peers: readonly PeerView[];
  readonly result?: Result;
  /**
   * The step runs early, on an event (a registration, a height change, a pushed block), not on the cycle:
   * Sampling then counts no sample, so "one block behind" is still tolerated for samplingLimit cycles.
   */
  readonly event?: boolean;
}

export type Action =
  | { readonly type: "setMode"; readonly mode: Mode }
  /** Ask the announcer for (more) connection targets (8.2: `reconnect` on the Announce queue). */
  | { readonly type: "reconnect" }
  | { readonly type: "log"; readonly level: Level; readonly message: string; readonly fields?: Record<string, unknown> }
  /** Compare local and remote (`H`) digests of these blocks, asking the given peers. */
  | { readonly type: "probe"; readonly numbers: readonly number[]; readonly peers: readonly string[] }
  /** Delete every local block numbered `from` or higher. */
  | { readonly type: "delete"; readonly from: number }
  /** Fetch blocks from..to (`B`) from the given peers, verify them and store them in order. */
  | { readonly type: "fetch"; readonly from: number; readonly to: number; readonly peers: readonly string[] };

export type IoAction = Extract<Action, { type: "probe" | "delete" | "fetch" }>;

export interface Step {
  readonly state: ConnectorState;
  readonly actions: readonly Action[];
}

export function initialState(): ConnectorState {
  return { name: "Connecting", mode: "Resynchronise", samples: 0, cooldown: {} };
}

export function isIoAction(a: Action): a is IoAction {
  return a.type === "probe" || a.type === "delete" || a.type === "fetch";
}

/**
 * Majority vote over the registered peers that are not cooling down: group by (height, digest at that
 * height), most peers wins, ties go to the higher height, then to the smaller digest (deterministic).
 * A node reached through several upstreams votes once.
 */
export function vote(peers: readonly PeerView[], cooldown: Readonly<Record<string, number>>, now: number): Target | undefined {
  const seen = new Set<string>();
  const groups = new Map<string, { height: number; digest: string; peers: string[] }>();
  for (const p of peers) {
    if (!p.registered || p.height <= 0 || p.digest === undefined || seen.has(p.key)) continue;
    if ((cooldown[p.key] ?? 0) > now) continue;
    seen.add(p.key);
    const id = `${p.height}:${p.digest}`;
    const g = groups.get(id);
    if (g) g.peers.push(p.key);
    else groups.set(id, { height: p.height, digest: p.digest, peers: [p.key] });
  }
  let best: { height: number; digest: string; peers: string[] } | undefined;
  for (const g of groups.values()) {
    if (
      !best ||
      g.peers.length > best.peers.length ||
      (g.peers.length === best.peers.length && (g.height > best.height || (g.height === best.height && g.digest < best.digest)))
    )
      best = g;
  }
  return best;
}

/** Up to `count` block numbers spread evenly over the open interval (lo, hi). */
export function probePoints(lo: number, hi: number, count: number): number[] {
  const span = hi - lo - 1;
  if (span <= 0) return [];
  if (span <= count) return Array.from({ length: span }, (_, i) => lo + 1 + i);
  const out: number[] = [];
  for (let i = 1; i <= count; i++) out.push(lo + Math.round((i * (span + 1)) / (count + 1)));
  return [...new Set(out)].filter((n) => n > lo && n < hi);
}

/** One transition. `cfg` supplies the limits (connector-constants.ts). */
export function step(cfg: ConnectorConfig, state: ConnectorState, obs: Observation): Step {
  const out: Action[] = [];
  const s = run(cfg, pruneCooldown(state, obs.now), obs, out);
  return { state: s, actions: out };
}

function pruneCooldown(state: ConnectorState, now: number): ConnectorState {
  const entries = Object.entries(state.cooldown);
  if (entries.every(([, until]) => until > now)) return state;
  return { ...state, cooldown: Object.fromEntries(entries.filter(([, until]) => until > now)) };
}

function log(out: Action[], level: Level, message: string, fields?: Record<string, unknown>): void {
  out.push({ type: "log", level, message, ...(fields ? { fields } : {}) });
}

/** Leaves the I/O bookkeeping behind when entering another state. */
function enter(state: ConnectorState, name: StateName, extra: Partial<ConnectorState> = {}): ConnectorState {
  const { search: _s, pending: _p, fetchTo: _f, ...rest } = state;
  return { ...rest, name, ...extra };
}

function registeredCount(peers: readonly PeerView[]): number {
  return peers.filter((p) => p.registered).length;
}

function run(cfg: ConnectorConfig, state: ConnectorState, obs: Observation, out: Action[]): ConnectorState {
  if (obs.result && obs.result.kind !== state.pending) {
    // A result the state no longer waits for (cannot happen with a well-behaved driver): ignore it.
    log(out, "warn", "unexpected result ignored", { state: state.name, result: obs.result.kind });
    return state;
  }
  switch (state.name) {
    case "Connecting":
      return connecting(cfg, state, obs, out);
    case "HighestBlock":
      return highestBlock(cfg, state, obs, out);
    case "ForkDetect":
      return obs.result?.kind === "probe"
        ? probed(cfg, state, obs, obs.result, out)
        : obs.result?.kind === "delete"
          ? deleted(cfg, state, obs, obs.result, out)
          : forkDetect(cfg, state, obs, out);
    case "FetchBlocks":
      return obs.result?.kind === "fetch" ? fetched(cfg, state, obs, obs.result, out) : fetchBlocks(cfg, state, obs, out);
    case "Rebuild":
      return rebuild(state, out);
    case "Sampling":
      return sampling(cfg, state, obs, out);
  }
}

function connecting(cfg: ConnectorConfig, state: ConnectorState, obs: Observation, out: Action[]): ConnectorState {
  if (state.mode !== "Resynchronise") out.push({ type: "setMode", mode: "Resynchronise" });
  const count = registeredCount(obs.peers);
  if (count >= cfg.minimumClients) {
    log(out, "info", "connections", { count });
    return enter(state, "HighestBlock", { mode: "Resynchronise" });
  }
  log(out, "debug", "connections below minimum client count", { count, minimum: cfg.minimumClients });
  out.push({ type: "reconnect" });
  return { ...state, mode: "Resynchronise" };
}

function highestBlock(cfg: ConnectorConfig, state: ConnectorState, obs: Observation, out: Action[]): ConnectorState {
  const target = vote(obs.peers, state.cooldown, obs.now);
  if (!target) {
    log(out, "info", "no peer reports a height yet", { registered: registeredCount(obs.peers) });
    return enter(state, "HighestBlock");
  }
  log(out, "info", "chain chosen", { height: target.height, digest: target.digest, votes: target.peers.length });
  return forkDetect(cfg, enter(state, "ForkDetect", { target }), obs, out);
}

/** Starts fork detection against the target, or declares the sync complete (8.2: remote ≤ local → Rebuild). */
function forkDetect(cfg: ConnectorConfig, state: ConnectorState, obs: Observation, out: Action[]): ConnectorState {
  const target = state.target!;
  const L = obs.localHeight;
  if (target.height <= L) return rebuild(enter(state, "Rebuild"), out);
  const floor = L - cfg.forkProtection;
  const search: ForkSearch = { lo: Math.max(1, floor), hi: L + 1, refuseAtLo: floor >= 1, localHeight: L };
  // First round checks only the local tip: the usual case is a remote chain that extends ours.
  return nextProbe(cfg, { ...state, search }, search.lo < L ? [L] : [], out);
}

function nextProbe(cfg: ConnectorConfig, state: ConnectorState, numbers: number[], out: Action[]): ConnectorState {
  if (numbers.length === 0) return forkFound(cfg, state, state.search!, out);
  out.push({ type: "probe", numbers, peers: state.target!.peers });
  return { ...state, pending: "probe" };
}

function probed(
  cfg: ConnectorConfig,
  state: ConnectorState,
  obs: Observation,
  result: Extract<Result, { kind: "probe" }>,
  out: Action[],
): ConnectorState {
  const search = state.search!;
  if (result.failure !== undefined) {
    log(out, "warn", "fork detection: digest comparison failed, retrying next cycle", { error: failureText(result.failure) });
    return enter(state, "HighestBlock");
  }
  if (obs.localHeight !== search.localHeight) {
    log(out, "info", "fork detection: local height changed, restarting next cycle", { was: search.localHeight, now: obs.localHeight });
    return enter(state, "HighestBlock");
  }
  let { lo, hi } = search;
  for (const m of result.matches) {
    if (m.equal) lo = Math.max(lo, m.number);
    else hi = Math.min(hi, m.number);
  }
  let refuseAtLo = search.refuseAtLo && lo === search.lo;
  if (lo >= hi) {
    // A digest matched above one that differed: the peers' answers do not describe one chain.
    log(out, "warn", "fork detection: inconsistent digests from peers, retrying next cycle", { lo, hi });
    return enter(state, "HighestBlock");
  }
  const next = { ...search, lo, hi, refuseAtLo };
  const { pending: _p, ...rest } = state;
  return nextProbe(cfg, { ...rest, search: next }, probePoints(lo, hi, cfg.probesPerRound), out);
}

/** The common block is `search.lo`: refuse a fork that is too deep, else delete down to it and fetch. */
function forkFound(cfg: ConnectorConfig, state: ConnectorState, search: ForkSearch, out: Action[]): ConnectorState {
  const L = search.localHeight;
  if (search.refuseAtLo) {
    log(out, "error", "fork protection: remote chain forks too deep, staying on the local chain until the next cycle", {
      local: L,
      common: `<=${search.lo}`,
      depth: `>=${L - search.lo}`,
      remote: state.target!.height,
    });
    return enter(state, "HighestBlock");
  }
  const common = search.lo;
  if (common < L) {
    log(out, "warn", "fork detected", { local: L, common, remote: state.target!.height });
    out.push({ type: "delete", from: common + 1 });
    return { ...state, pending: "delete" };
  }
  return startFetch(enter(state, "FetchBlocks"), L, cfg.blocksPerCycle, out);
}

function deleted(
  cfg: ConnectorConfig,
  state: ConnectorState,
  obs: Observation,
  result: Extract<Result, { kind: "delete" }>,
  out: Action[],
): ConnectorState {
  if (result.failure !== undefined) {
    log(out, "error", "delete down failed, retrying next cycle", { from: state.search!.lo + 1, error: failureText(result.failure) });
    return enter(state, "HighestBlock");
  }
  return startFetch(enter(state, "FetchBlocks"), obs.localHeight, cfg.blocksPerCycle, out);
}

function fetchBlocks(cfg: ConnectorConfig, state: ConnectorState, obs: Observation, out: Action[]): ConnectorState {
  if (obs.localHeight >= state.target!.height) return highestBlock(cfg, enter(state, "HighestBlock"), obs, out);
  return startFetch(state, obs.localHeight, cfg.blocksPerCycle, out);
}

/** Asks for up to `count` blocks after local height L from the target's peers that are not cooling down. */
function startFetch(state: ConnectorState, L: number, count: number, out: Action[]): ConnectorState {
  const target = state.target!;
  const peers = target.peers.filter((k) => !(k in state.cooldown));
  if (peers.length === 0) {
    log(out, "warn", "no usable peer left for the chosen chain, voting again next cycle");
    return enter(state, "HighestBlock");
  }
  const to = Math.min(target.height, L + count);
  out.push({ type: "fetch", from: L + 1, to, peers });
  return { ...state, target: { ...target, peers }, pending: "fetch", fetchTo: to };
}

function fetched(
  cfg: ConnectorConfig,
  state: ConnectorState,
  obs: Observation,
  result: Extract<Result, { kind: "fetch" }>,
  out: Action[],
): ConnectorState {
  const cooldown = { ...state.cooldown };
  const failure = result.failure;
  if (failure?.kind === "invalid-block") {
    cooldown[failure.peer] = obs.now + cfg.badPeerCooldownMs;
    log(out, "warn", "peer served an invalid block, left out for a while", { peer: failure.peer, ms: cfg.badPeerCooldownMs });
  }
  const { pending: _p, fetchTo: _f, ...rest } = state;
  const s = { ...rest, cooldown };
  const complete = obs.localHeight >= state.fetchTo!;
  if (!complete) {
    // Fetch the rest of the batch from the other peers of the chosen chain, in this cycle.
    if (failure?.kind === "invalid-block") return startFetch(s, obs.localHeight, state.fetchTo! - obs.localHeight, out);
    log(out, "warn", "block fetch stopped, retrying next cycle", { height: obs.localHeight, error: failure ? failureText(failure) : "incomplete" });
    return enter(s, "HighestBlock");
  }
  if (obs.localHeight >= state.target!.height) return highestBlock(cfg, enter(s, "HighestBlock"), obs, out);
  return s; // 8.2: pause after each batch, continue next cycle
}

function rebuild(state: ConnectorState, out: Action[]): ConnectorState {
  if (state.mode !== "Normal") out.push({ type: "setMode", mode: "Normal" });
  return enter(state, "Sampling", { mode: "Normal", samples: 0 });
}

function sampling(cfg: ConnectorConfig, state: ConnectorState, obs: Observation, out: Action[]): ConnectorState {
  const target = vote(obs.peers, state.cooldown, obs.now);
  log(out, "debug", "sampling", { connections: registeredCount(obs.peers), remote: target?.height ?? 0, local: obs.localHeight });
  if (!target || target.height <= obs.localHeight) return state;
  const behind = target.height - obs.localHeight;
  if (behind === 1) {
    if (obs.event) return state;
    const samples = state.samples + 1;
    if (samples <= cfg.samplingLimit) return { ...state, samples };
    return forkDetect(cfg, enter(state, "ForkDetect", { target, samples }), obs, out);
  }
  return forkDetect(cfg, enter(state, "ForkDetect", { target }), obs, out);
}
