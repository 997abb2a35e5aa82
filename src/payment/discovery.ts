/**
 * Discovery-proxy source (payment/background.go `discoverer`, bitcoin.go/litecoin.go `processIncomingTx`,
 * `processPastTxs`; docs/proof.md §4.2): plain ZeroMQ, no CURVE.
 *
 * SUB at `sub_endpoint`, subscribed to everything: each message is `[currency, tx JSON]` with currency `BTC`
 * or `LTC`. REQ at `req_endpoint`: whenever the SUB socket reports a (re)connection, for BTC then LTC it sends
 * `[currency, decimal Unix time of now − 72 h]` and reads the reply, whose frame 1 is a JSON array of
 * transactions. Every transaction goes to the watcher to be inspected. Nothing is confirmed in this mode.
 *
 * Deviations: 8.2 panics on an unknown currency text (nil handler); here it is logged and ignored, like a
 * message of another frame count or a frame that is not JSON of the right shape. 8.2's REQ has no timeout, so a
 * silent proxy blocks its back-fill for ever; here each request times out (`requestTimeoutMs`), the REQ
 * socket is replaced (a REQ socket cannot send again before it has a reply) and the back-fill is retried with
 * back-off until it completes or the next (re)connection starts a new one. 8.2 walks its handler map in
 * random order; bunmark asks BTC first. A back-fill reply with more than MAX_BACKFILL_TXS transactions is
 * refused.
 */
import { currencyText } from "../chain/types/currency.ts";
import type { Clock } from "../base/clock.ts";
import { logger } from "../base/log.ts";
import { LOOK_BACK_MS } from "./rest-walk.ts";
import { RequestClient } from "../transport/request-client.ts";
import type { Frames } from "../transport/reply-server.ts";
import { Subscriber } from "../transport/subscriber.ts";
import { parseChainJson } from "./chain-json.ts";
import { backoff, PAID_CURRENCIES, type PaidCurrency, type PaymentSource, type SourceEvents } from "./source.ts";

const log = logger("payment");

export const MAX_BACKFILL_TXS = 100_000;
const MAX_RETRY_MS = 60_000;

export interface DiscoveryOptions {
  subEndpoint: string;
  reqEndpoint: string;
  clock: Clock;
  /** Per back-fill request, each phase (send, reply). */
  requestTimeoutMs: number;
  events: SourceEvents;
}

/** `BTC`/`LTC` (exact text, as 8.2's handler map keys) → currency; anything else undefined. */
export function discoveryCurrency(text: string): PaidCurrency | undefined {
  return PAID_CURRENCIES.find((c) => currencyText(c) === text);
}

/** At most 16 bytes of a frame, control characters escaped, for the log. */
const printable = (frame: Uint8Array) => JSON.stringify(Buffer.from(frame.subarray(0, 16)).toString("latin1")).slice(1, -1);

export class DiscoverySource implements PaymentSource {
  readonly #o: DiscoveryOptions;
  #sub: Subscriber | undefined;
  #req: RequestClient | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  #cancelRetry: (() => void) | undefined;
  #attempt = 0;

  constructor(o: DiscoveryOptions) {
    this.#o = o;
  }

  /** Connects both sockets (asynchronously: an absent proxy never fails the start). */
  start(): void {
    this.#req = new RequestClient();
    this.#req.connect(this.#o.reqEndpoint);
    this.#sub = Subscriber.open({ address: this.#o.subEndpoint, onMessage: (f) => this.#message(f), onConnected: () => this.#connected() });
    for (const c of PAID_CURRENCIES) this.#o.events.state(c, "connecting");
    log.info("discovery: subscribe", { sub: this.#o.subEndpoint, req: this.#o.reqEndpoint });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancelRetry?.();
    this.#sub?.close();
    this.#req?.close(); // rejects the request on the wire: the back-fill ends
    await this.#running;
  }

  /** One published message: `[currency, tx JSON]`. */
  #message(frames: Frames): void {
    const [currencyFrame, txFrame, ...extra] = frames;
    if (currencyFrame === undefined || txFrame === undefined || extra.length > 0) {
      log.warn("discovery: invalid message", { frames: frames.length });
      return;
    }
    const currency = discoveryCurrency(Buffer.from(currencyFrame).toString("latin1"));
    if (currency === undefined) {
      log.warn("discovery: unknown currency", { currency: printable(currencyFrame) });
      return;
    }
    let tx: unknown;
    try {
      tx = parseChainJson(Buffer.from(txFrame).toString("utf8"));
    } catch (e) {
      log.warn("discovery: unable to decode tx", { currency: currencyText(currency), error: e });
      return;
    }
    this.#o.events.transaction(currency, tx);
  }

  #connected(): void {
    log.info("discovery: connected", { sub: this.#o.subEndpoint });
    for (const c of PAID_CURRENCIES) this.#o.events.state(c, "connected");
    this.#attempt = 0;
    this.#cancelRetry?.();
    this.#backfill();
  }

  /** Starts a back-fill, or queues one more if one is running (8.2's one-slot trigger). */
  #backfill(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#retrievePast()
      .then((complete) => {
        this.#running = undefined;
        if (this.#again) {
          this.#again = false;
          this.#backfill();
        } else if (!complete && !this.#stopped) {
          const cancel = this.#o.clock.setTimer(backoff(this.#attempt++, MAX_RETRY_MS), () => this.#backfill());
          this.#cancelRetry = cancel;
        }
      })
      .catch((e) => {
        this.#running = undefined;
        log.error("discovery: back-fill failed", { error: e });
      });
  }

  /** Asks for each currency's transactions of the last 72 h; false when a request failed. */
  async #retrievePast(): Promise<boolean> {
    const since = Math.floor((this.#o.clock.now() - LOOK_BACK_MS) / 1000);
    let complete = true;
    for (const currency of PAID_CURRENCIES) {
      if (this.#stopped) return true;
      const name = currencyText(currency);
      log.info("discovery: fetch past txs", { currency: name, since });
      let reply: Frames;
      try {
        reply = await this.#req!.request([Buffer.from(name), Buffer.from(String(since))], this.#o.requestTimeoutMs);
      } catch (e) {
        if (this.#stopped) return true;
        complete = false;
        this.#o.events.state(currency, "back-fill failed", (e as Error).message);
        log.warn("discovery: back-fill request failed", { currency: name, error: e });
        try {
          this.#req!.reconnect(); // a REQ socket without its reply cannot send again
        } catch (again) {
          log.error("discovery: REQ reconnect failed", { error: again });
          return false;
        }
        continue;
      }
      this.#o.events.state(currency, "running");
      const [, body] = reply;
      if (body === undefined) {
        log.warn("discovery: truncated reply", { currency: name, frames: reply.length });
        continue;
      }
      let txs: unknown;
      try {
        txs = parseChainJson(Buffer.from(body).toString("utf8"));
      } catch (e) {
        log.warn("discovery: unable to decode past txs", { currency: name, error: e });
        continue;
      }
      if (!Array.isArray(txs) || txs.length > MAX_BACKFILL_TXS) {
        log.warn("discovery: past txs is not a list (or too long)", { currency: name });
        continue;
      }
      for (const tx of txs) this.#o.events.transaction(currency, tx);
    }
    return complete;
  }
}
