/**
 * A peer that serves a real node's chain but answers block requests with garbage, for sync tests:
 *
 *   const g = garbagePeer({ upstream: node.peer, lateMs: 4000 });  // a CURVE listener of its own key
 *   connect: [..., { publicKey: g.publicKey, address: g.address }]
 *   g.served   // garbage answers given so far, per kind
 *   g.close();
 *
 * Every request but `B` is passed on to `upstream` and its reply returned, so the peer registers, reports the
 * upstream's height and digests and joins the vote for that chain: the syncing node then asks it for blocks.
 * Each `B` gets the next kind of garbage in turn (KINDS): a reply of the wrong shape, an `E` reply, no reply
 * before the requester's timeout (`lateMs`), a block too short to hold a header, the right block with one
 * record byte flipped (it fails validation).
 */
import { curveKeyPair } from "../../src/transport/curve.ts";
import { type Frames, ReplyServer } from "../../src/transport/reply-server.ts";
import { RequestClient } from "../../src/transport/request-client.ts";
import type { Peer } from "./node-process.ts";

export const KINDS = ["wrong shape", "error reply", "late", "truncated", "corrupt"] as const;
export type GarbageKind = (typeof KINDS)[number];

export interface GarbagePeer extends Peer {
  readonly served: Record<GarbageKind, number>;
  close(): void;
}

const te = new TextEncoder();

export function garbagePeer(o: { upstream: Peer; lateMs: number }): GarbagePeer {
  const keys = curveKeyPair();
  const client = new RequestClient(curveKeyPair());
  client.connect(o.upstream.address, o.upstream.publicKey);
  const served = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<GarbageKind, number>;
  let answered = 0;
  let closed = false;
  const forward = async (frames: Frames): Promise<Frames> => {
    try {
      return await client.request(frames, 5000);
    } catch (e) {
      return [te.encode("E"), te.encode(e instanceof Error ? e.message : String(e))];
    }
  };
  const garbage = async (frames: Frames): Promise<Frames> => {
    const kind = KINDS[answered++ % KINDS.length]!;
    served[kind]++;
    switch (kind) {
      case "wrong shape":
        return [te.encode("B"), te.encode("not a block"), te.encode("extra frame")];
      case "error reply":
        return [te.encode("E"), te.encode("garbage peer says no")];
      case "late":
        await Bun.sleep(o.lateMs);
        return closed ? [] : forward(frames);
      case "truncated":
        return [te.encode("B"), Uint8Array.of(1, 2, 3)];
      case "corrupt": {
        const reply = await forward(frames);
        if (reply.length === 2 && reply[1]!.length > 0) reply[1]![reply[1]!.length - 1]! ^= 0xff;
        return reply;
      }
    }
  };
  const server = ReplyServer.open({
    addresses: ["127.0.0.1:0"],
    publicKey: keys.publicKey,
    secretKey: keys.secretKey,
    handler: (frames) => (closed ? [] : new TextDecoder().decode(frames[1]) === "B" ? garbage(frames) : forward(frames)),
  });
  return {
    publicKey: keys.publicKey,
    address: server.endpoints[0]!.replace("tcp://", ""),
    served,
    close: () => {
      closed = true;
      server.close();
      client.close();
    },
  };
}
