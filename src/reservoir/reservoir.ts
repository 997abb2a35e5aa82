/**
 * The reservoir (bitmarkd 8.2 reservoir/, cache/): issues and transfers waiting to be paid for or proven
 * ("unverified"), those waiting for a block ("verified"), pending transfers per link and orphan payments,
 * plus the asset cache. Rules and error texts follow docs/records.md §14.4–§14.6 in bitmarkd's order.
 *
 * bitmarkd keeps five independent expiring maps; here one item per pay id holds the records, and the txid
 * and link indexes are derived from the items (they always expired together in 8.2 anyway). Every change is
 * written through `ReservoirPersistence` in one write transaction per operation.
 */
import { type Account, accountToBytes } from "../chain/types/account.ts";
import { type ChainName, isTestnet } from "../chain/types/chains.ts";
import { type Difficulty, scaledDifficulty, targetBytes } from "../chain/rules/difficulty.ts";
import { concatBytes, toHex } from "../encoding/hex.ts";
import { assetIdOf } from "../chain/types/records/ids.ts";
import { packRecord } from "../chain/types/records/pack.ts";
import { isTransfer } from "../chain/types/records/roles.ts";
import { Tag, type BitmarkIssue, type Escrow, type TransferRecord, type TxRecord } from "../chain/types/records/types.ts";
import { unpackRecord } from "../chain/types/records/unpack.ts";
import type { HashBackend } from "../crypto/api.ts";
import { fail } from "../base/fault.ts";
import { logger } from "../base/log.ts";
import { AssetCache } from "./asset-cache.ts";
import { DEFAULT_LIMITS, MAXIMUM_ISSUES, MAXIMUM_NONCE_LENGTH, MINIMUM_NONCE_LENGTH, type ReservoirLimits } from "./limits.ts";
import { payIdOf } from "./pay-id.ts";
import { acceptablePayment, issuePayments, type PaymentDetail, transferPayments } from "./payments.ts";
import { memoryPersistence, type PoolItem, type ReservoirPersistence, type StoredOrphan } from "./persistence.ts";
import { at } from "../base/at.ts";
import { type Clock, systemClock } from "../base/clock.ts";
import type { Bytes, ChainView, PaymentAlternative } from "./ports.ts";
import { TrackingStatus, TransactionState } from "./status.ts";

const log = logger("reservoir");

export interface ReservoirDeps {
  readonly chain: ChainName;
  readonly view: ChainView;
  readonly hash: HashBackend;
  readonly clock?: Clock;
  /** undefined: DEFAULT_LIMITS */
  readonly limits?: Partial<ReservoirLimits> | undefined;
  /** undefined: memory only */
  readonly persistence?: ReservoirPersistence | undefined;
}

/** What StoreIssues returns to a client (Bitmarks.Create). */
export interface IssueInfo {
  payId: Bytes;
  payNonce: Bytes;
  difficulty: Difficulty;
  txIds: Bytes[];
  packed: Bytes;
  payments: readonly PaymentAlternative[] | null;
}

/** What StoreTransfer returns to a client (Bitmark.Transfer). */
export interface TransferInfo {
  payId: Bytes;
  txId: Bytes;
  packed: Bytes;
  payments: readonly PaymentAlternative[];
}

/** `duplicate`: the exact same submission is already pooled (the peer handler then reports "transaction already exists"). */
export interface Stored<T> {
  info: T;
  duplicate: boolean;
}

/** One item of the 15-minute re-broadcast. */
export interface RebroadcastItem {
  command: "assets" | "issues" | "transfer" | "proof";
  params: Bytes[];
}

interface TxRef {
  item: PoolItem;
  index: number;
}

/**
 * The owner a transfer must be signed by, and the escrow payment it inherits: issues and transfers are
 * followed by transfers (4/5), block-owner records by block-owner transfers; anything else is refused.
 */
function predecessor(prev: TxRecord, successor: TransferRecord): { owner: Account; escrow: Escrow | null } {
  if (successor.tag !== Tag.BlockOwnerTransfer) {
    if (prev.tag === Tag.BitmarkIssue) return { owner: prev.owner, escrow: null };
    if (prev.tag === Tag.BitmarkTransferUnratified || prev.tag === Tag.BitmarkTransferCountersigned) return { owner: prev.owner, escrow: prev.escrow };
  } else {
    if (prev.tag === Tag.BaseData || prev.tag === Tag.BlockFoundation) return { owner: prev.owner, escrow: null };
    if (prev.tag === Tag.BlockOwnerTransfer) return { owner: prev.owner, escrow: prev.escrow };
  }
  fail("link to invalid or unconfirmed transaction");
}

