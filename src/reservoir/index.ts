/**
 * The reservoir as the node assembles it: one call opens it on the chain store (its tables in the store's
 * LMDB environment, block events wired), hands out its push handler table, and runs the cleaner (5 min)
 * and the re-broadcaster (15 min) until `stop()`. Every time it reads or waits for comes from one injected
 * `Clock` (src/base/clock.ts), so its state changes are tested by advancing a ManualClock.
 *
 *   const rsv = startReservoir({ store, chain, broadcast: (c, p) => queue.send(c, p) });
 *   pushDispatcher.install(rsv.handlers);    // assets/issues/transfer/proof → true = relay p0, Fault = refused
 *   RPC: rsv.reservoir.storeIssues(…), .tryProof(…), .assets.cache(…), .transactionStatus(…)
 */
import type { Database } from "lmdb";
import type { ChainName } from "../chain/types/chains.ts";
import type { TxRecord } from "../chain/types/records/types.ts";
import { isTestnet } from "../chain/types/chains.ts";
import { activeBackend } from "../crypto/index.ts";
import type { HashBackend } from "../crypto/api.ts";
import { logger } from "../base/log.ts";
import type { ReservoirLimits } from "./limits.ts";
import { lmdbPersistence } from "./persistence.ts";
import { type Clock, systemClock } from "../base/clock.ts";
import type { Broadcast, Bytes, ChainView } from "./ports.ts";
import { type ItemHandler, type PushedItem, reservoirHandlers } from "./process.ts";
import { Reservoir } from "./reservoir.ts";

const log = logger("reservoir");

interface BlockRecords {
  records: readonly { record: TxRecord; txId: Bytes }[];
}

/** The parts of the chain store the reservoir uses; `Store` (src/chain/store/store.ts) provides all of them. */
export interface ReservoirHost extends ChainView {
  openTable(name: string): Database<Buffer, Buffer>;
  onBlockStored(fn: (e: BlockRecords) => void): () => void;
  onBlockDeleted(fn: (e: BlockRecords) => void): () => void;
}

export interface StartReservoirOptions {
  store: ReservoirHost;
  chain: ChainName;
  broadcast: Broadcast;
  hash?: HashBackend;
  /** Time for expiries and for the cleaner and re-broadcast timers (a ManualClock in tests). */
  clock?: Clock;
  limits?: Partial<ReservoirLimits>;
}

export interface RunningReservoir {
  readonly reservoir: Reservoir;
  /** The handlers of the four pushed items, for the listener's push dispatcher (src/peer/listener/push.ts). */
  readonly handlers: Record<PushedItem, ItemHandler>;
  /** Sends every pending item again now (what the 15-minute timer does). */
  rebroadcast(): void;
  /** Stops the timers and block events; everything is already on disk. */
  stop(): void;
}

/** Puts every item of `reservoir.rebroadcastItems()` on the broadcast queue. */
export function rebroadcast(reservoir: Reservoir, broadcast: Broadcast): number {
  const items = reservoir.rebroadcastItems();
  for (const { command, params } of items) broadcast(command, params);
  if (items.length > 0) log.info("re-broadcast", { items: items.length });
  return items.length;
}

/** Runs `fn` every `ms` on `clock` until the returned function is called. */
function every(clock: Clock, ms: number, fn: () => void): () => void {
  let cancel = () => {};
  const arm = () => {
    cancel = clock.setTimer(ms, () => {
      arm();
      fn();
    });
  };
  arm();
  return () => cancel();
}

export function startReservoir(o: StartReservoirOptions): RunningReservoir {
  const hash = o.hash ?? activeBackend();
  const persistence = lmdbPersistence((name) => o.store.openTable(name), Reservoir.deriveIds(hash, isTestnet(o.chain)));
  const clock = o.clock ?? systemClock;
  const reservoir = new Reservoir({ chain: o.chain, view: o.store, hash, clock, limits: o.limits, persistence });
  const guard = (what: string, fn: () => void) => () => {
    try {
      fn();
    } catch (e) {
      log.error(`${what} failed`, { error: e });
    }
  };
  const unsubscribe = [
    o.store.onBlockStored((e) => reservoir.blockStored(e.records)),
    o.store.onBlockDeleted((e) => reservoir.blockDeleted(e.records)),
  ];
  const timers = [
    every(clock, reservoir.limits.cleanIntervalMs, guard("cleaner", () => reservoir.expire())),
    every(clock, reservoir.limits.rebroadcastIntervalMs, guard("re-broadcast", () => rebroadcast(reservoir, o.broadcast))),
  ];
  return {
    reservoir,
    handlers: reservoirHandlers(reservoir),
    rebroadcast: () => void rebroadcast(reservoir, o.broadcast),
    stop() {
      for (const cancel of timers) cancel();
      for (const u of unsubscribe) u();
    },
  };
}

export { Reservoir } from "./reservoir.ts";
export type { IssueInfo, TransferInfo, Stored, RebroadcastItem } from "./reservoir.ts";
export type { ItemHandler, PushedItem } from "./process.ts";
export type { PaymentDetail } from "./payments.ts";
export type { ReservoirLimits } from "./limits.ts";
