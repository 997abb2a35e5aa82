/** The client RPC method table the node serves (rpc.md §4.5). */
import type { RpcDeps } from "../deps.ts";
import type { MethodTable } from "../method.ts";

export const METHODS: MethodTable<RpcDeps> = {};
