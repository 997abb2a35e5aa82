/**
 * CURVE PUB server (bitmarkd 8.2 zmqutil NewBind with zmq.PUB, as the proofer's job feed uses it, docs/proof.md §2).
 *
 *   const pub = PublishServer.open({ addresses: ["127.0.0.1:2140"], publicKey, secretKey, zapDomain: "publisher" });
 *   pub.endpoints      // bound tcp:// endpoints (port 0 → the port actually chosen)
 *   pub.publish(frames) // to every subscriber of every socket; returns how many sockets took it
 *   pub.close()
 *
 * One PUB socket per address family, further addresses of a family bind on the same socket, options as the REP
 * server's (serverSocket). No ZAP handler runs, so any CURVE client key is accepted, which is what 8.2's
 * "allow any" ZAP answer amounts to. Deviation: a failed send is logged (8.2 panics).
 */
import { logger } from "../base/log.ts";
import { track } from "./context.ts";
import { KEY_LENGTH } from "./curve.ts";
import { tcpEndpoint } from "./endpoint.ts";
import { SocketType } from "./libzmq.ts";
import { serverSocket } from "./reply-server.ts";
import type { Socket } from "./socket.ts";
import { TransportError } from "./errors.ts";

const log = logger("wire");

export interface PublishServerOptions {
  addresses: readonly string[];
  publicKey: Uint8Array;
  secretKey: Uint8Array;
  zapDomain: string;
}

export class PublishServer {
  readonly endpoints: string[];
  readonly #sockets: Socket[];
  readonly #untrack: () => void;

  private constructor(sockets: Socket[], endpoints: string[]) {
    this.#sockets = sockets;
    this.endpoints = endpoints;
    this.#untrack = track(this);
  }

  static open(options: PublishServerOptions): PublishServer {
    const { publicKey, secretKey } = options;
    if (publicKey.length !== KEY_LENGTH || secretKey.length !== KEY_LENGTH) throw new TransportError({ code: "KEY_LENGTH", owner: "publisher", key: "keys" }, "publisher: keys must be 32 bytes");
    const parsed = options.addresses.map(tcpEndpoint);
    const families = new Map<boolean, Socket>();
    const endpoints: string[] = [];
    try {
      for (const { endpoint, ipv6 } of parsed) {
        let s = families.get(ipv6);
        if (!s) {
          s = serverSocket(SocketType.PUB, publicKey, secretKey, ipv6, options.zapDomain);
          families.set(ipv6, s);
        }
        s.bind(endpoint);
        endpoints.push(s.lastEndpoint());
      }
    } catch (e) {
      for (const s of families.values()) s.close();
      throw e;
    }
    return new PublishServer([...families.values()], endpoints);
  }

  /** Sends one message on every socket without waiting; a PUB drops it for subscribers that cannot take it. */
  publish(frames: readonly Uint8Array[]): number {
    let sent = 0;
    for (const s of this.#sockets) {
      if (s.closed) continue;
      try {
        if (s.sendMessage(frames)) sent++;
        else log.warn("publish dropped", { endpoint: s.lastEndpoint() });
      } catch (e) {
        log.error("publish failed", { error: e });
      }
    }
    return sent;
  }

  close(): void {
    this.#untrack();
    for (const s of this.#sockets) s.close();
  }
}