export class Reservoir {
  readonly assets: AssetCache;
  readonly limits: Readonly<ReservoirLimits>;
  readonly testnet: boolean;
  readonly #d: ReservoirDeps;
  readonly #clock: Clock;
  readonly #persist: ReservoirPersistence;
  /** pay id hex → item, in arrival order */
  readonly #items = new Map<string, PoolItem>();
  /** txid hex → its item, for unverified items and unconfirmed transactions of verified items */
  readonly #txs = new Map<string, TxRef>();
  /** link hex → txid hex and expiry of the transfer pending on that link */
  readonly #pending = new Map<string, { txId: string; expiresAt: number }>();
  readonly #orphans = new Map<string, StoredOrphan>();
  /** asset id hex → number of pooled items issuing it */
  readonly #assetUse = new Map<string, number>();
  #seq = 0;
  #unverified = 0;
  #verifiedTxs = 0;
  #pooledBytes = 0;

  constructor(deps: ReservoirDeps) {
    this.#d = deps;
    this.testnet = isTestnet(deps.chain);
    this.#clock = deps.clock ?? systemClock;
    this.limits = { ...DEFAULT_LIMITS, ...deps.limits };
    this.#persist = deps.persistence ?? memoryPersistence;
    this.assets = new AssetCache({
      view: deps.view,
      testnet: this.testnet,
      clock: this.#clock,
      limits: this.limits,
      persistence: this.#persist,
      inUse: (id) => this.#assetUse.has(id),
    });
    this.#restore();
  }

  // ---- issues ---------------------------------------------------------------------------------------

