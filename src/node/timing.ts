/**
 * The configuration's `timing` object: one table of every key (name, unit, default, what it changes, which
 * subsystem reads it). The parser and `bunmark run --help` come from it, and a test checks the README's table
 * against it. Production leaves `timing` empty and gets bitmarkd 8.2's constants (the defaults below are those
 * constants, read from the subsystems); test networks shorten intervals or lower counts.
 *
 * bunmark's own: bitmarkd has these as compiled-in constants. Deviation: unknown keys are errors (with the
 * closest valid name) instead of being ignored, and counts are validated as counts, not as milliseconds.
 */
import { ANNOUNCE_TIMING, type AnnounceTiming } from "../peer/announce/timing.ts";
import { CONNECTOR_DEFAULTS, type ConnectorConfig } from "../peer/sync/constants.ts";
import { DEFAULT_LIMITS, type ReservoirLimits } from "../reservoir/limits.ts";
import { DEFAULT_PAYMENT_TIMING, type PaymentTiming } from "../payment/watcher.ts";
import { PUBLISH_TIMING, type PublishTiming } from "../proof/publisher.ts";
import { ConfigError, objectOf } from "../base/config-values.ts";

export type TimingUnit = "ms" | "count";

interface Entry<F extends string> {
  readonly key: string;
  readonly field: F;
  readonly unit: TimingUnit;
  readonly what: string;
}

const CONNECTOR = [
  { key: "connector_cycle", field: "cycleMs", unit: "ms", what: "quiet period before each run of the sync state machine" },
  { key: "upstream_timeout", field: "timeoutMs", unit: "ms", what: "timeout of every request to an upstream" },
  { key: "upstream_poll", field: "upstreamPollMs", unit: "ms", what: "period of an upstream's registration and height poll" },
  { key: "bad_peer_cooldown", field: "badPeerCooldownMs", unit: "ms", what: "how long a peer that served an invalid block is left out" },
  { key: "minimum_clients", field: "minimumClients", unit: "count", what: "registered upstreams needed before syncing (set 1 or 2 for a small test network)" },
  { key: "fork_protection", field: "forkProtection", unit: "count", what: "a fork replacing this many local blocks or more is refused" },
] as const satisfies readonly Entry<keyof ConnectorConfig>[];

const ANNOUNCE = [
  { key: "announce_initial", field: "initialMs", unit: "ms", what: "delay from start to the first announcement" },
  { key: "announce_interval", field: "intervalMs", unit: "ms", what: "interval between announcements" },
  { key: "announce_rebroadcast", field: "rebroadcastMs", unit: "ms", what: "minimum age before a known peer record is accepted and relayed again" },
  { key: "announce_expiry", field: "expiryMs", unit: "ms", what: "peer records older than this are refused and expired" },
  { key: "peer_reached_window", field: "reachedWindowMs", unit: "ms", what: "R replies and relayed peer records name only peers this node reached within this window" },
] as const satisfies readonly Entry<keyof AnnounceTiming>[];

const RESERVOIR = [
  { key: "reservoir_timeout", field: "reservoirTimeoutMs", unit: "ms", what: "unverified items, pending transfers and orphan payments expire after this" },
  { key: "asset_timeout", field: "assetTimeoutMs", unit: "ms", what: "asset cache timeout (pending → expiring → deleted, each step)" },
  { key: "reservoir_clean", field: "cleanIntervalMs", unit: "ms", what: "how often expired reservoir entries are removed" },
  { key: "reservoir_rebroadcast", field: "rebroadcastIntervalMs", unit: "ms", what: "how often unconfirmed items are broadcast again" },
] as const satisfies readonly Entry<keyof ReservoirLimits>[];

const PAYMENT = [
  { key: "payment_check", field: "checkIntervalMs", unit: "ms", what: "how often a REST payment source looks for new coin blocks" },
  { key: "payment_request_timeout", field: "requestTimeoutMs", unit: "ms", what: "timeout of one request to a payment source (REST or discovery)" },
] as const satisfies readonly Entry<keyof PaymentTiming>[];

