/**
 * One upstream client (bitmarkd 8.2 peer/upstream/setup.go, docs/wire.md §8.2): a CURVE REQ connection to
 * another node's listener that registers (`R`), polls the remote height (`N`, then `H` of that height for
 * the connector's vote), answers the connector's `H`/`B` fetches and pushes the node's broadcast items.
 *
 * Differences from 8.2, on purpose:
 * - nothing blocks: requests are asynchronous with timeouts, so a dead or slow peer delays only its own
 *   upstream, never the other upstreams or the connector;
 * - the poll runs on a fixed period, so broadcast traffic cannot postpone it (8.2 re-arms its timer after
 *   every item), and requests are served by priority: registration/poll, then fetches, then pushes;
 * - registration happens once per connection, right after connecting (8.2 registers twice) and a failed
 *   one is retried at the next poll; an `E` reply (e.g. `invalid public key` in small networks) is never
 *   fatal, and a reply for another chain or with a short timestamp is an error, never a panic;
 * - connecting to another peer clears the registered flag, height and digest (8.2 keeps the old peer's);
 * - a failed registration is retried after 0.5 s, doubling up to the poll period (8.2: at the next 30 s poll),
 *   so nodes started together register within seconds;
 * - every change of the registered flag, height or digest is reported (`onChange`) so the connector acts at
 *   once instead of at its next cycle, and every reply at all from the peer is reported (`onReply`): the peer
 *   table hands out only peers recently reached that way.
 *
 * See docs/deviations.md §3.
 */
import { Fault } from "../../base/fault.ts";
import { logger } from "../../base/log.ts";
import { bytesEqual, toHex } from "../../encoding/hex.ts";
import { blockNumberKey, readBe64 } from "../../chain/types/header.ts";
import type { ChainName } from "../../chain/types/chains.ts";
import { be64Seconds } from "../announce/timing.ts";
import { goQuote } from "../../encoding/go-quote.ts";
import type { BroadcastItem } from "../broadcast.ts";
import { type Clock, systemClock } from "../../base/clock.ts";
import type { ConnectorConfig } from "./constants.ts";
import { BunmarkError } from "../../base/errors.ts";
import { PeerError } from "../errors.ts";

const log = logger("upstream");
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const DIGEST_LENGTH = 32;

/** The REQ transport (src/transport/request-client.ts `RequestClient`), reduced to what an upstream uses. */
export interface RequestTransport {
  /** Dials anew (new socket, new identity) even when already connected to `address`. */
  connect(address: string, serverKey: Uint8Array): void;
  request(frames: Uint8Array[], timeoutMs: number): Promise<Uint8Array[]>;
  close(): void;
}

/** A source of broadcast items (src/peer/broadcast.ts `BroadcastSubscription`); null once closed. */
export interface BroadcastSource {
  next(): Promise<BroadcastItem | null>;
  close(): void;
}

/** This node's identity as sent in `R`. */
export interface OwnIdentity {
  readonly publicKey: Uint8Array;
  readonly listeners: Uint8Array;
}

export interface UpstreamOptions {
  /** Name in logs, e.g. `static@0`, `dynamic@3`. */
  readonly label: string;
  readonly chain: ChainName;
  readonly transport: RequestTransport;
  /** Own key and packed listeners (read at every registration). */
  readonly self: () => OwnIdentity;
  readonly config: ConnectorConfig;
  /** The peer named in an `R` reply (announce AddPeer; the result is ignored, as in 8.2). */
  readonly onPeer?: (publicKey: Uint8Array, listeners: Uint8Array, timestamp: bigint) => void;
  readonly broadcasts?: BroadcastSource;
  readonly clock?: Clock;
  /** The registered flag, height or digest changed. */
  readonly onChange?: () => void;
  /** The peer with this key answered a request (any reply, `E` included: its listener is alive). */
  readonly onReply?: (publicKey: Uint8Array) => void;
}

/** First retry delay of a failed registration; doubled per failure up to the poll period. */
export const REGISTER_RETRY_MS = 500;

/**
 * An `E` reply to `command`: the message is the remote text (for `R` and pushes inside bitmarkd's message around
 * it), `text` the remote text alone.
 */
export class RemoteError extends BunmarkError<{ code: "REMOTE_ERROR"; command: string; text: string }> {}

/** The replies to `N`, `R` and pushes that bitmarkd's client rejects (its own texts, docs/wire.md §7). */
export class PeerReplyError extends BunmarkError<{ code: "PEER_REPLY_INVALID"; command: string }> {}

