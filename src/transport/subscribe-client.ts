/**
 * CURVE SUB client subscribed to everything (recorderd's job subscriber, command/recorderd/subscriber.go,
 * proof.md §2.2).
 *
 *   const sub = new SubscribeClient(keys);                 // own key pair, 32 raw bytes each
 *   sub.connect("127.0.0.1:2140", serverKey, (frames) => …); // background connect; called for each message
 *   sub.close();
 *
 * Options as recorderd sets them: CURVE client with the server key, identity = own public key, IPV6 per
 * address, TCP keep-alive; subscription "" (every message). libzmq reconnects by itself after a drop.
 */
import { logger } from "../base/log.ts";
import { track } from "./context.ts";
import { KEY_LENGTH, type CurveKeyPair } from "./curve.ts";
import { tcpEndpoint } from "./endpoint.ts";
import { Opt, POLLIN, SocketType } from "./libzmq.ts";
import { Socket } from "./socket.ts";

const log = logger("wire");

export class SubscribeClient {
  readonly #keys: CurveKeyPair;
  #socket: Socket | undefined;
  #untrack: (() => void) | undefined;

  constructor(keys: CurveKeyPair) {
    if (keys.publicKey.length !== KEY_LENGTH || keys.secretKey.length !== KEY_LENGTH) throw new Error("subscriber: keys must be 32 bytes");
    this.#keys = keys;
  }

  connect(address: string, serverKey: Uint8Array, onMessage: (frames: Uint8Array[]) => void): void {
    if (serverKey.length !== KEY_LENGTH) throw new Error("subscriber: server key must be 32 bytes");
    const { endpoint, ipv6 } = tcpEndpoint(address);
    this.close();
    const s = new Socket(SocketType.SUB);
    try {
      s.setInt(Opt.CURVE_SERVER, 0);
      s.setBytes(Opt.CURVE_PUBLICKEY, this.#keys.publicKey);
      s.setBytes(Opt.CURVE_SECRETKEY, this.#keys.secretKey);
      s.setBytes(Opt.CURVE_SERVERKEY, serverKey);
      s.setBytes(Opt.IDENTITY, this.#keys.publicKey);
      s.setInt(Opt.IPV6, ipv6 ? 1 : 0);
      s.setKeepAliveAndLimit();
      s.setBytes(Opt.SUBSCRIBE, "");
      s.connect(endpoint);
    } catch (e) {
      s.close();
      throw e;
    }
    this.#socket = s;
    this.#untrack = track(this);
    s.watch(() => this.#drain(s, onMessage));
  }

  #drain(s: Socket, onMessage: (frames: Uint8Array[]) => void): void {
    try {
      while (!s.closed && s.events() & POLLIN) {
        const frames = s.recvMessage();
        if (frames === null) return;
        try {
          onMessage(frames);
        } catch (e) {
          log.error("subscriber callback failed", { error: e });
        }
      }
    } catch (e) {
      log.error("subscriber socket failed", { error: e });
    }
  }

  close(): void {
    this.#socket?.close();
    this.#socket = undefined;
    this.#untrack?.();
    this.#untrack = undefined;
  }
}
