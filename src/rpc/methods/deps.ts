/**
 * What the client RPC methods need from the node, as narrow structural interfaces: the MethodDeps the node
 * builds for the transports (src/rpc/deps.ts on the transport branch: Store, RunningReservoir, Announce,
 * BroadcastQueue, ModeState, node facts, RPC stats) satisfies it as it is, and tests can pass fakes.
 */
import type { ChainName } from "../../chain/types/chains.ts";
import type { IndexedOwnership, OwnershipEntry } from "../../chain/rules/ownership.ts";
import type { Mode } from "../../base/mode.ts";
import type { RpcEntry } from "../../peer/announce/rpc.ts";
import type { Reservoir } from "../../reservoir/reservoir.ts";
import type { AssetCache } from "../../reservoir/asset-cache.ts";
import { fail } from "../../base/fault.ts";

type Bytes = Uint8Array;

/** Confirmed chain state (read only); `Store` fits. */
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

/** The reservoir operations of the RPC; `Reservoir` fits. */
export type RpcReservoir = Pick<Reservoir, "testnet" | "storeIssues" | "tryProof" | "storeTransfer" | "transactionStatus" | "counters" | "inOneWrite"> & {
  readonly assets: Pick<AssetCache, "cache" | "get">;
};

export interface MethodDeps {
  readonly chain: ChainName;
  readonly mode: { get(): Mode };
  readonly store: RpcChain;
  /** `RunningReservoir` fits */
  readonly reservoir: { readonly reservoir: RpcReservoir };
  /** the node's Broadcast queue (protocol.md §8); `BroadcastQueue` fits */
  readonly broadcast: { send(command: string, parameters: readonly Bytes[]): void };
  /** the RPC table of Node.List; `Announce` fits */
  readonly announce: { rpcs(): readonly RpcEntry[] };
  readonly facts: {
    /** peer public key, 64 hex */
    readonly publicKey: string;
    /** incoming peer connections and registered upstreams */
    peerCounts(): { incoming: number; outgoing: number };
  };
  /** open RPC connections and HTTPS requests in progress (Node.Info `rpcs`) */
  readonly stats: { readonly rpcs: number };
  readonly version: string;
  /** process.hrtime.bigint() when the RPC server was created (Node.Info `uptime`) */
  readonly startedAt: bigint;
}

/** Normal-only methods (rpc.md §4.5). */
export function requireNormal(deps: MethodDeps): void {
  if (deps.mode.get() !== "Normal") fail("not available during synchronise");
}
