/**
 * SUB client connected to one `host:port`, subscribed to everything, with a socket monitor reporting each
 * (re)connection: plain, as payment/background.go `newDiscoverer` opens towards the discovery proxy, or with
 * `curve` as recorderd's job subscriber (command/recorderd/subscriber.go: CURVE client with its own key pair,
 * identity = its public key).
 *
 *   const sub = Subscriber.open({ address: "127.0.0.1:5566", onMessage: (frames) => …, onConnected: () => … });
 *   sub.close();
 *
 * libzmq reconnects by itself; every completed TCP connection calls `onConnected` (8.2 back-fills then).
 * Options as bitmarkd's other sockets: LINGER 100 ms, TCP keep-alive and MAXMSGSIZE 5 000 000 (libzmq drops a
 * publisher sending a bigger frame). Messages are drained at most BATCH per turn, then the loop yields, so a
 * flooding publisher cannot starve the rest of the process. A throwing `onMessage` is logged and the next
 * message is read.
 */
import { logger } from "../base/log.ts";
import { track } from "./context.ts";
import { tcpEndpoint } from "./endpoint.ts";
import type { CurveKeyPair } from "./curve.ts";
import { Opt, POLLIN, SocketType } from "./libzmq.ts";
import { ConnectionMonitor } from "./monitor.ts";
import type { Frames } from "./reply-server.ts";
import { Socket } from "./socket.ts";

const log = logger("wire");

const BATCH = 64;

export interface SubscriberOptions {
  /** `a.b.c.d:port` or `[v6]:port`, IP literals. */
  address: string;
  onMessage(frames: Frames): void;
  onConnected(): void;
  /** CURVE client keys and the server's public key (32 raw bytes each); absent: a plain socket */
  curve?: { keys: CurveKeyPair; serverKey: Uint8Array };
}

export class Subscriber {
  readonly #socket: Socket;
  readonly #monitor: ConnectionMonitor;
  readonly #onMessage: (frames: Frames) => void;
  readonly #untrack: () => void;
  #scheduled = false;

  private constructor(socket: Socket, monitor: ConnectionMonitor, onMessage: (frames: Frames) => void) {
    this.#socket = socket;
    this.#monitor = monitor;
    this.#onMessage = onMessage;
    this.#untrack = track(this);
    socket.watch(() => this.#pump());
  }

  /** Opens the socket and starts connecting in the background; throws on a bad address. */
  static open(o: SubscriberOptions): Subscriber {
    const { endpoint, ipv6 } = tcpEndpoint(o.address);
    const s = new Socket(SocketType.SUB);
    let monitor: ConnectionMonitor | undefined;
    try {
      if (o.curve) {
        s.setInt(Opt.CURVE_SERVER, 0);
        s.setBytes(Opt.CURVE_PUBLICKEY, o.curve.keys.publicKey);
        s.setBytes(Opt.CURVE_SECRETKEY, o.curve.keys.secretKey);
        s.setBytes(Opt.CURVE_SERVERKEY, o.curve.serverKey);
        s.setBytes(Opt.IDENTITY, o.curve.keys.publicKey);
      }
      s.setKeepAliveAndLimit();
      s.setInt(Opt.IPV6, ipv6 ? 1 : 0);
      s.setBytes(Opt.SUBSCRIBE, new Uint8Array(0));
      // The monitor goes on before the connect so the first CONNECTED is not missed.
      monitor = new ConnectionMonitor(s, o.onConnected);
      s.connect(endpoint);
    } catch (e) {
      monitor?.close();
      s.close();
      throw e;
    }
    return new Subscriber(s, monitor, o.onMessage);
  }

  close(): void {
    this.#untrack();
    this.#monitor.close();
    this.#socket.close();
  }

  #pump(): void {
    try {
      for (let n = 0; !this.#socket.closed && this.#socket.events() & POLLIN; n++) {
        if (n === BATCH) {
          this.#yield();
          return;
        }
        const frames = this.#socket.recvMessage();
        if (frames === null) return;
        try {
          this.#onMessage(frames);
        } catch (e) {
          log.error("subscriber handler failed", { error: e });
        }
      }
    } catch (e) {
      log.error("subscriber socket failed", { error: e });
    }
  }

  #yield(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#pump();
    });
  }
}