  /** StoreIssues (docs/records.md §14.5). Throws a Fault. */
  storeIssues(issues: readonly TxRecord[]): Stored<IssueInfo> {
    const count = issues.length;
    if (count > MAXIMUM_ISSUES) fail("too many items to process");
    if (count === 0) fail("missing parameters");

    const packed: Bytes[] = [];
    const txIds: Bytes[] = [];
    let duplicate = false;
    for (const issue of issues) {
      if (issue.tag !== Tag.BitmarkIssue) fail("invalid item");
      if (issue.owner.testnet !== this.testnet) fail("wrong network for public key");
      const p = packRecord(issue, issue.owner);
      if (!this.assets.exists(issue.assetId)) fail("asset not found");
      const txId = this.#d.hash.sha3_256(p);
      const ref = this.#txs.get(toHex(txId));
      if (ref !== undefined && !ref.item.verified) duplicate = true;
      if (ref?.item.verified || this.#confirmed(txId)) fail("transaction already exists");
      packed.push(p);
      txIds.push(txId);
    }

    const payId = payIdOf(this.#d.hash, packed);
    const difficulty = scaledDifficulty(count, this.#d.chain);
    const info: IssueInfo = { payId, payNonce: this.#d.view.payNonce(), difficulty, txIds, packed: concatBytes(...packed), payments: null };

    const existing = this.#items.get(toHex(payId));
    if (existing !== undefined && !existing.verified) {
      log.debug("duplicate pay id", { payId });
      return { info, duplicate: true };
    }
    if (duplicate) {
      log.debug("overlapping pay id", { payId });
      fail("transaction already exists");
    }

    const issueRecords = issues as readonly BitmarkIssue[];
    info.payments = issuePayments(this.#d.view, this.testnet, issueRecords.map((i) => this.#d.view.asset(i.assetId)?.block));
    const assetIds = new Map<string, Bytes>();
    for (const i of issueRecords) assetIds.set(toHex(i.assetId), i.assetId);

    this.#admit({
      payId,
      kind: "issues",
      records: packed,
      txIds,
      links: null,
      assetIds: [...assetIds.values()],
      createdAt: this.#clock.now(),
      seq: this.#seq++,
      verified: false,
      difficulty: targetBytes(difficulty.target),
      payments: info.payments,
      nonce: null,
      confirmed: new Set(),
    });
    log.info("issues stored", { payId, count });
    return { info, duplicate: false };
  }

  /** TryProof (docs/records.md §14.4): nonce 8..64 bytes else "invalid nonce". */
  tryProof(payId: Bytes, nonce: Bytes): TrackingStatus {
    if (nonce.length < MINIMUM_NONCE_LENGTH || nonce.length > MAXIMUM_NONCE_LENGTH) fail("invalid nonce");
    const item = this.#items.get(toHex(payId));
    if (item === undefined || item.verified) return TrackingStatus.NotFound;
    if (item.difficulty === null) return TrackingStatus.Invalid;
    if (this.#d.hash.proofCheck(payId, this.#d.view.proofCRCs(), nonce, item.difficulty) < 0) return TrackingStatus.Invalid;
    this.#setVerified(item, null, nonce);
    log.info("proof accepted", { payId });
    return TrackingStatus.Accepted;
  }

  // ---- transfers ------------------------------------------------------------------------------------

  /** StoreTransfer (docs/records.md §14.6). Throws a Fault. */
  storeTransfer(transfer: TxRecord): Stored<TransferInfo> {
    if (!isTransfer(transfer)) fail("invalid item");
    const d = this.#d;
    const link = transfer.link;

    const previous = d.view.transaction(link);
    if (previous === undefined) fail("link to invalid or unconfirmed transaction");
    const { owner: currentOwner, escrow } = predecessor(unpackRecord(previous.packed, this.testnet).record, transfer);

    const packed = packRecord(transfer, currentOwner);
    const txId = d.hash.sha3_256(packed);
    const linkHex = toHex(link);

    const pendingOnLink = this.#pending.has(linkHex);
    const ref = this.#txs.get(toHex(txId));
    const unverified = ref !== undefined && !ref.item.verified;
    let duplicate = false;
    if (unverified && pendingOnLink) duplicate = true;
    else if (unverified || pendingOnLink) fail("double transfer attempt");
    if (ref?.item.verified || this.#confirmed(txId)) fail("transaction already exists");

    const owned = d.view.ownership(accountToBytes(currentOwner), link);
    if (owned === undefined) fail("double transfer attempt");

    const payId = payIdOf(d.hash, [packed]);
    // 8.2's guard; with a consistent store the confirmed-txid rule above already refused such a record.
    if (Buffer.compare(txId, link) === 0) fail("transaction links to self");
    const payments = transferPayments(d.view, this.testnet, owned, escrow);
    const info: TransferInfo = { payId, txId, packed, payments };

    const existing = this.#items.get(toHex(payId));
    if (existing !== undefined && !existing.verified) {
      info.payments = existing.payments ?? payments;
      return { info, duplicate: true };
    }
    if (duplicate) fail("transaction already exists");

    this.#admit({
      payId,
      kind: "transfer",
      records: [packed],
      txIds: [txId],
      links: [link],
      assetIds: [],
      createdAt: this.#clock.now(),
      seq: this.#seq++,
      verified: false,
      difficulty: null,
      payments,
      nonce: null,
      confirmed: new Set(),
    });
    log.info("transfer stored", { payId, txId });
    return { info, duplicate: false };
  }

  /**
   * A payment for `payId` was seen on a currency chain (SetTransferVerified): verifies the item when the
   * payment is acceptable, or keeps it as an orphan payment until its item arrives (72 h). As in 8.2
   * (reservoir/setup.go), a payment that does not settle an existing item is kept as an orphan too (it then
   * settles nothing: an item with that pay id already exists); a newer payment for the same pay id replaces
   * the older orphan. "dropped" only when the orphan pool is full (bunmark's cap).
   */
  setTransferVerified(payId: Bytes, detail: PaymentDetail): "verified" | "orphan" | "dropped" {
    const item = this.#items.get(toHex(payId));
    if (item !== undefined && !item.verified && this.#setVerified(item, detail, null)) return "verified";
    if (this.#orphans.size >= this.limits.maxOrphans && !this.#orphans.has(toHex(payId))) {
      log.warn("orphan payments full", { payId });
      return "dropped";
    }
    const orphan: StoredOrphan = { detail, expiresAt: this.#clock.now() + this.limits.reservoirTimeoutMs };
    this.#orphans.set(toHex(payId), orphan);
    this.#persist.write(() => this.#persist.putOrphan(payId, orphan));
    log.debug("orphan payment", { payId, txId: detail.txId });
    return "orphan";
  }

  /** Orphan payments held, per currency code. */
  orphanCounts(): Map<number, number> {
    const counts = new Map<number, number>();
    for (const o of this.#orphans.values()) counts.set(o.detail.currency, (counts.get(o.detail.currency) ?? 0) + 1);
    return counts;
  }

  /**
   * Runs `fn` (several reservoir operations, e.g. caching the assets of one pushed item) as ONE persistence
   * write: one commit instead of one per operation. What `fn` did before throwing is committed all the same
   * (memory and disk stay alike) and the error is rethrown.
   */
  inOneWrite(fn: () => void): void {
    let failure: { error: unknown } | undefined;
    this.#persist.write(() => {
      try {
        fn();
      } catch (error) {
        failure = { error };
      }
    });
    if (failure) throw failure.error;
  }

  // ---- queries --------------------------------------------------------------------------------------

  transactionStatus(txId: Bytes): TransactionState {
    const ref = this.#txs.get(toHex(txId));
    if (ref !== undefined) return ref.item.verified ? TransactionState.Verified : TransactionState.Pending;
    return this.#confirmed(txId) ? TransactionState.Confirmed : TransactionState.Unknown;
  }

  /** (pending, verified) transaction counts, as bitmarkd's ReadCounters. */
  counters(): { pending: number; verified: number } {
    return { pending: this.#txs.size - this.#verifiedTxs, verified: this.#verifiedTxs };
  }

  /** Pool sizes, for monitoring and the memory tests. */
  sizes(): { assets: number; assetBytes: number; unverified: number; verifiedTxs: number; pooledBytes: number; pendingTransfers: number; orphans: number } {
    return {
      assets: this.assets.size,
      assetBytes: this.assets.bytes,
      unverified: this.#unverified,
      verifiedTxs: this.#verifiedTxs,
      pooledBytes: this.#pooledBytes,
      pendingTransfers: this.#pending.size,
      orphans: this.#orphans.size,
    };
  }

  /** Up to `count` verified transactions for a new block, oldest first (FetchVerified). */
  fetchVerified(count: number): { txIds: Bytes[]; packed: Bytes[]; totalBytes: number } {
    if (count <= 0) fail("invalid count");
    const out = { txIds: [] as Bytes[], packed: [] as Bytes[], totalBytes: 0 };
    for (const item of this.#items.values()) {
      if (!item.verified) continue;
      for (const [i, txId] of item.txIds.entries()) {
        if (out.txIds.length >= count) break;
        if (item.confirmed.has(i)) continue;
        const packed = at(item.records, i);
        out.txIds.push(txId);
        out.packed.push(packed);
        out.totalBytes += packed.length;
      }
      if (out.txIds.length >= count) break;
    }
    return out;
  }

  /** Every pooled item, oldest first (backup file, inspection). */
  items(): IterableIterator<Readonly<PoolItem>> {
    return this.#items.values();
  }

  // ---- block store hooks ----------------------------------------------------------------------------

  /**
   * A block was stored (block/store.go): its assets leave the cache, its issues and transfers leave the
   * pools, and so does any other transfer pending on a link it spent.
   */
  blockStored(records: readonly { record: TxRecord; txId: Bytes }[]): void {
    this.#persist.write(() => {
      for (const { record, txId } of records) {
        if (record.tag === Tag.AssetData) this.assets.delete(assetIdOf(record.fingerprint));
        else if (record.tag === Tag.BitmarkIssue) this.deleteByTxId(txId);
        else if (isTransfer(record)) {
          this.deleteByTxId(txId);
          this.deleteByLink(record.link);
        }
      }
    });
  }

  /** A block was deleted (block/delete.go): its assets leave the cache and its transactions the pools. */
  blockDeleted(records: readonly { record: TxRecord; txId: Bytes }[]): void {
    this.#persist.write(() => {
      for (const { record, txId } of records) {
        if (record.tag === Tag.AssetData) this.assets.delete(assetIdOf(record.fingerprint));
        else if (record.tag !== Tag.BaseData && record.tag !== Tag.BlockFoundation) this.deleteByTxId(txId);
      }
    });
  }

  /** DeleteByTxId: an unverified item leaves whole; a verified transaction leaves alone (with its link). */
  deleteByTxId(txId: Bytes): void {
    const ref = this.#txs.get(toHex(txId));
    if (ref === undefined) return;
    this.#persist.write(() => {
      if (!ref.item.verified) this.#remove(ref.item);
      else this.#confirm(ref);
    });
  }

  /** DeleteByLink: whatever transfer is pending on `link` leaves the pools. */
  deleteByLink(link: Bytes): void {
    const pending = this.#pendingTx(toHex(link));
    if (pending === undefined) return;
    const ref = this.#txs.get(pending);
    this.#pending.delete(toHex(link));
    if (ref !== undefined) this.deleteByTxId(at(ref.item.txIds, ref.index));
  }

  // ---- timers ---------------------------------------------------------------------------------------

  /** The 5-minute cleaner: drops expired unverified items, pending links, orphan payments and assets. */
  expire(): void {
    const now = this.#clock.now();
    const deadline = now - this.limits.reservoirTimeoutMs;
    this.#persist.write(() => {
      for (const item of this.#items.values()) {
        if (!item.verified && item.createdAt <= deadline) {
          log.info("expired", { payId: item.payId });
          this.#remove(item);
        }
      }
      for (const [link, p] of this.#pending) if (p.expiresAt <= now) this.#pending.delete(link);
      for (const [id, o] of this.#orphans) {
        if (o.expiresAt > now) continue;
        this.#orphans.delete(id);
        this.#persist.deleteOrphan(Buffer.from(id, "hex"));
      }
      this.assets.expire();
    });
  }

  /**
   * The items to broadcast again (every 15 minutes): each unverified transfer; each unverified issue batch
   * preceded by its still-cached assets; each fully unconfirmed verified batch with its assets and, when it
   * was proven, its proof.
   */
  rebroadcastItems(): RebroadcastItem[] {
    const out: RebroadcastItem[] = [];
    for (const item of this.#items.values()) {
      if (item.kind === "transfer") {
        if (!item.confirmed.has(0)) out.push({ command: "transfer", params: [at(item.records, 0)] });
        continue;
      }
      if (item.confirmed.size > 0) continue;
      const assets = item.assetIds.map((id) => this.assets.get(id)).filter((p): p is Bytes => p !== undefined);
      if (assets.length > 0) out.push({ command: "assets", params: [concatBytes(...assets)] });
      out.push({ command: "issues", params: [concatBytes(...item.records)] });
      if (item.verified && item.nonce !== null) out.push({ command: "proof", params: [concatBytes(item.payId, item.nonce)] });
    }
    return out;
  }

  // ---- internals ------------------------------------------------------------------------------------

  #confirmed(txId: Bytes): boolean {
    return this.#d.view.transaction(txId) !== undefined;
  }

  /** The txid pending on a link (until the cleaner drops it, 72 h after it was put). */
  #pendingTx(linkHex: string): string | undefined {
    return this.#pending.get(linkHex)?.txId;
  }

  /** Drops the pending entry of item transaction `index` unless a newer transfer replaced it. */
  #dropPending(item: PoolItem, index: number): void {
    const link = item.links?.[index];
    if (link === undefined) return;
    const key = toHex(link);
    if (this.#pending.get(key)?.txId === toHex(at(item.txIds, index))) this.#pending.delete(key);
  }

  /** Adds a new item, verified at once when an orphan payment settles it. */
  #admit(item: PoolItem): void {
    const bytes = item.records.reduce((n, r) => n + r.length, 0);
    const l = this.limits;
    if (this.#unverified >= l.maxUnverified || this.#txs.size + item.txIds.length > l.maxPooledTxs || this.#pooledBytes + bytes > l.maxPooledBytes) {
      log.warn("reservoir full", { unverified: this.#unverified, txs: this.#txs.size, bytes: this.#pooledBytes });
      fail("too many items to process");
    }
    const payHex = toHex(item.payId);
    const orphan = this.#orphans.get(payHex);
    const paid = orphan !== undefined && acceptablePayment(orphan.detail, item.payments);
    this.#persist.write(() => {
      if (paid) {
        item.verified = true;
        this.#orphans.delete(payHex);
        this.#persist.deleteOrphan(item.payId);
      }
      this.#items.set(payHex, item);
      this.#index(item);
      this.#persist.putItem(item);
    });
  }

  /** setVerified: payment preferred (checked when the item asks for one), else the proof nonce. */
  #setVerified(item: PoolItem, detail: PaymentDetail | null, nonce: Bytes | null): boolean {
    if (detail === null && (nonce === null || nonce.length === 0)) return false;
    if (detail !== null && item.payments !== null && !acceptablePayment(detail, item.payments)) {
      log.warn("payment not acceptable", { payId: item.payId, txId: detail.txId });
      return false;
    }
    if (detail !== null) log.info("paid", { payId: item.payId, txId: detail.txId });
    this.#persist.write(() => {
      this.#unindex(item);
      item.verified = true;
      item.nonce = nonce;
      this.#index(item);
      this.#persist.putItem(item);
    });
    return true;
  }

  /** One transaction of a verified item reached a block; the item goes once all have. */
  #confirm(ref: TxRef): void {
    const { item, index } = ref;
    this.#unindex(item);
    item.confirmed.add(index);
    this.#dropPending(item, index);
    if (item.confirmed.size === item.txIds.length) {
      this.#items.delete(toHex(item.payId));
      this.#persist.deleteItem(item.payId);
      return;
    }
    this.#index(item);
    this.#persist.putItem(item);
  }

  /** internalDelete: the item, its txids and its pending links leave. */
  #remove(item: PoolItem): void {
    this.#unindex(item);
    this.#items.delete(toHex(item.payId));
    item.txIds.forEach((_, index) => this.#dropPending(item, index));
    this.#persist.deleteItem(item.payId);
  }

  /** Enters an item of `#items` in the txid, link and asset indexes and the counters. */
  #index(item: PoolItem): void {
    item.txIds.forEach((txId, index) => {
      if (!item.confirmed.has(index)) this.#txs.set(toHex(txId), { item, index });
    });
    const live = item.txIds.length - item.confirmed.size;
    if (item.verified) this.#verifiedTxs += live;
    else this.#unverified++;
    this.#pooledBytes += item.records.reduce((n, r, i) => n + (item.confirmed.has(i) ? 0 : r.length), 0);
    for (const id of item.assetIds) {
      const key = toHex(id);
      this.#assetUse.set(key, (this.#assetUse.get(key) ?? 0) + 1);
    }
    const expiresAt = item.createdAt + this.limits.reservoirTimeoutMs;
    item.links?.forEach((link, index) => {
      if (!item.confirmed.has(index) && expiresAt > this.#clock.now()) this.#pending.set(toHex(link), { txId: toHex(at(item.txIds, index)), expiresAt });
    });
  }

  /** The reverse of #index, except pending links (which outlive verification). */
  #unindex(item: PoolItem): void {
    item.txIds.forEach((txId, index) => {
      if (!item.confirmed.has(index)) this.#txs.delete(toHex(txId));
    });
    const live = item.txIds.length - item.confirmed.size;
    if (item.verified) this.#verifiedTxs -= live;
    else this.#unverified--;
    this.#pooledBytes -= item.records.reduce((n, r, i) => n + (item.confirmed.has(i) ? 0 : r.length), 0);
    for (const id of item.assetIds) {
      const key = toHex(id);
      const n = (this.#assetUse.get(key) ?? 1) - 1;
      if (n > 0) this.#assetUse.set(key, n);
      else this.#assetUse.delete(key);
    }
  }

  /** Reloads persisted state, dropping what a block confirmed while the node was down. */
  #restore(): void {
    const state = this.#persist.load();
    this.assets.restore(state.assets);
    for (const [payId, o] of state.orphans) this.#orphans.set(toHex(payId), o);
    const items = [...state.items].sort((a, b) => a.seq - b.seq);
    this.#seq = (items.at(-1)?.seq ?? -1) + 1;
    this.#persist.write(() => {
      for (const [assetId] of state.assets) if (this.#d.view.asset(assetId) !== undefined) this.assets.delete(assetId);
      for (const item of items) {
        item.txIds.forEach((txId, i) => {
          if (item.verified && this.#confirmed(txId)) item.confirmed.add(i);
        });
        const stale = !item.verified && item.txIds.some((txId) => this.#confirmed(txId));
        if (stale || item.confirmed.size === item.txIds.length) {
          this.#persist.deleteItem(item.payId);
          continue;
        }
        this.#items.set(toHex(item.payId), item);
        this.#index(item);
      }
    });
    if (state.assets.length + state.items.length + state.orphans.length > 0) log.info("restored", this.sizes());
  }

  /** Recomputes an item's ids from its records (persistence `derive`). */
  static deriveIds(hash: HashBackend, testnet: boolean) {
    return (kind: PoolItem["kind"], records: Bytes[]): Pick<PoolItem, "payId" | "txIds" | "assetIds"> => {
      const assetIds = new Map<string, Bytes>();
      if (kind === "issues") {
        for (const r of records) {
          const rec = unpackRecord(r, testnet).record;
          if (rec.tag === Tag.BitmarkIssue) assetIds.set(toHex(rec.assetId), rec.assetId);
        }
      }
      return { payId: payIdOf(hash, records), txIds: records.map((r) => hash.sha3_256(r)), assetIds: [...assetIds.values()] };
    };
  }
}