const PROOF = [
  { key: "proof_interval", field: "intervalMs", unit: "ms", what: "how often the proofer looks for work to publish as a job (default on bitmark: 60000)" },
  { key: "proof_pause", field: "pauseMs", unit: "ms", what: "extra wait after the proofer published a job" },
] as const satisfies readonly Entry<keyof PublishTiming>[];

const PROOF_DEFAULTS: PublishTiming = { intervalMs: PUBLISH_TIMING.testingIntervalMs, pauseMs: PUBLISH_TIMING.pauseMs };

export interface TimingRow {
  readonly key: string;
  readonly unit: TimingUnit;
  readonly default: number;
  readonly what: string;
  readonly subsystem: "connector" | "announce" | "reservoir" | "payment" | "proof";
}

/** Every `timing` key, in the order of the help and the README. */
export const TIMING_TABLE: readonly TimingRow[] = [
  ...CONNECTOR.map((e) => ({ ...e, default: CONNECTOR_DEFAULTS[e.field], subsystem: "connector" as const })),
  ...ANNOUNCE.map((e) => ({ ...e, default: ANNOUNCE_TIMING[e.field], subsystem: "announce" as const })),
  ...RESERVOIR.map((e) => ({ ...e, default: DEFAULT_LIMITS[e.field], subsystem: "reservoir" as const })),
  ...PAYMENT.map((e) => ({ ...e, default: DEFAULT_PAYMENT_TIMING[e.field], subsystem: "payment" as const })),
  ...PROOF.map((e) => ({ ...e, default: PROOF_DEFAULTS[e.field], subsystem: "proof" as const })),
];

/** Validated `timing`: configured keys only, each a positive whole number in its unit. */
export type Timing = Readonly<Record<string, number>>;

export function parseTiming(raw: unknown, path: string): Timing {
  if (raw === undefined) return {};
  const o = objectOf(raw, path, TIMING_TABLE.map((r) => r.key));
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(o)) {
    const row = TIMING_TABLE.find((r) => r.key === k)!;
    const unit = row.unit === "ms" ? "milliseconds" : "a count";
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1) {
      throw new ConfigError(`${path}.${k}: must be a positive whole number (${unit}), got ${JSON.stringify(v)}`);
    }
    out[k] = v;
  }
  return out;
}

function overrides<F extends string>(t: Timing, entries: readonly Entry<F>[]): Partial<Record<F, number>> {
  const out: Partial<Record<F, number>> = {};
  for (const e of entries) if (t[e.key] !== undefined) out[e.field] = t[e.key];
  return out;
}

export const connectorTiming = (t: Timing): Partial<ConnectorConfig> => overrides(t, CONNECTOR);
export const announceTiming = (t: Timing): Partial<AnnounceTiming> => overrides(t, ANNOUNCE);
export const reservoirTiming = (t: Timing): Partial<ReservoirLimits> => overrides(t, RESERVOIR);
export const paymentTiming = (t: Timing): Partial<PaymentTiming> => overrides(t, PAYMENT);
export const proofTiming = (t: Timing): Partial<PublishTiming> => overrides(t, PROOF);

/** A default in its unit for people: `15000 ms (15 s)`, `3` (also in the README's table). */
export function shownDefault(r: TimingRow): string {
  if (r.unit === "count") return String(r.default);
  const s = r.default / 1000;
  const human = s >= 3600 && s % 3600 === 0 ? `${s / 3600} h` : s >= 60 && s % 60 === 0 ? `${s / 60} min` : `${s} s`;
  return `${r.default} (${human})`;
}

/** The table as plain text (`run --help`). */
export function timingHelp(): string {
  const lines = ["timing keys (configuration file, object `timing`; production leaves it empty):"];
  const w = Math.max(...TIMING_TABLE.map((r) => r.key.length)) + 2;
  for (const r of TIMING_TABLE) lines.push(`  ${r.key.padEnd(w)}${r.unit.padEnd(6)} default ${shownDefault(r).padEnd(22)} ${r.subsystem}: ${r.what}`);
  return lines.join("\n");
}
