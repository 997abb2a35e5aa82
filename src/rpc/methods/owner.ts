/**
 * `Owner.Bitmarks` (bitmarkd 8.2 rpc/owner.go, ownership/list.go `ListBitmarksFor`, rpc.md §6.8): one range
 * read of the Ownership index from `owner ‖ BE64(start)`, then one Transactions lookup per distinct txid and
 * one Assets lookup per distinct asset. Not mode-gated; confirmed state only.
 *
 * Deviation: a missing or `null` owner answers `invalid item` (8.2 dereferences the nil account, §9).
 * 8.2 fills `tx` from Go maps, so when several entries fail the error it reports is random; here the first
 * in listing order.
 */
import { fail } from "../../base/fault.ts";
import { accountToBytes, type Account } from "../../chain/types/account.ts";
import { OWNED_ASSET } from "../../chain/rules/ownership.ts";
import { RECORD_NAMES } from "../../chain/types/records/types.ts";
import { unpackRecord } from "../../chain/types/records/unpack.ts";
import { toHex } from "../../encoding/hex.ts";
import { decodeArgument, go } from "../go-decode.ts";
import { account, recordData } from "../records.ts";
import type { MethodDeps } from "./deps.ts";

const MAXIMUM_BITMARKS = 200;

const ARGUMENTS = go.struct("rpc.OwnerBitmarksArguments", { owner: account, start: go.uint64String, count: go.int });

/** Go marshals map keys in sorted order. */
function sortedObject(entries: Map<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of [...entries.keys()].sort()) out[k] = entries.get(k);
  return out;
}

export function bitmarks(arg: unknown, deps: MethodDeps): unknown {
  const a = decodeArgument<{ owner: Account | null; start: bigint; count: bigint }>(arg, ARGUMENTS);
  if (a.count <= 0n) fail("invalid count");
  const count = a.count > BigInt(MAXIMUM_BITMARKS) ? MAXIMUM_BITMARKS : Number(a.count);
  if (a.owner === null) fail("invalid item");
  const items = deps.store.ownedItems(accountToBytes(a.owner), a.start, count);

  const txIds = new Map<string, Uint8Array>();
  const assetIds = new Map<string, Uint8Array>();
  for (const item of items) {
    txIds.set(toHex(item.lastTransferTxId), item.lastTransferTxId);
    txIds.set(toHex(item.issueTxId), item.issueTxId);
    if (item.assetId) assetIds.set(toHex(item.assetId), item.assetId);
  }
  const tx = new Map<string, unknown>();
  for (const [hex, id] of txIds) {
    const t = deps.store.transaction(id);
    if (t === undefined) fail("link to invalid or unconfirmed transaction");
    const rec = unpackRecord(t.packed, deps.reservoir.reservoir.testnet).record;
    tx.set(hex, { record: RECORD_NAMES[rec.tag], txId: hex, inBlock: t.block, data: recordData(rec) });
  }
  for (const [hex, id] of assetIds) {
    const t = deps.store.asset(id);
    if (t === undefined) fail("asset not found");
    const rec = unpackRecord(t.packed, deps.reservoir.reservoir.testnet).record;
    tx.set(hex, { record: RECORD_NAMES[rec.tag], inBlock: 0, assetId: hex, data: recordData(rec) });
  }

  const last = items.at(-1)?.n ?? 0n;
  return {
    next: last === 0n ? "0" : (last + 1n).toString(),
    data: items.map((i) =>
      i.item === OWNED_ASSET
        ? { n: i.n.toString(), txId: toHex(i.lastTransferTxId), issue: toHex(i.issueTxId), item: "Asset", assetId: toHex(i.assetId!) }
        : { n: i.n.toString(), txId: toHex(i.lastTransferTxId), issue: toHex(i.issueTxId), item: "Block", blockNumber: i.ownedBlock },
    ),
    tx: sortedObject(tx),
  };
}
