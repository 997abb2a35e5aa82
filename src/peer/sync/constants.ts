/**
 * Every constant of the connector and its upstream clients (bitmarkd 8.2 peer/connector.go and
 * peer/upstream/setup.go, docs/wire.md §8.1) in one object, plus bunmark's own tuning values.
 * Production uses CONNECTOR_DEFAULTS; tests and test networks override single values.
 */
export interface ConnectorConfig {
  /** Quiet period before each state-machine run (8.2: 15 s). */
  readonly cycleMs: number;
  /** Send/receive timeout of every upstream request (8.2: 60 s). */
  readonly timeoutMs: number;
  /** Samples one block behind tolerated before a resync; the resync happens on the next one (8.2: 10). */
  readonly samplingLimit: number;
  /** Blocks fetched per cycle (8.2: 200). */
  readonly blocksPerCycle: number;
  /** A fork is refused when it would replace this many local blocks or more (8.2: 60). */
  readonly forkProtection: number;
  /** Registered upstreams needed to leave Connecting (8.2: 3; duplicates count). */
  readonly minimumClients: number;
  /** Dynamic upstream slots (8.2: 10). */
  readonly dynamicClients: number;
  /** Period of an upstream's registration / height poll (8.2: 30 s). */
  readonly upstreamPollMs: number;
  /** Broadcast items waiting per upstream before new ones are dropped (8.2: 50). */
  readonly upstreamQueue: number;

  // bunmark additions (not in 8.2)

  /** How long a peer that served an invalid block is left out of votes and fetches. */
  readonly badPeerCooldownMs: number;
  /** Block digests compared per fork-detection round (probes spread evenly over the unknown range). */
  readonly probesPerRound: number;
  /** Blocks verified together in one `blockDigestBatch` call. */
  readonly verifyChunk: number;
  /** How many blocks may be fetched ahead of the last stored one. */
  readonly fetchWindow: number;
  /** An awaited block or digest in flight this long is also asked of another peer. */
  readonly hedgeAfterMs: number;
  /** Verify fetched blocks in parallel batches (false: one block at a time, as 8.2 does; the bench compares). */
  readonly parallelVerify: boolean;
}

export const CONNECTOR_DEFAULTS: ConnectorConfig = Object.freeze({
  cycleMs: 15_000,
  timeoutMs: 60_000,
  samplingLimit: 10,
  blocksPerCycle: 200,
  forkProtection: 60,
  minimumClients: 3,
  dynamicClients: 10,
  upstreamPollMs: 30_000,
  upstreamQueue: 50,
  badPeerCooldownMs: 10 * 60_000,
  probesPerRound: 8,
  verifyChunk: 8,
  fetchWindow: 32,
  hedgeAfterMs: 3_000,
  parallelVerify: true,
});

/** Defaults with `overrides` applied; every value must be a positive integer (booleans excepted). */
export function connectorConfig(overrides: Partial<ConnectorConfig> = {}): ConnectorConfig {
  const c = { ...CONNECTOR_DEFAULTS, ...overrides };
  for (const [k, v] of Object.entries(c)) {
    if (typeof v === "boolean") continue;
    if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`connector config ${k} must be a positive integer, got ${v}`);
  }
  return Object.freeze(c);
}