const enum Priority {
  Control = 0,
  Fetch = 1,
  Push = 2,
}

interface Job {
  readonly generation: number;
  readonly run: () => Promise<void>;
  readonly cancel: (e: Error) => void;
}

function text(frame: Uint8Array): string {
  return decoder.decode(frame);
}

export class Upstream {
  readonly label: string;
  readonly #o: UpstreamOptions;
  readonly #clock: Clock;
  readonly #chain: Uint8Array;
  #address: string | undefined;
  #key: Uint8Array | undefined;
  #registered = false;
  #height = 0;
  /** clock time of the last reply (0: none yet), for `status --peers` */
  #lastReply = 0;
  #digest: Uint8Array | undefined;
  /** Bumped by connect/close: work of an older connection must not touch the new one's state. */
  #generation = 0;
  /** one queue per Priority, highest first */
  readonly #jobs: [Job[], Job[], Job[]] = [[], [], []];
  #running = false;
  /** Generation for which a registration/poll round is queued or running. */
  #controlQueued: number | undefined;
  #cancelTimer: (() => void) | undefined;
  #cancelRetry: (() => void) | undefined;
  /** Delay before the next registration retry (reset by a success or a new connection). */
  #retryMs = REGISTER_RETRY_MS;
  #closed = false;

  constructor(options: UpstreamOptions) {
    this.#o = options;
    this.label = options.label;
    this.#clock = options.clock ?? systemClock;
    this.#chain = encoder.encode(options.chain);
    if (options.broadcasts) void this.#pushLoop(options.broadcasts);
  }

  /** Public key of the current target (undefined while the slot is idle). */
  get key(): Uint8Array | undefined {
    return this.#key;
  }

  get address(): string | undefined {
    return this.#address;
  }

  /** Registered with the current target and its last poll succeeded. */
  get registered(): boolean {
    return this.#registered;
  }

  /** Last polled remote height (0 = unknown). */
  get lastReply(): number {
    return this.#lastReply;
  }

  get height(): number {
    return this.#height;
  }

  /** Remote digest of the block at `height` (storage order), when known. */
  get digest(): Uint8Array | undefined {
    return this.#digest;
  }

  isConnectedTo(key: Uint8Array): boolean {
    return this.#key !== undefined && bytesEqual(this.#key, key);
  }

  /**
   * Dials `address` (`host:port`) expecting `key`, closing any previous connection, and registers in the
   * background. Throws Fault `connecting to self forbidden` for the own key, or the address faults.
   */
  connect(address: string, key: Uint8Array): void {
    if (this.#closed) throw new PeerError("upstream", "closed");
    if (bytesEqual(key, this.#o.self().publicKey)) throw new Fault("connecting to self forbidden");
    this.#o.transport.connect(address, key);
    this.#generation++;
    this.#cancelQueued();
    this.#address = address;
    this.#key = key.slice();
    this.#setState(false, 0, undefined);
    log.info("connecting", { slot: this.label, peer: key, address });
    this.#cancelTimer?.();
    this.#cancelRetry?.();
    this.#retryMs = REGISTER_RETRY_MS;
    this.#schedulePoll();
    this.#queueControl();
  }

  /** Stops polling and pushing and closes the connection; queued requests fail with `not connected`. */
  close(): void {
    this.#closed = true;
    this.#generation++;
    this.#cancelTimer?.();
    this.#cancelRetry?.();
    this.#o.broadcasts?.close();
    this.#o.transport.close();
    this.#cancelQueued();
    this.#setState(false, 0, undefined);
  }

  #cancelQueued(): void {
    for (const q of this.#jobs) for (const j of q.splice(0)) j.cancel(new Fault("not connected"));
  }

  /** `H`: digest of block n on the remote node (storage order). */
  getBlockDigest(n: number): Promise<Uint8Array> {
    return this.#enqueue(Priority.Fetch, async () => expectDigest(await this.#request("H", [blockNumberKey(n)])));
  }

  /** `B`: packed block n as stored on the remote node. */
  getBlockData(n: number): Promise<Uint8Array> {
    return this.#enqueue(Priority.Fetch, async () => expectReply(await this.#request("B", [blockNumberKey(n)]), "B"));
  }

  /** Asks the remote height now (a registration first when needed) instead of at the next poll. */
  pollNow(): void {
    this.#queueControl();
  }

  #setState(registered: boolean, height: number, digest: Uint8Array | undefined): void {
    const same =
      registered === this.#registered &&
      height === this.#height &&
      (digest === this.#digest || (digest !== undefined && this.#digest !== undefined && bytesEqual(digest, this.#digest)));
    this.#registered = registered;
    this.#height = height;
    this.#digest = digest;
    if (!same) this.#o.onChange?.();
  }

  /** A registration failed: try again soon, backing off up to the poll period. */
  #retryRegistration(): void {
    this.#cancelRetry?.();
    const ms = this.#retryMs;
    this.#retryMs = Math.min(ms * 2, this.#o.config.upstreamPollMs);
    if (ms >= this.#o.config.upstreamPollMs) return; // the poll itself retries
    this.#cancelRetry = this.#clock.setTimer(ms, () => this.#queueControl());
  }

  #schedulePoll(): void {
    this.#cancelTimer = this.#clock.setTimer(this.#o.config.upstreamPollMs, () => {
      this.#schedulePoll();
      this.#queueControl();
    });
  }

