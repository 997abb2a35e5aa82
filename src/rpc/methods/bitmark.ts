/**
 * `Bitmark.Transfer` and `Bitmark.Provenance` (bitmarkd 8.2 rpc/bitmark.go, rpc.md §6.4–§6.5).
 *
 * Provenance walks the confirmed Transactions table by txid → link, at most 200 point lookups plus one in
 * Assets and one in OwnerDigest: no scan.
 */
import { fail } from "../../base/fault.ts";
import { accountToBytes } from "../../chain/types/account.ts";
import { linkOf } from "../../chain/types/records/roles.ts";
import { Tag, RECORD_NAMES, type TxRecord } from "../../chain/types/records/types.ts";
import { unpackRecord } from "../../chain/types/records/unpack.ts";
import { toHex } from "../../encoding/hex.ts";
import { decodeArgument, go } from "../go-decode.ts";
import { digest, recordData, TRANSFER_COUNTERSIGNED, transferRecord, type TransferArg } from "../records.ts";
import { requireNormal, type MethodDeps } from "./deps.ts";
import { storeTransfer } from "./transfer.ts";

const MAXIMUM_PROVENANCE = 200;

const PROVENANCE_ARGUMENTS = go.struct("rpc.ProvenanceArguments", { txId: digest, count: go.int });

export function transfer(arg: unknown, deps: MethodDeps): unknown {
  const t = decodeArgument<TransferArg>(arg, TRANSFER_COUNTERSIGNED);
  if (t.owner === null) fail("invalid item");
  requireNormal(deps);
  if (t.owner.testnet !== deps.reservoir.reservoir.testnet) fail("wrong network for public key");
  return storeTransfer(deps, transferRecord({ ...t, owner: t.owner }));
}

function unpack(deps: MethodDeps, packed: Uint8Array): TxRecord | undefined {
  try {
    return unpackRecord(packed, deps.reservoir.reservoir.testnet).record;
  } catch {
    return undefined;
  }
}

export function provenance(arg: unknown, deps: MethodDeps): unknown {
  const a = decodeArgument<{ txId: Uint8Array; count: bigint }>(arg, PROVENANCE_ARGUMENTS);
  if (a.count <= 0n) fail("invalid count");
  const count = a.count > BigInt(MAXIMUM_PROVENANCE) ? MAXIMUM_PROVENANCE : Number(a.count);
  const data: unknown[] = [];
  let id = a.txId;
  for (let i = 0; i < count; i++) {
    const tx = deps.store.transaction(id);
    if (tx === undefined) break;
    const rec = unpack(deps, tx.packed);
    if (rec === undefined || rec.tag === Tag.AssetData) break;
    const isOwner = i === 0 && deps.store.ownership(accountToBytes(rec.owner), id) !== undefined;
    data.push({ record: RECORD_NAMES[rec.tag], isOwner, txId: toHex(id), inBlock: tx.block, data: recordData(rec) });
    if (rec.tag === Tag.BitmarkIssue) {
      const asset = deps.store.asset(rec.assetId);
      const assetRec = asset && unpack(deps, asset.packed);
      if (assetRec) data.push({ record: RECORD_NAMES[assetRec.tag], isOwner: false, inBlock: 0, assetId: toHex(rec.assetId), data: recordData(assetRec) });
    }
    const link = linkOf(rec);
    if (link === undefined) break;
    id = link;
  }
  return { data };
}
