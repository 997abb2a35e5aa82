/**
 * What the client RPC methods need from the node, as narrow interfaces: the chain store (`Store` fits as it
 * is), the reservoir (`Reservoir` fits), the broadcast queue, the node's mode, the announce RPC table
 * (`Announce` fits) and a few node facts the composition root fills in.
 */
import type { ChainName } from "../../chain/types/chains.ts";
import type { IndexedOwnership, OwnershipEntry } from "../../chain/rules/ownership.ts";
import type { Mode } from "../../node/mode.ts";
import type { RpcEntry } from "../../peer/announce/rpc.ts";
import type { Reservoir } from "../../reservoir/reservoir.ts";
import type { AssetCache } from "../../reservoir/asset-cache.ts";
import { fail } from "../../base/fault.ts";

type Bytes = Uint8Array;

/** Confirmed chain state (read only). */
export interface RpcChain {
  height(): number;
  transaction(txId: Bytes): { block: number; packed: Bytes } | undefined;
  asset(assetId: Bytes): { block: number; packed: Bytes } | undefined;
  ownership(owner: Bytes, txId: Bytes): OwnershipEntry | undefined;
  ownedItems(owner: Bytes, start: bigint, count: number): IndexedOwnership[];
  /** packed block n; "block not found" for genesis and absent blocks */
  getBlock(n: number): Bytes;
  digestForBlock(n: number): Bytes;
}

export type RpcReservoir = Pick<Reservoir, "testnet" | "storeIssues" | "tryProof" | "storeTransfer" | "transactionStatus" | "counters" | "inOneWrite"> & {
  readonly assets: Pick<AssetCache, "cache" | "get">;
};

/** Facts about the running node for Node.Info. */
export interface NodeFacts {
  readonly version: string;
  /** peer public key, 64 hex */
  readonly publicKey: string;
  /** nanoseconds since the RPC server was created */
  uptime(): bigint;
  /** incoming peer connections and registered upstreams */
  peerCounts(): { incoming: number; outgoing: number };
  /** open RPC connections and HTTPS requests in progress (the caller included) */
  rpcConnections(): number;
}

export interface RpcDeps {
  readonly chain: ChainName;
  readonly mode: { get(): Mode };
  readonly store: RpcChain;
  readonly reservoir: RpcReservoir;
  /** puts an item on the node's Broadcast queue (protocol.md §8) */
  readonly broadcast: (command: string, parameters: Bytes[]) => void;
  readonly announce: { rpcs(): readonly RpcEntry[] };
  readonly node: NodeFacts;
}

/** Normal-only methods (rpc.md §4.5). */
export function requireNormal(deps: RpcDeps): void {
  if (deps.mode.get() !== "Normal") fail("not available during synchronise");
}
