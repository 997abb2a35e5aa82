/**
 * The shared tail of `Bitmark.Transfer` and `BlockOwner.Transfer` (bitmarkd 8.2 rpc/bitmark.go,
 * rpc/blockowner.go): StoreTransfer, the reply, and the `transfer` broadcast unless it was a duplicate.
 */
import type { TransferRecord } from "../../chain/types/records/types.ts";
import { toHex } from "../../encoding/hex.ts";
import { paymentsJSON } from "../records.ts";
import type { MethodDeps } from "./deps.ts";

export function storeTransfer(deps: MethodDeps, record: TransferRecord): unknown {
  const stored = deps.reservoir.reservoir.storeTransfer(record);
  if (!stored.duplicate) deps.broadcast.send("transfer", [stored.info.packed]);
  return { txId: toHex(stored.info.txId), payId: toHex(stored.info.payId), payments: paymentsJSON(stored.info.payments) };
}
