/**
 * Upstreams that misbehave, for the slow/hung peer suite:
 *
 *   const hung = await silentServer();   // accepts TCP and never says a word: the CURVE handshake never ends
 *   const slow = slowPeer({ store, delayMs: 4000 });   // a CURVE peer serving `store`: I/N/R at once,
 *                                                      // every B and H only after `delayMs`
 *   slow.address, slow.publicKey, slow.asked            // asked: B/H requests received so far
 *   hung.close(); slow.close();   // close the slow peer before its store: late answers never touch it
 *
 * The slow peer answers with the listener's own request handler over a store of the same chain, so its
 * answers are right, only late; `R` names a made-up third peer so registrations succeed.
 */
import { createServer, type Socket as TcpSocket } from "node:net";
import type { Store } from "../../../src/chain/store/store.ts";
import { handleRequest, type ListenerContext } from "../../../src/peer/listener/listener.ts";
import { curveKeyPair } from "../../../src/transport/curve.ts";
import { ReplyServer } from "../../../src/transport/reply-server.ts";

export interface SilentServer {
  readonly address: string;
  /** a key for the connect entry (nobody will ever prove it) */
  readonly publicKey: Uint8Array;
  connections: number;
  close(): void;
}

export function silentServer(): Promise<SilentServer> {
  const sockets = new Set<TcpSocket>();
  const server = createServer((s) => {
    sockets.add(s);
    result.connections++;
    s.on("error", () => undefined);
    s.on("close", () => sockets.delete(s));
  });
  const result: SilentServer = {
    address: "",
    publicKey: curveKeyPair().publicKey,
    connections: 0,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0 }, () => {
      (result as { address: string }).address = `127.0.0.1:${(server.address() as { port: number }).port}`;
      resolve(result);
    });
  });
}

export interface SlowPeer {
  readonly address: string;
  readonly publicKey: Uint8Array;
  /** B and H requests received */
  asked: number;
  close(): void;
}

export function slowPeer(o: { store: Store; delayMs: number }): SlowPeer {
  const keys = curveKeyPair();
  const made = { publicKey: curveKeyPair().publicKey, listeners: Uint8Array.of(7, 0, 1, 127, 0, 0, 1), timestamp: Date.now() };
  const ctx: ListenerContext = {
    chain: o.store.chain,
    version: "8.2",
    isNormal: () => true,
    height: () => o.store.height(),
    getBlock: (n) => o.store.getBlock(n),
    digestForBlock: (n) => o.store.digestForBlock(n),
    announce: { addPeer: () => false, randomPeer: () => made },
    push: () => undefined,
  };
  const td = new TextDecoder();
  let closed = false;
  const peer: SlowPeer = {
    address: "",
    publicKey: keys.publicKey,
    asked: 0,
    close: () => {
      closed = true;
      server.close();
    },
  };
  const server = ReplyServer.open({
    addresses: ["127.0.0.1:0"],
    publicKey: keys.publicKey,
    secretKey: keys.secretKey,
    handler: async (frames) => {
      const command = td.decode(frames[1] ?? new Uint8Array());
      if (command === "B" || command === "H") {
        peer.asked++;
        await Bun.sleep(o.delayMs);
        // Closed meanwhile: the store may be closed too, and LMDB must not be read after that.
        if (closed) return [];
      }
      return handleRequest(ctx, frames);
    },
  });
  (peer as { address: string }).address = server.endpoints[0]!.replace("tcp://", "");
  return peer;
}
