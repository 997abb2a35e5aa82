/**
 * What the client RPC transports and the HTTPS GET routes need to know about the node, filled in by the
 * composition root (src/node/node.ts). Plain data and functions, so tests can pass fakes.
 */
import type { ChainName } from "../chain/types/chains.ts";
import type { Store } from "../chain/store/store.ts";
import type { ModeState } from "../base/mode.ts";
import type { Announce } from "../peer/announce/announce.ts";
import type { BroadcastQueue } from "../peer/broadcast.ts";
import type { RunningReservoir } from "../reservoir/index.ts";
import type { RpcStats } from "./stats.ts";

export interface NodeFacts {
  chain: string;
  /** 64 hex: the peer public key */
  publicKey: string;
  mode(): string;
  /** local block height (1 = genesis only) */
  height(): number;
  /** highest height reported by the connector's upstreams */
  remoteHeight(): number;
  peerCounts(): { incoming: number; outgoing: number };
  transactionCounters(): { pending: number; verified: number };
  /** configured and dynamic upstreams that have an address, duplicates included */
  upstreams(): { address: string; server: string }[];
  /** the peer ring, the node itself included */
  peers(): readonly { publicKey: Uint8Array; listeners: string[]; timestamp: number }[];
}

/**
 * What every method of the table receives (rpc.md §6): the node's parts the 8.2 handlers read or write, and the
 * counters and start time Node.Info reports. Filled in once by the node.
 */
export interface RpcDeps {
  chain: ChainName;
  store: Store;
  reservoir: RunningReservoir;
  announce: Announce;
  broadcast: BroadcastQueue;
  mode: ModeState;
  facts: NodeFacts;
  stats: RpcStats;
  version: string;
  /** process.hrtime.bigint() when the RPC server was created (Node.Info `uptime`) */
  startedAt: bigint;
}
