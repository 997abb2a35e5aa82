/**
 * NodeFacts from the running node's parts, as 8.2's handlers read them (rpc/node.go `Info`, rpc/httphandler.go):
 * peer counts from the listener and the connector (peer/setup.go `GetCounts`), the remote height the connector
 * follows (`BlockHeight`), reservoir counters (reservoir `ReadCounters`: unverified index, verified pool), the
 * upstreams with an address (`FetchConnectors`), the peer ring (announce `GetNext`).
 */
import type { Store } from "../chain/store/store.ts";
import type { ModeState } from "../base/mode.ts";
import { unpackAll, canonical } from "../peer/address.ts";
import type { Announce } from "../peer/announce/announce.ts";
import type { PeerListener } from "../peer/listener/server.ts";
import type { Connector } from "../peer/sync/connector.ts";
import type { RunningReservoir } from "../reservoir/index.ts";
import type { NodeFacts } from "./deps.ts";

export interface NodeParts {
  chain: string;
  publicKey: Uint8Array;
  mode: ModeState;
  store: Store;
  listener: PeerListener;
  connector: Connector;
  reservoir: RunningReservoir;
  announce: Announce;
}

export function nodeFacts(p: NodeParts): NodeFacts {
  return {
    chain: p.chain,
    publicKey: Buffer.from(p.publicKey).toString("hex"),
    mode: () => p.mode.get(),
    height: () => p.store.height(),
    remoteHeight: () => Math.max(0, ...p.connector.status().upstreams.map((u) => u.height)),
    peerCounts: () => ({ incoming: p.listener.connections, outgoing: p.connector.status().registered }),
    transactionCounters: () => {
      const s = p.reservoir.reservoir.sizes();
      return { pending: s.unverified, verified: s.verifiedTxs };
    },
    upstreams: () =>
      p.connector
        .status()
        .upstreams.filter((u) => u.address !== undefined && u.key !== undefined)
        .map((u) => ({ address: `tcp://${u.address}`, server: u.key! })),
    peers: () => p.announce.peers().map((e) => ({ publicKey: e.publicKey, listeners: unpackAll(e.listeners).map(canonical), timestamp: e.timestamp })),
  };
}
