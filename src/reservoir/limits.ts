/**
 * Reservoir timing constants (bitmarkd 8.2 constants/, cache/, payment/) and bunmark's memory caps.
 *
 * 8.2 has no caps: a peer could grow its pools without bound. bunmark refuses new items once a pool is full
 * ("too many items to process") instead of evicting, so a flood cannot push out items already proven or paid;
 * unverified items still leave after 72 h. Measured heap per pooled transaction: about 0.8 KiB in 100-issue
 * batches, 1.8 KiB as single-issue pay ids (record, ids, index entries). Worst case with the defaults:
 * assets ≈ 16 MiB + 10,000 × 0.5 KiB, pools ≈ 50,000 × 0.8 KiB or 20,000 × 1.8 KiB: well under 100 MB.
 *
 * See docs/records.md §14.2; caps: docs/deviations.md §5.
 */

const HOUR = 3_600_000;

export interface ReservoirLimits {
  /** Unverified items, pending transfers and orphan payments expire this long after they were put (72 h). */
  reservoirTimeoutMs: number;
  /** Asset cache timeout: pending → expiring → deleted, each step this long (72 h + 1 h). */
  assetTimeoutMs: number;
  /** How often expired entries are removed (5 min). */
  cleanIntervalMs: number;
  /** How often unconfirmed items are broadcast again (15 min). */
  rebroadcastIntervalMs: number;
  /** Asset cache: entries and total packed bytes. */
  maxAssets: number;
  maxAssetBytes: number;
  /** Unverified pay ids (issue batches or transfers). */
  maxUnverified: number;
  /** Unconfirmed transactions in the pools, unverified and verified together (a block holds up to 10,000). */
  maxPooledTxs: number;
  /** Packed bytes of those transactions. */
  maxPooledBytes: number;
  /** Orphan payments (payments seen before their transactions). */
  maxOrphans: number;
}

export const DEFAULT_LIMITS: Readonly<ReservoirLimits> = {
  reservoirTimeoutMs: 72 * HOUR,
  assetTimeoutMs: 73 * HOUR,
  cleanIntervalMs: 5 * 60_000,
  rebroadcastIntervalMs: 15 * 60_000,
  maxAssets: 10_000,
  maxAssetBytes: 16 * 1024 * 1024,
  maxUnverified: 20_000,
  maxPooledTxs: 50_000,
  maxPooledBytes: 16 * 1024 * 1024,
  maxOrphans: 10_000,
};

/** Issues allowed in one submission (reservoir/issues.go maximumIssues). */
export const MAXIMUM_ISSUES = 100;
/** Client nonce length for proofs (payment/setup.go). */
export const MINIMUM_NONCE_LENGTH = 8;
export const MAXIMUM_NONCE_LENGTH = 64;
