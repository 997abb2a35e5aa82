/**
 * Durable reservoir state: the asset cache, pooled items and orphan payments in three named LMDB tables of
 * the node's one environment, written as they change (one write transaction per reservoir operation) so a
 * restart loses nothing. Values are JSON (hex for bytes, decimal strings for amounts): small, versioned and
 * readable with any LMDB tool.
 *
 * See docs/deviations.md §5.
 */
import type { Database } from "lmdb";
import { currencyFromCode } from "../chain/types/currency.ts";
import { fromHex, toHex } from "../encoding/hex.ts";
import { logger } from "../base/log.ts";
import type { PaymentDetail } from "./payments.ts";
import type { Bytes, Payment, PaymentAlternative } from "./ports.ts";
import { ReservoirError } from "./errors.ts";

const log = logger("reservoir");

export type AssetState = "pending" | "expiring";

export interface StoredAsset {
  packed: Bytes;
  state: AssetState;
  /** ms: when the state next steps (pending → expiring → deleted). */
  deadline: number;
}

/** An issue batch or a single transfer under one pay id, unverified or verified. */
export interface PoolItem {
  readonly payId: Bytes;
  readonly kind: "issues" | "transfer";
  /** canonical packed records in submission order (the pay id is their sha3-384) */
  readonly records: readonly Bytes[];
  readonly txIds: readonly Bytes[];
  /** transfers: the link of each record */
  readonly links: readonly Bytes[] | null;
  /** issues: the distinct asset ids, in first-seen order */
  readonly assetIds: readonly Bytes[];
  /** ms: when the item entered the pools (unverified items and pending transfers expire from here) */
  readonly createdAt: number;
  /** arrival order (blocks take verified items oldest first) */
  readonly seq: number;
  verified: boolean;
  /** unverified issues: the proof target (32 bytes big-endian) */
  readonly difficulty: Bytes | null;
  readonly payments: readonly PaymentAlternative[] | null;
  /** verified by proof: the client nonce */
  nonce: Bytes | null;
  /** verified items: indexes of transactions already confirmed in a block (removed from the verified pool) */
  readonly confirmed: Set<number>;
}

export interface StoredOrphan {
  detail: PaymentDetail;
  expiresAt: number;
}

export interface LoadedState {
  assets: [Bytes, StoredAsset][];
  items: PoolItem[];
  orphans: [Bytes, StoredOrphan][];
}

/** Where the reservoir writes its changes. */
export interface ReservoirPersistence {
  /** Runs `fn` (which calls the put/delete methods) as one write transaction. */
  write(fn: () => void): void;
  putAsset(assetId: Bytes, a: StoredAsset): void;
  deleteAsset(assetId: Bytes): void;
  putItem(item: PoolItem): void;
  deleteItem(payId: Bytes): void;
  putOrphan(payId: Bytes, o: StoredOrphan): void;
  deleteOrphan(payId: Bytes): void;
  load(): LoadedState;
}

/** Nothing is kept across restarts (tests, tools). */
export const memoryPersistence: ReservoirPersistence = {
  write: (fn) => fn(),
  putAsset: () => {},
  deleteAsset: () => {},
  putItem: () => {},
  deleteItem: () => {},
  putOrphan: () => {},
  deleteOrphan: () => {},
  load: () => ({ assets: [], items: [], orphans: [] }),
};

const TABLE_NAMES = { assets: "reservoir-assets", items: "reservoir-items", orphans: "reservoir-orphans" } as const;

/** Opens a named binary table in the node's LMDB environment (the store owns the environment). */
export type OpenTable = (name: string) => Database<Buffer, Buffer>;

const unhex = (s: string): Bytes => {
  const b = fromHex(s);
  if (b === undefined) throw new ReservoirError({ code: "STORED_ENTRY_INVALID", detail: "bad hex" });
  return b;
};
const key = (b: Bytes) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
const json = (v: unknown) => Buffer.from(JSON.stringify(v));

type PaymentJson = { currency: number; address: string; amount: string };
const paymentToJson = (p: Payment): PaymentJson => ({ currency: p.currency, address: p.address, amount: p.amount.toString() });
const paymentFromJson = (p: PaymentJson): Payment => ({ currency: currencyFromCode(p.currency), address: p.address, amount: BigInt(p.amount) });

const FORMAT = 1;

/** A stored JSON value written in this format; anything else throws (the entry is then dropped on load). */
function parseStored(value: Buffer) {
  const o = JSON.parse(value.toString());
  if (o?.v !== FORMAT) throw new ReservoirError({ code: "STORED_ENTRY_INVALID", detail: `unknown format ${o?.v}` });
  return o;
}

