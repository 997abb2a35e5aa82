/**
 * CURVE REQ client (bitmarkd's upstream transport, zmqutil/client.go, docs/wire.md §2.3–§2.5).
 *
 *   const c = new RequestClient({ publicKey, secretKey });   // own long-term keys, 32 raw bytes each
 *   c.connect("1.2.3.4:2136", serverPublicKey);              // new socket, new random identity
 *   const p = new RequestClient(); p.connect("127.0.0.1:5567");  // plain REQ, no CURVE (payment discovery)
 *   const reply = await c.request([chain, cmd, …], 60_000); // rejects RequestTimeoutError / Fault
 *   c.reconnect();   // close + new socket (new identity, new TCP connection) to the same address and key
 *   c.close();       // back to "not connected"; may connect() again
 *
 * One request is on the wire at a time; further ones queue in order. `timeoutMs` bounds each of the two phases
 * like bitmarkd's SNDTIMEO/RCVTIMEO: handing the request to a connected server (with IMMEDIATE=1 nothing is
 * queued before TCP + CURVE handshake complete, so a dead or mis-keyed server times out here), then waiting
 * for the reply. A timeout rejects with RequestTimeoutError ("resource temporarily unavailable", bitmarkd's
 * text); REQ_RELAXED lets the next request go out and REQ_CORRELATE makes libzmq drop the late reply.
 * Nothing blocks: timeouts are timers. A request on a client without an address, or whose socket is
 * replaced (reconnect) or closed while it is on the wire, rejects with Fault "not connected"; queued
 * requests survive reconnect() and are rejected by close().
 */
import { randomBytes } from "node:crypto";
import { Fault } from "../base/fault.ts";
import { logger } from "../base/log.ts";
import { track } from "./context.ts";
import { KEY_LENGTH } from "./curve.ts";
import { tcpEndpoint } from "./endpoint.ts";
import { Opt, POLLIN, POLLOUT, SocketType } from "./libzmq.ts";
import type { Frames } from "./reply-server.ts";
import { Socket } from "./socket.ts";
import { BunmarkError } from "../base/errors.ts";
import { TransportError } from "./errors.ts";

const log = logger("wire");

const DEFAULT_TIMEOUT_MS = 60_000;
const IDENTITY_LENGTH = 32;

/** A request that got no connected server or no reply in time; the message is bitmarkd's (libzmq EAGAIN) text. */
export class RequestTimeoutError extends BunmarkError<{ code: "REQUEST_TIMEOUT"; phase: "send" | "receive" }> {
  constructor(readonly phase: "send" | "receive") {
    super({ code: "REQUEST_TIMEOUT", phase }, "resource temporarily unavailable");
  }
}

export interface ClientKeys {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

interface Pending {
  frames: Frames;
  timeoutMs: number;
  resolve(frames: Frames): void;
  reject(e: Error): void;
}

interface Current extends Pending {
  phase: "send" | "receive";
  timer: ReturnType<typeof setTimeout>;
}

export class RequestClient {
  readonly #keys: ClientKeys | undefined;
  #address: string | undefined;
  #serverKey: Uint8Array | undefined;
  #socket: Socket | undefined;
  #identity: Uint8Array | undefined;
  #untrack: (() => void) | undefined;
  #queue: Pending[] = [];
  #current: Current | undefined;

  /** Without keys the socket is plain (no CURVE) and `connect` takes no server key. */
  constructor(keys?: ClientKeys) {
    if (keys && (keys.publicKey.length !== KEY_LENGTH || keys.secretKey.length !== KEY_LENGTH)) {
      throw new TransportError({ code: "KEY_LENGTH", owner: "client", key: "keys" }, "client: keys must be 32 bytes");
    }
    this.#keys = keys;
  }

  /** `host:port` of the server, undefined when not connected. */
  get address(): string | undefined {
    return this.#address;
  }

  get serverKey(): Uint8Array | undefined {
    return this.#serverKey;
  }

  /** ZMQ identity of the current socket (32 random bytes, new for every socket). */
  get identity(): Uint8Array | undefined {
    return this.#identity;
  }

