/**
 * `Transaction.Status` (bitmarkd 8.2 rpc/transaction.go, reservoir/setup.go `TransactionStatus`, rpc.md §6.9):
 * Pending, Verified, Confirmed or Unknown; not mode-gated.
 */
import { stateText } from "../../reservoir/status.ts";
import { decodeArgument, go } from "../go-decode.ts";
import { digest } from "../records.ts";
import type { MethodDeps } from "./deps.ts";

const ARGUMENTS = go.struct("rpc.TransactionArguments", { txId: digest });

export function status(arg: unknown, deps: MethodDeps): unknown {
  const { txId } = decodeArgument<{ txId: Uint8Array }>(arg, ARGUMENTS);
  return { status: stateText(deps.reservoir.reservoir.transactionStatus(txId)) };
}
