/**
 * Assets announced but not yet in a block (asset/asset.go, asset/expiry.go). An entry is "pending" for the
 * asset timeout (73 h), then "expiring" for another timeout, then deleted; re-announcing the same asset
 * makes it pending again with a fresh timeout. 8.2 queues one expiry timer per announcement, so a
 * re-announcement can even shorten an asset's life; bunmark keeps one deadline per asset instead. An asset
 * still used by a pooled issue is not expired (8.2's block maker panics when such an asset is missing).
 *
 * See docs/records.md §14.7.
 */
import { accountsEqual } from "../chain/types/account.ts";
import { bytesEqual, toHex } from "../encoding/hex.ts";
import { assetIdOf } from "../chain/types/records/ids.ts";
import { packRecord } from "../chain/types/records/pack.ts";
import { Tag, type AssetData } from "../chain/types/records/types.ts";
import { unpackRecord } from "../chain/types/records/unpack.ts";
import { fail } from "../base/fault.ts";
import { logger } from "../base/log.ts";
import type { ReservoirLimits } from "./limits.ts";
import type { ReservoirPersistence, StoredAsset } from "./persistence.ts";
import type { Clock } from "../base/clock.ts";
import type { Bytes, ChainView } from "./ports.ts";

const log = logger("asset");

export interface AssetCacheDeps {
  readonly view: ChainView;
  readonly testnet: boolean;
  readonly clock: Clock;
  readonly limits: Pick<ReservoirLimits, "assetTimeoutMs" | "maxAssets" | "maxAssetBytes">;
  readonly persistence: ReservoirPersistence;
  /** True while a pooled issue refers to the asset (hex id). */
  readonly inUse: (assetIdHex: string) => boolean;
}

interface Entry extends StoredAsset {
  readonly assetId: Bytes;
}

/** Same asset content: name, fingerprint, metadata and registrant (the signature may differ). */
function sameContent(a: AssetData, b: AssetData): boolean {
  return bytesEqual(a.name, b.name) && bytesEqual(a.fingerprint, b.fingerprint) && bytesEqual(a.metadata, b.metadata) && accountsEqual(a.registrant, b.registrant);
}

export class AssetCache {
  readonly #d: AssetCacheDeps;
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;

  constructor(deps: AssetCacheDeps) {
    this.#d = deps;
  }

  /** Restores entries read back from persistence. */
  restore(assets: readonly [Bytes, StoredAsset][]): void {
    for (const [assetId, a] of assets) this.#set({ assetId, ...a });
  }

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Validates and caches an announced asset. Returns its id and, when the asset is new to this node, its
   * packed form (to be relayed); null when it is already confirmed or already cached with the same content.
   * Throws the validation fault, "assets already registered" for different content under the same id, or
   * "too many items to process" when the cache is full.
   */
  cache(asset: AssetData): { assetId: Bytes; packed: Bytes | null } {
    const d = this.#d;
    const packed = packRecord(asset, asset.registrant);
    const assetId = assetIdOf(asset.fingerprint);
    if (d.view.asset(assetId) !== undefined) return { assetId, packed: null };

    const existing = this.#entries.get(toHex(assetId));
    const deadline = d.clock.now() + d.limits.assetTimeoutMs;
    if (existing !== undefined) {
      const cached = unpackRecord(existing.packed, d.testnet).record;
      if (cached.tag !== Tag.AssetData || !sameContent(cached, asset)) fail("assets already registered");
      this.#put({ ...existing, state: "pending", deadline });
      return { assetId, packed: null };
    }
    if (this.#entries.size >= d.limits.maxAssets || this.#bytes + packed.length > d.limits.maxAssetBytes) {
      log.warn("asset cache full", { assets: this.#entries.size, bytes: this.#bytes });
      fail("too many items to process");
    }
    this.#put({ assetId, packed, state: "pending", deadline });
    return { assetId, packed };
  }

  /** Confirmed in the store, or cached. */
  exists(assetId: Bytes): boolean {
    return this.#d.view.asset(assetId) !== undefined || this.#entries.has(toHex(assetId));
  }

  /** The cached packed record, undefined when not cached. */
  get(assetId: Bytes): Bytes | undefined {
    return this.#entries.get(toHex(assetId))?.packed;
  }

  /** Drops an asset (stored in a block, or its block deleted). */
  delete(assetId: Bytes): void {
    const e = this.#entries.get(toHex(assetId));
    if (e === undefined) return;
    this.#unset(e);
    this.#d.persistence.deleteAsset(assetId);
  }

  /** Steps every entry whose deadline passed; returns how many were deleted. */
  expire(): number {
    const d = this.#d;
    const now = d.clock.now();
    let deleted = 0;
    for (const [id, e] of this.#entries) {
      if (e.deadline > now) continue;
      if (d.inUse(id)) {
        this.#put({ ...e, state: "pending", deadline: now + d.limits.assetTimeoutMs });
      } else if (e.state === "pending") {
        this.#put({ ...e, state: "expiring", deadline: now + d.limits.assetTimeoutMs });
      } else {
        log.info("expired", { assetId: id });
        this.delete(e.assetId);
        deleted++;
      }
    }
    return deleted;
  }

  #put(e: Entry): void {
    this.#set(e);
    this.#d.persistence.putAsset(e.assetId, { packed: e.packed, state: e.state, deadline: e.deadline });
  }

  /** Replaces an entry in place: `expire` steps entries while iterating, and must not meet them again. */
  #set(e: Entry): void {
    const id = toHex(e.assetId);
    this.#bytes += e.packed.length - (this.#entries.get(id)?.packed.length ?? 0);
    this.#entries.set(id, e);
  }

  #unset(e: Entry): void {
    this.#entries.delete(toHex(e.assetId));
    this.#bytes -= e.packed.length;
  }
}