  /**
   * Queues one registration/poll round unless one of this connection is queued or running: against a dead
   * peer a round lasts longer than the poll period and must not starve the fetches.
   */
  #queueControl(): void {
    const generation = this.#generation;
    if (this.#controlQueued === generation || this.#key === undefined) return;
    this.#controlQueued = generation;
    const done = () => {
      if (this.#controlQueued === generation) this.#controlQueued = undefined;
    };
    this.#enqueue(Priority.Control, () => this.#control()).then(done, done);
  }

  /** Runs `fn` when no other request of this upstream is on the wire; higher priorities go first. */
  #enqueue<T>(priority: Priority, fn: () => Promise<T>): Promise<T> {
    if (this.#closed || this.#key === undefined) return Promise.reject(new Fault("not connected"));
    const generation = this.#generation;
    return new Promise<T>((resolve, reject) => {
      this.#jobs[priority].push({
        generation,
        run: () => (generation === this.#generation ? fn().then(resolve, reject) : Promise.resolve(reject(new Fault("not connected")))),
        cancel: reject,
      });
      void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      for (let job = this.#nextJob(); job; job = this.#nextJob()) await job.run();
    } finally {
      this.#running = false;
    }
  }

  #nextJob(): Job | undefined {
    for (const q of this.#jobs) if (q.length > 0) return q.shift();
    return undefined;
  }

  async #request(command: string, parameters: readonly Uint8Array[]): Promise<Uint8Array[]> {
    const key = this.#key;
    const reply = await this.#o.transport.request([this.#chain, encoder.encode(command), ...parameters], this.#o.config.timeoutMs);
    this.#lastReply = this.#clock.now();
    if (key !== undefined && this.#key === key) this.#o.onReply?.(key);
    return reply;
  }

  /** Registration when needed, then the height poll (8.2's 30 s tick). */
  async #control(): Promise<void> {
    const generation = this.#generation;
    const current = () => generation === this.#generation;
    if (!this.#registered) {
      try {
        await this.#register();
      } catch (e) {
        if (!current()) return;
        if (e instanceof RemoteError) log.info("register refused, retrying later", { slot: this.label, peer: this.#key, error: e.message });
        else this.#fail("register", e);
        this.#retryRegistration();
        return;
      }
      if (!current()) return;
      this.#retryMs = REGISTER_RETRY_MS;
      this.#setState(true, this.#height, this.#digest);
    }
    let height: number;
    try {
      height = parseHeight(await this.#request("N", []));
    } catch (e) {
      if (current()) this.#fail("height poll", e, true);
      return;
    }
    if (!current()) return;
    let digest: Uint8Array | undefined;
    try {
      digest = expectDigest(await this.#request("H", [blockNumberKey(height)]));
    } catch (e) {
      if (!current()) return;
      if (!(e instanceof RemoteError)) return this.#fail("digest poll", e, true);
      log.warn("digest poll refused", { slot: this.label, peer: this.#key, height, error: e.message });
    }
    if (current()) this.#setState(true, height, digest);
  }

  async #register(): Promise<void> {
    const self = this.#o.self();
    const reply = await this.#request("R", [this.#chain, self.publicKey, self.listeners, be64Seconds(this.#clock.now())]);
    const invalid = (message: string) => new PeerReplyError({ code: "PEER_REPLY_INVALID", command: "R" }, message);
    const [first, chain, learned, listeners, stamp] = reply;
    if (first === undefined || chain === undefined) throw invalid(`register received: ${reply.length}  expected at least: 2`);
    const command = text(first);
    if (command === "E") throw new RemoteError({ code: "REMOTE_ERROR", command: "R", text: text(chain) }, `register error: ${goQuote(chain)}`);
    if (command !== "R") throw invalid(`rpc unexpected response: ${goQuote(first)}`);
    if (learned === undefined || listeners === undefined || stamp === undefined) throw invalid(`register response incorrect: [${reply.map(toHex).join(" ")}]`);
    // 8.2 panics on the next two; a wrong peer is an error like any other here.
    if (!bytesEqual(chain, this.#chain)) throw new Fault("incorrect chain");
    if (stamp.length < 8) throw invalid(`register response incorrect: timestamp of ${stamp.length} bytes`);
    const timestamp = readBe64(stamp);
    log.info("registered", { slot: this.label, peer: this.#key, learned, timestamp });
    this.#o.onPeer?.(learned, listeners, timestamp);
  }

  /**
   * 8.2: a failed register, poll or push reconnects (new socket, new identity); a failed poll also unregisters.
   * The connection is made from this upstream's own address and key: a transport whose socket could not be
   * opened has forgotten its target, and the next failure must still bring the connection back. Only for a
   * failure of the current connection (callers check the generation).
   */
  #fail(what: string, e: unknown, unregister = false): void {
    log.warn(`${what} failed, reconnecting`, { slot: this.label, peer: this.#key, error: e as Error });
    if (unregister) this.#setState(false, this.#height, this.#digest);
    if (this.#closed || this.#address === undefined || this.#key === undefined) return;
    try {
      this.#o.transport.connect(this.#address, this.#key);
    } catch (again) {
      log.warn("reconnect failed, retrying at the next poll", { slot: this.label, peer: this.#key, error: again as Error });
    }
  }

  async #pushLoop(source: BroadcastSource): Promise<void> {
    for (let item = await source.next(); item !== null; item = await source.next()) {
      if (!this.#registered) continue; // 8.2 drops items while not registered
      await this.#enqueue(Priority.Push, () => this.#push(item!)).catch(() => {});
    }
  }

  async #push(item: BroadcastItem): Promise<void> {
    const generation = this.#generation;
    try {
      const reply = await this.#request(item.command, item.parameters);
      const [first, second] = reply;
      if (reply.length !== 2 || first === undefined || second === undefined) {
        throw new PeerReplyError({ code: "PEER_REPLY_INVALID", command: item.command }, `push received: ${reply.length}  expected: 2`);
      }
      const command = text(first);
      if (command === "E") throw new RemoteError({ code: "REMOTE_ERROR", command: item.command, text: text(second) }, `rpc error response: ${goQuote(second)}`);
      if (command !== item.command) throw new PeerReplyError({ code: "PEER_REPLY_INVALID", command: item.command }, `rpc unexpected response: ${goQuote(first)}`);
    } catch (e) {
      // A push cut off by connect() or close() is no reason to reconnect (nor to reopen a closed upstream).
      if (generation === this.#generation) this.#fail(`push ${item.command}`, e);
    }
  }
}

/** Frame 1 of a `[command][data]` reply; `E` → RemoteError with the remote text, other shapes → `invalid peer response`. */
function expectReply(reply: Uint8Array[], command: string): Uint8Array {
  const [first, data] = reply;
  if (reply.length !== 2 || first === undefined || data === undefined) throw new Fault("invalid peer response");
  const c = text(first);
  if (c === "E") throw new RemoteError({ code: "REMOTE_ERROR", command, text: text(data) }, text(data));
  if (c !== command) throw new Fault("invalid peer response");
  return data;
}

/** The digest of an `H` reply: 32 bytes, else `invalid peer response`. */
function expectDigest(reply: Uint8Array[]): Uint8Array {
  const digest = expectReply(reply, "H");
  if (digest.length !== DIGEST_LENGTH) throw new Fault("invalid peer response");
  return digest;
}

function parseHeight(reply: Uint8Array[]): number {
  const invalid = (message: string) => new PeerReplyError({ code: "PEER_REPLY_INVALID", command: "N" }, message);
  const [first, data] = reply;
  if (reply.length !== 2 || first === undefined || data === undefined) throw invalid(`getHeight received: ${reply.length}  expected: 2`);
  const c = text(first);
  if (c === "E") throw invalid(`rpc error response: ${goQuote(data)}`);
  if (c !== "N") throw invalid(`rpc unexpected response: ${goQuote(first)}`);
  if (data.length !== 8) throw invalid(`highestBlock: rpc invalid response: ${goQuote(data)}`);
  const h = readBe64(data);
  if (h > BigInt(Number.MAX_SAFE_INTEGER)) throw invalid(`highestBlock: rpc invalid response: ${h}`);
  return Number(h);
}