  /** Closes any previous socket and dials `address` expecting `serverKey` (CURVE clients only); the connection is made in the background. */
  connect(address: string, serverKey?: Uint8Array): void {
    if (this.#keys && serverKey?.length !== KEY_LENGTH) throw new TransportError({ code: "KEY_LENGTH", owner: "client", key: "server key" }, "client: server key must be 32 bytes");
    if (!this.#keys && serverKey !== undefined) throw new TransportError({ code: "SERVER_KEY_UNEXPECTED" }, "client: a plain client takes no server key");
    const { endpoint, ipv6 } = tcpEndpoint(address);
    this.#closeSocket();
    this.#address = address;
    this.#serverKey = serverKey;
    this.#open(endpoint, ipv6);
  }

  /** A new socket (new identity, new TCP connection) to the same address and key. */
  reconnect(): void {
    if (this.#address === undefined) throw new Fault("not connected");
    this.connect(this.#address, this.#serverKey);
  }

  /** Sends `frames` and resolves with the reply frames. */
  request(frames: Frames, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Frames> {
    if (this.#socket === undefined) return Promise.reject(new Fault("not connected"));
    return new Promise((resolve, reject) => {
      this.#queue.push({ frames, timeoutMs, resolve, reject });
      this.#next();
      this.#pump();
    });
  }

  close(): void {
    this.#closeSocket();
    this.#address = undefined;
    this.#serverKey = undefined;
    for (const p of this.#queue.splice(0)) p.reject(new Fault("not connected"));
  }

  #open(endpoint: string, ipv6: boolean): void {
    let s: Socket | undefined;
    try {
      s = new Socket(SocketType.REQ);
      const identity = randomBytes(IDENTITY_LENGTH);
      if (this.#keys) {
        s.setInt(Opt.CURVE_SERVER, 0);
        s.setBytes(Opt.CURVE_PUBLICKEY, this.#keys.publicKey);
        s.setBytes(Opt.CURVE_SECRETKEY, this.#keys.secretKey);
        s.setBytes(Opt.CURVE_SERVERKEY, this.#serverKey!);
      }
      s.setBytes(Opt.IDENTITY, identity);
      s.setInt(Opt.IMMEDIATE, 1);
      s.setInt(Opt.SNDTIMEO, DEFAULT_TIMEOUT_MS); // inert (we never block); set as bitmarkd does
      s.setInt(Opt.RCVTIMEO, DEFAULT_TIMEOUT_MS);
      s.setInt(Opt.REQ_CORRELATE, 1);
      s.setInt(Opt.REQ_RELAXED, 1);
      s.setKeepAliveAndLimit();
      s.setInt(Opt.IPV6, ipv6 ? 1 : 0);
      s.connect(endpoint);
      s.watch(() => this.#pump());
      this.#identity = new Uint8Array(identity);
    } catch (e) {
      s?.close();
      this.close();
      throw e;
    }
    this.#socket = s;
    this.#untrack ??= track(this);
    this.#next();
    this.#pump();
  }

  #closeSocket(): void {
    const c = this.#current;
    if (c) {
      this.#current = undefined;
      clearTimeout(c.timer);
      c.reject(new Fault("not connected"));
    }
    this.#socket?.close();
    this.#socket = undefined;
    this.#identity = undefined;
    this.#untrack?.();
    this.#untrack = undefined;
  }

  /** Makes the head of the queue current (send phase) if nothing is on the wire. */
  #next(): void {
    if (this.#current || this.#socket === undefined) return;
    const p = this.#queue.shift();
    if (!p) return;
    this.#current = { ...p, phase: "send", timer: this.#timer(p.timeoutMs, "send") };
  }

  #timer(ms: number, phase: "send" | "receive"): ReturnType<typeof setTimeout> {
    return setTimeout(() => {
      const c = this.#current;
      if (!c || c.phase !== phase) return;
      this.#current = undefined;
      c.reject(new RequestTimeoutError(phase));
      this.#next();
      this.#pump();
    }, ms);
  }

  /** Moves as far as possible: send the current request when libzmq can take it, deliver replies. */
  #pump(): void {
    try {
      for (;;) {
        const s = this.#socket;
        if (s === undefined) return;
        const ev = s.events();
        let progressed = false;
        if (ev & POLLIN) {
          const reply = s.recvMessage();
          if (reply !== null) {
            progressed = true;
            this.#deliver(reply);
          }
        }
        const c = this.#current;
        if (c?.phase === "send" && ev & POLLOUT && s.sendMessage(c.frames)) {
          progressed = true;
          clearTimeout(c.timer);
          c.phase = "receive";
          c.timer = this.#timer(c.timeoutMs, "receive");
        }
        if (!progressed) return;
      }
    } catch (e) {
      // A socket-level failure must not escape into the poller; fail the request and start afresh.
      log.error("client socket failed", { address: this.#address, error: e });
      const c = this.#current;
      this.#current = undefined;
      if (c) {
        clearTimeout(c.timer);
        c.reject(e instanceof Error ? e : new Error(String(e)));
      }
      try {
        if (this.#address !== undefined) this.reconnect();
      } catch (again) {
        log.error("client reconnect failed", { address: this.#address, error: again });
      }
    }
  }

  #deliver(reply: Frames): void {
    const c = this.#current;
    if (c?.phase !== "receive") return; // REQ_CORRELATE already drops stale replies; nothing else can arrive
    clearTimeout(c.timer);
    this.#current = undefined;
    c.resolve(reply);
    this.#next();
  }
}
