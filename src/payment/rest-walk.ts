/**
 * The block walk of the REST source (payment/bitcoin.go, litecoin.go `checkLatestBlock`, `process`; docs/proof.md
 * §4.2) as transition functions over the walk state, without I/O or timers (rest.ts does the fetching).
 *
 * Each check reads the header of `latestHash`. Backward mode (first run): walk from the tip towards older
 * blocks, skipping blocks with 3 confirmations or fewer, inspecting the rest, until a block older than the
 * look-back (72 h), then switch to forward mode. Forward mode: nothing while the header has ≤ 3
 * confirmations; otherwise walk by `nextblockhash`, inspecting, and stop at the first block with ≤ 3.
 *
 * Deviations: 8.2 keeps `latestHash` at the walk's start until a forward walk reaches an unconfirmed block,
 * so an error in the middle re-walks everything next time; here a forward walk records each block it has
 * inspected. Reaching a block without `previousblockhash` (the currency's genesis, on a young test chain)
 * also ends the backward walk (8.2 fails to fetch `/block/.json` and starts again from the tip each time). A
 * block that left the best chain (bitcoind reports −1 confirmations; 8.2 cannot decode it and stays stuck on
 * it for ever) sends the forward walk back to its parent. Hashes must be 64 hex digits (they go into URLs) and
 * every field is type-checked; a block with more than MAX_BLOCK_TXS transactions is refused.
 */
import { PaymentError } from "./errors.ts";

/** "more than 3 confirmations" (payment/setup.go requiredConfirmations). */
export const REQUIRED_CONFIRMATIONS = 3;
/** Look-back of the backward walk (constants.ReservoirTimeout). */
export const LOOK_BACK_MS = 72 * 3_600_000;
/** Far above any real block (a 4 MWU block holds well under 30 000 transactions). */
export const MAX_BLOCK_TXS = 100_000;

export interface WalkState {
  /** Where the next check starts. */
  readonly latestHash: string;
  readonly forward: boolean;
}

export interface HeaderView {
  readonly hash: string;
  readonly height: number;
  readonly confirmations: number;
  readonly previousblockhash: string | undefined;
}

export interface BlockView extends HeaderView {
  readonly time: number;
  readonly nextblockhash: string | undefined;
  readonly tx: readonly unknown[];
}

const HASH = /^[0-9a-fA-F]{64}$/;

export const isBlockHash = (v: unknown): v is string => typeof v === "string" && HASH.test(v);

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function optionalHash(v: unknown, name: string): string | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  if (!isBlockHash(v)) throw new PaymentError({ code: "REST_REPLY_INVALID", field: name }, `${name} is not a block hash`);
  return v;
}

function integer(v: unknown, name: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v)) throw new PaymentError({ code: "REST_REPLY_INVALID", field: name }, `${name} is not an integer`);
  return v;
}

function header(v: unknown): HeaderView {
  if (!isObject(v)) throw new PaymentError({ code: "REST_REPLY_INVALID", field: "header" }, "not an object");
  if (!isBlockHash(v.hash)) throw new PaymentError({ code: "REST_REPLY_INVALID", field: "hash" }, "hash is not a block hash");
  return {
    hash: v.hash,
    height: integer(v.height, "height"),
    confirmations: integer(v.confirmations, "confirmations"),
    previousblockhash: optionalHash(v.previousblockhash, "previousblockhash"),
  };
}

/** `GET /rest/chaininfo.json`: the tip, and the network name when given (Litecoin's check). Throws on bad shape. */
export function parseChainInfo(v: unknown): { blocks: number; bestblockhash: string; chain: string | undefined } {
  if (!isObject(v)) throw new PaymentError({ code: "REST_REPLY_INVALID", field: "chaininfo" }, "chaininfo is not an object");
  if (!isBlockHash(v.bestblockhash)) throw new PaymentError({ code: "REST_REPLY_INVALID", field: "chaininfo: bestblockhash" }, "chaininfo: bestblockhash is not a block hash");
  if (v.chain !== undefined && typeof v.chain !== "string") throw new PaymentError({ code: "REST_REPLY_INVALID", field: "chaininfo: chain" }, "chaininfo: chain is not a string");
  return { blocks: integer(v.blocks, "chaininfo: blocks"), bestblockhash: v.bestblockhash, chain: v.chain };
}

/** `GET /rest/headers/1/<hash>.json`: an array of at most one header here; empty → undefined. */
export function parseHeaders(v: unknown): HeaderView | undefined {
  if (!Array.isArray(v)) throw new PaymentError({ code: "REST_REPLY_INVALID", field: "headers" }, "headers: not a list");
  if (v.length === 0) return undefined;
  return header(v[0]);
}

/** `GET /rest/block/<hash>.json`. Throws on bad shape. */
export function parseBlock(v: unknown): BlockView {
  const h = header(v);
  const o = v as Obj;
  const tx = o.tx ?? [];
  if (!Array.isArray(tx)) throw new PaymentError({ code: "REST_REPLY_INVALID", field: "tx" }, "tx is not a list");
  if (tx.length > MAX_BLOCK_TXS) throw new PaymentError({ code: "REST_REPLY_INVALID", field: "tx" }, `block has ${tx.length} transactions (more than ${MAX_BLOCK_TXS})`);
  return { ...h, time: integer(o.time, "time"), nextblockhash: optionalHash(o.nextblockhash, "nextblockhash"), tx };
}

/** The walk state right after chaininfo: backward from the tip. */
export function initialWalk(bestHash: string): WalkState {
  return { latestHash: bestHash, forward: false };
}

/** After the header of `latestHash`: whether to walk now, and where from. */
export function afterHeader(s: WalkState, h: HeaderView | undefined): { state: WalkState; walk: boolean } {
  if (h === undefined) return { state: s, walk: false };
  if (s.forward && h.confirmations < 0 && h.previousblockhash !== undefined) return { state: { ...s, latestHash: h.previousblockhash }, walk: false };
  if (s.forward && h.confirmations <= REQUIRED_CONFIRMATIONS) return { state: s, walk: false };
  return { state: s, walk: true };
}

export interface BlockStep {
  readonly state: WalkState;
  /** Inspect the block's transactions (all but the coinbase). */
  readonly inspect: boolean;
  /** The block to fetch next; undefined ends this check. */
  readonly next: string | undefined;
}

/** After fetching `b` during a walk; `now` in Unix ms. */
export function afterBlock(s: WalkState, b: BlockView, now: number): BlockStep {
  if (b.confirmations <= REQUIRED_CONFIRMATIONS) {
    if (s.forward) return { state: { ...s, latestHash: b.hash }, inspect: false, next: undefined };
    if (b.previousblockhash === undefined) return { state: s, inspect: false, next: undefined };
    return { state: { ...s, latestHash: b.previousblockhash }, inspect: false, next: b.previousblockhash };
  }
  if (s.forward) return { state: { ...s, latestHash: b.nextblockhash ?? b.hash }, inspect: true, next: b.nextblockhash };
  if (b.time * 1000 < now - LOOK_BACK_MS || b.previousblockhash === undefined) return { state: { ...s, forward: true }, inspect: true, next: undefined };
  return { state: s, inspect: true, next: b.previousblockhash };
}
