/**
 * The chain store: the process's ONE LMDB environment (lmdb-js) and the chain state kept beside it.
 *
 * Tables map bitmarkd 8.2's LevelDB pools one-to-one (same binary keys and values, prefix dropped):
 *   Blocks B, BlockOwnerPayment H, BlockOwnerTxIndex I, Assets A, Transactions T, OwnerCount N, Ownership K,
 *   OwnerDigest D — plus BlockDigest (BE64(number) → 32-byte digest) so no stored block ever needs Argon2 again
 *   (quirk #14). Other subsystems keep their own named tables in the same environment (`openTable`).
 *
 * In memory: the tip (height, digest, version, timestamp of the highest block) and the 20-slot ring, rebuilt
 * from the tables on open and after a delete. Blocks are stored and deleted through a FIFO queue: each stored
 * block is one write transaction, and so is each delete-down (all of its blocks), so after a crash the store
 * holds whole blocks only.
 *
 * The room's files: tables.ts (the tables and their LMDB binding), store-incoming.ts (8.2's StoreIncoming step
 * order: checks from ../rules/validate-block.ts, writes from write-block.ts), delete-down.ts (fork recovery's
 * deletes), block-ring.ts. Only this class moves the tip and the ring and tells listeners, after the write
 * transaction of a stored block or a delete-down committed; the other files take the Store as a narrow
 * read/write handle and import nothing from here, so the room has no import cycle.
 *
 * See docs/records.md §11–§12; deviations: docs/deviations.md §2.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { open, type Database, type Key, type RootDatabase } from "lmdb";
import { activeBackend } from "../../crypto/index.ts";
import type { HashBackend } from "../../crypto/api.ts";
import { fail } from "../../base/fault.ts";
import { logger } from "../../base/log.ts";
import { BlockRing, RING_SIZE } from "./block-ring.ts";
import { isTestnet, type ChainName } from "../types/chains.ts";
import { crc64, crcBytes } from "../../encoding/crc64.ts";
import { genesisFor, GENESIS_NUMBER, type Genesis } from "../types/genesis.ts";
import { blockNumberKey, readBlockNumberKey, unpackHeader } from "../types/header.ts";
import { listOwnership, ownershipEntry, type IndexedOwnership, type OwnershipEntry } from "../rules/ownership.ts";
import type { ChainTip } from "../rules/validate-block.ts";
import { deleteDownToBlock } from "./delete-down.ts";
import { storeIncoming, type StoreIncomingOptions } from "./store-incoming.ts";
import { CHAIN_TABLES, openChainTables, storedDigest, StoreError, type ChainTables } from "./tables.ts";
import type { BlockEvent } from "../types/block.ts";

const log = logger("store");

export { CHAIN_TABLES, type ChainTables, type Table } from "./tables.ts";

export type Tip = ChainTip;

export interface IncomingOptions extends StoreIncomingOptions {
  /**
   * Asked first thing in the block's turn, before its digest is paid, with the tip the blocks queued before it
   * left: false → nothing is done and the call resolves undefined (the pushed-block handler's pre-check).
   */
  onlyIf?: (tip: Readonly<Tip>) => boolean;
}

export interface StoreOptions {
  /** hashing backend (default: the process's choice in src/crypto/index.ts) */
  hash?: HashBackend;
  /** clock for the header timestamp check, in seconds (default: the system clock) */
  nowSeconds?: () => number;
}

export type TableEncoding = "binary" | "msgpack" | "json" | "string" | "ordered-binary";

export class Store {
  readonly testnet: boolean;
  readonly genesis: Genesis;
  readonly tables: ChainTables;
  private readonly ring: BlockRing;
  readonly hash: HashBackend;
  readonly nowSeconds: () => number;
  private tipState!: Tip;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly storedListeners = new Set<(e: BlockEvent) => void>();
  private readonly deletedListeners = new Set<(e: BlockEvent) => void>();

  constructor(
    readonly root: RootDatabase,
    readonly chain: ChainName,
    options: StoreOptions = {},
  ) {
    this.testnet = isTestnet(chain);
    this.genesis = genesisFor(chain);
    this.hash = options.hash ?? activeBackend();
    this.nowSeconds = options.nowSeconds ?? (() => Date.now() / 1000);
    this.tables = openChainTables(root);
    this.ring = new BlockRing(this.genesisSlot());
    this.reload();
  }

