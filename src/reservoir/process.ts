/**
 * Reservoir items pushed by peers (peer/process.go): `assets`, `issues`, `transfer`, `proof`. The listener
 * acknowledges every push with `A` whatever happens; these functions never throw — a refused item is
 * logged and reported as "do not relay". An item is relayed (p0 as received) only when it was accepted as
 * new, so duplicates die at the first node that already has them (docs/wire.md §5).
 */
import { Tag, type TxRecord } from "../chain/types/records/types.ts";
import { isTransfer } from "../chain/types/records/roles.ts";
import { unpackRecord, unpackRecords } from "../chain/types/records/unpack.ts";
import { fail, isFault } from "../base/fault.ts";
import { logger } from "../base/log.ts";
import type { ModeState } from "../base/mode.ts";
import { PAY_ID_LENGTH } from "./pay-id.ts";
import type { Bytes } from "./ports.ts";
import type { Reservoir } from "./reservoir.ts";
import { TrackingStatus } from "./status.ts";

const log = logger("peer-items");

export type PushedItem = "assets" | "issues" | "transfer" | "proof";

/** The four push handlers the listener calls; each returns whether to re-broadcast p0. */
export interface ReservoirProcessors {
  processAssets(p0: Bytes): boolean;
  processIssues(p0: Bytes): boolean;
  processTransfer(p0: Bytes): boolean;
  processProof(p0: Bytes): boolean;
}

/** Common entry checks: an empty item, then the mode. */
function admit(p0: Bytes, mode: ModeState): void {
  if (p0.length === 0) fail("missing parameters");
  if (!mode.isNormal()) fail("not available during synchronise");
}

/** The rules of each item; they throw a Fault when the item must not be relayed. */
export function applyAssets(r: Reservoir, mode: ModeState, p0: Bytes): void {
  admit(p0, mode);
  let anyNew = false;
  // one commit for the whole item (the assets cached before a refused record stay cached, as in 8.2)
  r.inOneWrite(() => {
    for (const record of unpackRecords(p0, r.testnet)) {
      if (record.tag !== Tag.AssetData) fail("transaction is not an asset");
      if (r.assets.cache(record).packed !== null) anyNew = true;
    }
  });
  if (!anyNew) fail("no new transactions");
}

export function applyIssues(r: Reservoir, mode: ModeState, p0: Bytes): void {
  admit(p0, mode);
  const issues: TxRecord[] = [];
  for (const record of unpackRecords(p0, r.testnet)) {
    if (record.tag !== Tag.BitmarkIssue) fail("transaction is not an issue");
    issues.push(record);
  }
  if (r.storeIssues(issues).duplicate) fail("transaction already exists");
}

export function applyTransfer(r: Reservoir, mode: ModeState, p0: Bytes): void {
  admit(p0, mode);
  // Only the first record counts; trailing bytes are ignored, as in 8.2.
  const { record } = unpackRecord(p0, r.testnet);
  if (!isTransfer(record)) fail("transaction is not a transfer");
  if (r.storeTransfer(record).duplicate) fail("transaction already exists");
}

export function applyProof(r: Reservoir, mode: ModeState, p0: Bytes): void {
  admit(p0, mode);
  // A p0 shorter than a pay id leaves an empty nonce: "invalid nonce" from tryProof, as in 8.2.
  const status = r.tryProof(p0.subarray(0, PAY_ID_LENGTH), p0.subarray(PAY_ID_LENGTH));
  if (status !== TrackingStatus.Accepted) fail("payId already used");
}

const RULES = { assets: applyAssets, issues: applyIssues, transfer: applyTransfer, proof: applyProof } as const;

/** Runs the rule of `item`; any error is logged (faults as warnings, anything else as an error). */
function processItem(r: Reservoir, mode: ModeState, item: PushedItem, p0: Bytes): boolean {
  try {
    RULES[item](r, mode, p0);
    return true;
  } catch (e) {
    if (isFault(e)) log.warn(`failed ${item}`, { error: e.text });
    else log.error(`failed ${item}`, { error: e });
    return false;
  }
}

export function reservoirProcessors(r: Reservoir, mode: ModeState): ReservoirProcessors {
  return {
    processAssets: (p0) => processItem(r, mode, "assets", p0),
    processIssues: (p0) => processItem(r, mode, "issues", p0),
    processTransfer: (p0) => processItem(r, mode, "transfer", p0),
    processProof: (p0) => processItem(r, mode, "proof", p0),
  };
}
