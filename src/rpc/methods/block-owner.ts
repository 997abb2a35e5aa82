/**
 * `BlockOwner.TxIdForBlock` and `BlockOwner.Transfer` (bitmarkd 8.2 rpc/blockowner.go, rpc.md §6.6–§6.7).
 *
 * Deviations: TxIdForBlock takes the block's digest from the store's digest table instead of running Argon2
 * again (same value); a `null`/missing owner in BlockOwner.Transfer answers `invalid item` (8.2 crashes, §9).
 */
import { fail } from "../../base/fault.ts";
import { foundationTxId } from "../../chain/types/records/ids.ts";
import { toHex } from "../../encoding/hex.ts";
import { decodeArgument, go } from "../go-decode.ts";
import { BLOCK_OWNER_TRANSFER, blockOwnerTransferRecord, type BlockOwnerTransferArg } from "../records.ts";
import { requireNormal, type MethodDeps } from "./deps.ts";
import { storeTransfer } from "./transfer.ts";

const TXID_ARGUMENTS = go.struct("rpc.TxIdForBlockArguments", { blockNumber: go.uint64 });

export function txIdForBlock(arg: unknown, deps: MethodDeps): unknown {
  const { blockNumber } = decodeArgument<{ blockNumber: bigint }>(arg, TXID_ARGUMENTS);
  if (blockNumber > BigInt(Number.MAX_SAFE_INTEGER)) fail("block not found");
  const n = Number(blockNumber);
  deps.store.getBlock(n);
  return { txId: toHex(foundationTxId(deps.store.digestForBlock(n), n)) };
}

export function transfer(arg: unknown, deps: MethodDeps): unknown {
  const t = decodeArgument<BlockOwnerTransferArg>(arg, BLOCK_OWNER_TRANSFER);
  requireNormal(deps);
  if (t.owner === null) fail("invalid item");
  if (t.owner.testnet !== deps.reservoir.reservoir.testnet) fail("wrong network for public key");
  return storeTransfer(deps, blockOwnerTransferRecord({ ...t, owner: t.owner }));
}