  /**
   * Another subsystem's named table in this environment (the reservoir, the peer table…). Values use
   * lmdb-js's `encoding`; keys are binary unless `keyEncoding` says otherwise. Chain table names are reserved.
   */
  openTable<V = Buffer, K extends Key = Buffer>(
    name: string,
    options: { encoding?: TableEncoding; keyEncoding?: "binary" | "ordered-binary" | "uint32" } = {},
  ): Database<V, K> {
    if ((Object.values(CHAIN_TABLES) as string[]).includes(name)) throw new StoreError({ code: "TABLE_RESERVED", name }, `table name ${name} is reserved by the chain store`);
    return this.root.openDB<V, K>({ name, encoding: options.encoding ?? "binary", keyEncoding: options.keyEncoding ?? "binary" });
  }

  /** Runs `fn` in one LMDB write transaction: all of its writes land or none (a throw aborts). */
  write<T>(fn: () => T): T {
    return this.root.transactionSync(fn);
  }

  /** Number of the highest stored block (1 when only genesis exists): what `N` returns. */
  height(): number {
    return this.tipState.height;
  }

  tip(): Readonly<Tip> {
    return this.tipState;
  }

  /**
   * Digest of block n (8.2 DigestForBlock, served by `H`): n ≤ 1 → the genesis digest; a stored block → its
   * cached digest; otherwise "block not found".
   */
  digestForBlock(n: number): Uint8Array {
    if (n <= GENESIS_NUMBER) return this.genesis.digest;
    if (n <= this.tipState.height) {
      const fromRing = this.ring.digestFor(n);
      if (fromRing) return fromRing;
    }
    const packed = n <= this.tipState.height ? this.tables.blocks.get(blockNumberKey(n)) : undefined;
    if (!packed) fail("block not found");
    return storedDigest(this, n, packed);
  }

  /** Packed block n as stored (served by `B`); the genesis block is never stored: "block not found". */
  getBlock(n: number): Uint8Array {
    const packed = n > GENESIS_NUMBER && Number.isSafeInteger(n) ? this.tables.blocks.get(blockNumberKey(n)) : undefined;
    if (!packed) fail("block not found");
    return packed;
  }

  /** Pay nonce of a new payment: BE64 of the newest ring CRC. */
  payNonce(): Uint8Array {
    return this.ring.payNonce();
  }

  /** The 19 newest ring CRCs as 8-byte big-endian values, newest first (`HashBackend.proofCheck` input). */
  proofCRCs(): Uint8Array[] {
    return this.ring.proofCRCs().map(crcBytes);
  }

  /**
   * Validates and stores one block (8.2 StoreIncoming; see store-incoming.ts), then moves the tip and the ring
   * and tells the listeners. Rejects with a Fault when the block is refused (nothing written); resolves undefined
   * when `onlyIf` said no. Calls run in order.
   */
  storeIncoming(packed: Uint8Array, options: IncomingOptions & Required<Pick<IncomingOptions, "onlyIf">>): Promise<BlockEvent | undefined>;
  storeIncoming(packed: Uint8Array, options?: StoreIncomingOptions): Promise<BlockEvent>;
  storeIncoming(packed: Uint8Array, options: IncomingOptions = {}): Promise<BlockEvent | undefined> {
    return this.serial(async () => {
      if (options.onlyIf && !options.onlyIf(this.tipState)) return undefined;
      const { header, digest, records } = await storeIncoming(this, packed, options);
      this.tipState = { height: header.number, digest, version: header.version, timestamp: header.timestamp };
      this.ring.put({ number: header.number, digest, crc: crc64(header.number, packed) });
      const event: BlockEvent = { number: header.number, digest, header, records };
      emit(this.storedListeners, event);
      return event;
    });
  }

  /**
   * Deletes every block numbered ≥ n, highest first, in one write transaction (8.2 DeleteDownToBlock; see
   * delete-down.ts), then reloads the tip and ring and tells the listeners.
   */
  deleteDownToBlock(n: number): Promise<void> {
    return this.serial(async () => {
      if (!this.tables.blocks.last()) return;
      const deleted = this.write(() => deleteDownToBlock(this, n));
      this.reload();
      for (const e of deleted) emit(this.deletedListeners, e);
    });
  }

