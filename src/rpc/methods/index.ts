/**
 * The method table of the client RPC (bitmarkd 8.2 rpc/setup.go `createRPCServer`: seven services, eleven
 * methods, rpc.md §4.5), shared by the TLS JSON-RPC stream and HTTPS `POST /bitmarkd/rpc`. A Fault thrown
 * by a method or by what it calls becomes an RpcError with the fault's text.
 */
import { Fault } from "../../base/fault.ts";
import { RpcError, type MethodTable, type RpcMethod } from "../method.ts";
import * as assets from "./assets.ts";
import * as bitmark from "./bitmark.ts";
import * as bitmarks from "./bitmarks.ts";
import * as blockOwner from "./block-owner.ts";
import type { MethodDeps } from "./deps.ts";
import * as node from "./node.ts";
import * as owner from "./owner.ts";
import * as transaction from "./transaction.ts";

export type { MethodDeps, RpcChain, RpcReservoir } from "./deps.ts";

function faultsAsRpcErrors(method: RpcMethod<MethodDeps>): RpcMethod<MethodDeps> {
  return (arg, deps) => {
    try {
      return method(arg, deps);
    } catch (e) {
      throw e instanceof Fault ? new RpcError(e.text) : e;
    }
  };
}

const TABLE: Record<string, RpcMethod<MethodDeps>> = {
  "Assets.Get": assets.get,
  "Bitmarks.Create": bitmarks.create,
  "Bitmarks.Proof": bitmarks.proof,
  "Bitmark.Transfer": bitmark.transfer,
  "Bitmark.Provenance": bitmark.provenance,
  "BlockOwner.TxIdForBlock": blockOwner.txIdForBlock,
  "BlockOwner.Transfer": blockOwner.transfer,
  "Owner.Bitmarks": owner.bitmarks,
  "Transaction.Status": transaction.status,
  "Node.Info": node.info,
  "Node.List": node.list,
};

export const METHODS: MethodTable<MethodDeps> = Object.fromEntries(Object.entries(TABLE).map(([name, m]) => [name, faultsAsRpcErrors(m)]));
