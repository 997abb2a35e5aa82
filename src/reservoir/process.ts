/**
 * Reservoir items pushed by peers (peer/process.go): `assets`, `issues`, `transfer`, `proof`, as the reservoir's
 * push handler table. The peer listener's dispatcher (src/peer/listener/push.ts) owns the Normal-mode check,
 * the queue and the error boundary; a handler here only applies the item's rules: it returns when the item is
 * new and valid (relay p0 as received), and throws the bitmarkd Fault that says why otherwise, so duplicates die
 * at the first node that already has them (docs/wire.md §5).
 */
import { Tag, type TxRecord } from "../chain/types/records/types.ts";
import { isTransfer } from "../chain/types/records/roles.ts";
import { unpackRecord, unpackRecords } from "../chain/types/records/unpack.ts";
import { fail } from "../base/fault.ts";
import { PAY_ID_LENGTH } from "./pay-id.ts";
import type { Bytes } from "./ports.ts";
import type { Reservoir } from "./reservoir.ts";
import { TrackingStatus } from "./status.ts";

export type PushedItem = "assets" | "issues" | "transfer" | "proof";

/** Applies one pushed item; true means "new: relay it"; a refusal throws a Fault. */
export type ItemHandler = (p0: Bytes) => boolean;

function nonEmpty(p0: Bytes): void {
  if (p0.length === 0) fail("missing parameters");
}

/** The rules of each item; they throw a Fault when the item must not be relayed. */
export function applyAssets(r: Reservoir, p0: Bytes): void {
  nonEmpty(p0);
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

export function applyIssues(r: Reservoir, p0: Bytes): void {
  nonEmpty(p0);
  const issues: TxRecord[] = [];
  for (const record of unpackRecords(p0, r.testnet)) {
    if (record.tag !== Tag.BitmarkIssue) fail("transaction is not an issue");
    issues.push(record);
  }
  if (r.storeIssues(issues).duplicate) fail("transaction already exists");
}

export function applyTransfer(r: Reservoir, p0: Bytes): void {
  nonEmpty(p0);
  // Only the first record counts; trailing bytes are ignored, as in 8.2.
  const { record } = unpackRecord(p0, r.testnet);
  if (!isTransfer(record)) fail("transaction is not a transfer");
  if (r.storeTransfer(record).duplicate) fail("transaction already exists");
}

export function applyProof(r: Reservoir, p0: Bytes): void {
  nonEmpty(p0);
  // A p0 shorter than a pay id leaves an empty nonce: "invalid nonce" from tryProof, as in 8.2.
  const status = r.tryProof(p0.subarray(0, PAY_ID_LENGTH), p0.subarray(PAY_ID_LENGTH));
  if (status !== TrackingStatus.Accepted) fail("payId already used");
}

/** The reservoir's handler table for the push dispatcher. */
export function reservoirHandlers(r: Reservoir): Record<PushedItem, ItemHandler> {
  const accept = (rule: (r: Reservoir, p0: Bytes) => void) => (p0: Bytes) => (rule(r, p0), true);
  return { assets: accept(applyAssets), issues: accept(applyIssues), transfer: accept(applyTransfer), proof: accept(applyProof) };
}