  /** Called after a block's transaction committed; returns an unsubscribe function. */
  onBlockStored(fn: (e: BlockEvent) => void): () => void {
    this.storedListeners.add(fn);
    return () => this.storedListeners.delete(fn);
  }

  /** Called after a block was deleted (fork recovery); returns an unsubscribe function. */
  onBlockDeleted(fn: (e: BlockEvent) => void): () => void {
    this.deletedListeners.add(fn);
    return () => this.deletedListeners.delete(fn);
  }

  /** Confirmed transaction: block number and packed record (for F: the foundation record(s)). */
  transaction(txId: Uint8Array): { block: number; packed: Uint8Array } | undefined {
    return splitBlockNumber(this.tables.transactions.get(txId));
  }

  /** Confirmed asset: block number and packed AssetData. */
  asset(assetId: Uint8Array): { block: number; packed: Uint8Array } | undefined {
    return splitBlockNumber(this.tables.assets.get(assetId));
  }

  /** Packed currency map currently receiving block n's fees. */
  blockOwnerPayment(n: number): Uint8Array | undefined {
    return this.tables.blockOwnerPayment.get(blockNumberKey(n));
  }

  /** Block number a foundation txid or BlockOwnerTransfer txid belongs to. */
  blockOwnerTxIndex(txId: Uint8Array): number | undefined {
    const v = this.tables.blockOwnerTxIndex.get(txId);
    return v ? readBlockNumberKey(v) : undefined;
  }

  /** The ownership entry `owner` (account bytes) holds under `txId`, if it currently owns it. */
  ownership(owner: Uint8Array, txId: Uint8Array): OwnershipEntry | undefined {
    return ownershipEntry(this.tables, owner, txId);
  }

  /** Up to `count` of `owner`'s ownership entries with index ≥ `start`, in index order (a range read of K). */
  ownedItems(owner: Uint8Array, start: bigint, count: number): IndexedOwnership[] {
    return listOwnership(this.tables.ownership, owner, start, count);
  }

  close(): Promise<void> {
    return this.queue.then(() => this.root.close());
  }

  /**
   * Tip and ring from the tables (8.2 fillRingBuffer): the highest stored block, and the ring filled with
   * blocks max(2, height − 19) … height, which must be consecutive ("initialisation failed").
   */
  reload(): void {
    this.ring.clear(this.genesisSlot());
    const last = this.tables.blocks.last();
    if (!last) {
      this.tipState = { height: GENESIS_NUMBER, digest: this.genesis.digest, version: 1, timestamp: 0 };
      return;
    }
    const top = unpackHeader(last.value);
    this.tipState = { height: top.number, digest: storedDigest(this, top.number, last.value), version: top.version, timestamp: top.timestamp };
    const first = Math.max(GENESIS_NUMBER + 1, top.number - RING_SIZE + 1);
    for (let n = first; n <= top.number; n++) {
      const packed = this.tables.blocks.get(blockNumberKey(n));
      if (!packed || unpackHeader(packed).number !== n) fail("initialisation failed");
      this.ring.put({ number: n, digest: storedDigest(this, n, packed), crc: crc64(n, packed) });
    }
  }

  private genesisSlot() {
    return { number: GENESIS_NUMBER, digest: this.genesis.digest, crc: this.genesis.crc };
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function emit(listeners: Set<(e: BlockEvent) => void>, e: BlockEvent): void {
  for (const fn of listeners) {
    try {
      fn(e);
    } catch (err) {
      log.error("block listener failed", { block: e.number, error: err });
    }
  }
}

function splitBlockNumber(v: Uint8Array | undefined): { block: number; packed: Uint8Array } | undefined {
  if (!v || v.length < 9) return undefined;
  return { block: readBlockNumberKey(v), packed: v.subarray(8) };
}

/**
 * Opens (creating if needed) the process's LMDB environment `DIR/<chain>.lmdb` and the chain state in it.
 * Call once per process; hand the Store to the subsystems that need tables.
 */
export function openStore(dir: string, chain: ChainName, options: StoreOptions = {}): Store {
  mkdirSync(dir, { recursive: true });
  const root = open({ path: join(dir, `${chain}.lmdb`), maxDbs: 64 });
  const store = new Store(root, chain, options);
  log.info("opened", { chain, height: store.height() });
  return store;
}