function encodeItem(item: PoolItem): Buffer {
  return json({
    v: FORMAT,
    kind: item.kind,
    records: item.records.map(toHex),
    links: item.links?.map(toHex) ?? null,
    createdAt: item.createdAt,
    seq: item.seq,
    verified: item.verified,
    difficulty: item.difficulty && toHex(item.difficulty),
    payments: item.payments?.map((alt) => alt.map(paymentToJson)) ?? null,
    nonce: item.nonce && toHex(item.nonce),
    confirmed: [...item.confirmed],
  });
}

/**
 * The inverse of encodeItem; txids, asset ids and the pay id are recomputed by `derive` from the records so
 * a stored item cannot disagree with its own content.
 */
export function decodeItem(value: Buffer, derive: (kind: PoolItem["kind"], records: Bytes[]) => Pick<PoolItem, "payId" | "txIds" | "assetIds">): PoolItem {
  const o = parseStored(value);
  const records: Bytes[] = o.records.map(unhex);
  return {
    ...derive(o.kind, records),
    kind: o.kind,
    records,
    links: o.links?.map(unhex) ?? null,
    createdAt: o.createdAt,
    seq: o.seq,
    verified: o.verified,
    difficulty: o.difficulty === null ? null : unhex(o.difficulty),
    payments: o.payments?.map((alt: PaymentJson[]) => alt.map(paymentFromJson)) ?? null,
    nonce: o.nonce === null ? null : unhex(o.nonce),
    confirmed: new Set<number>(o.confirmed),
  };
}

function encodeAsset(a: StoredAsset): Buffer {
  return json({ v: FORMAT, packed: toHex(a.packed), state: a.state, deadline: a.deadline });
}

function decodeAsset(value: Buffer): StoredAsset {
  const o = parseStored(value);
  return { packed: unhex(o.packed), state: o.state === "expiring" ? "expiring" : "pending", deadline: o.deadline };
}

function encodeOrphan(o: StoredOrphan): Buffer {
  const d = o.detail;
  return json({ v: FORMAT, currency: d.currency, txId: d.txId, amounts: [...d.amounts].map(([a, n]) => [a, n.toString()]), expiresAt: o.expiresAt });
}

function decodeOrphan(value: Buffer): StoredOrphan {
  const o = parseStored(value);
  const amounts = new Map<string, bigint>(o.amounts.map(([a, n]: [string, string]) => [a, BigInt(n)]));
  return { detail: { currency: o.currency, txId: o.txId, amounts }, expiresAt: o.expiresAt };
}

/** The LMDB implementation; `derive` recomputes an item's ids from its records when loading. */
export function lmdbPersistence(open: OpenTable, derive: Parameters<typeof decodeItem>[1]): ReservoirPersistence {
  const assets = open(TABLE_NAMES.assets);
  const items = open(TABLE_NAMES.items);
  const orphans = open(TABLE_NAMES.orphans);
  let depth = 0;
  return {
    write(fn) {
      // Nested calls join the outer transaction (one reservoir operation = one commit).
      if (depth > 0) return fn();
      depth++;
      try {
        items.transactionSync(fn);
      } finally {
        depth--;
      }
    },
    putAsset: (id, a) => void assets.putSync(key(id), encodeAsset(a)),
    deleteAsset: (id) => void assets.removeSync(key(id)),
    putItem: (item) => void items.putSync(key(item.payId), encodeItem(item)),
    deleteItem: (payId) => void items.removeSync(key(payId)),
    putOrphan: (payId, o) => void orphans.putSync(key(payId), encodeOrphan(o)),
    deleteOrphan: (payId) => void orphans.removeSync(key(payId)),
    load() {
      const out: LoadedState = { assets: [], items: [], orphans: [] };
      // An unreadable entry must not stop the node; it is dropped.
      const readAll = <T>(name: string, table: Database<Buffer, Buffer>, decode: (value: Buffer) => T, keep: (key: Bytes, entry: T) => void) => {
        for (const { key: k, value } of table.getRange()) {
          try {
            keep(new Uint8Array(k), decode(value));
          } catch (e) {
            log.error("dropping unreadable entry", { table: name, key: toHex(k), error: e });
            table.removeSync(k);
          }
        }
      };
      readAll(TABLE_NAMES.assets, assets, decodeAsset, (k, a) => out.assets.push([k, a]));
      readAll(TABLE_NAMES.items, items, (v) => decodeItem(v, derive), (_, item) => out.items.push(item));
      readAll(TABLE_NAMES.orphans, orphans, decodeOrphan, (k, o) => out.orphans.push([k, o]));
      return out;
    },
  };
}
