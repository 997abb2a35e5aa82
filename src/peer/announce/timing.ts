/** Announcer constants (announce/announcer.go, docs/wire.md §6.4), in milliseconds, overridable for test networks. */

export interface AnnounceTiming {
  /** Delay from start to the first announcer run (2 min). */
  readonly initialMs: number;
  /** Interval between runs (11 min). */
  readonly intervalMs: number;
  /** Minimum age difference before a known record is accepted (and relayed) again (7 min). */
  readonly rebroadcastMs: number;
  /** Records older than this are refused and expired (55 min = 5 intervals). */
  readonly expiryMs: number;
}

const MINUTE = 60_000;

export const ANNOUNCE_TIMING: AnnounceTiming = {
  initialMs: 2 * MINUTE,
  intervalMs: 11 * MINUTE,
  rebroadcastMs: 7 * MINUTE,
  expiryMs: 55 * MINUTE,
};

/**
 * A received timestamp (Unix seconds) as the record time in ms: zero or future timestamps mean "now"
 * (bitmarkd never stores a time ahead of its own clock).
 */
export function recordTime(timestamp: bigint, now: number): number {
  const nowSeconds = BigInt(Math.floor(now / 1000));
  return timestamp !== 0n && timestamp <= nowSeconds ? Number(timestamp) * 1000 : now;
}

/** be64 of a record time's whole seconds, as sent in `peer`/`rpc` pushes and `R` frames. */
export function be64Seconds(ms: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(Math.floor(ms / 1000)));
  return out;
}
