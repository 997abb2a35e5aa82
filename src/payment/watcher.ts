/**
 * The payment watcher (payment/setup.go `Initialise`, docs/proof.md §4): runs the configured source — the discovery
 * proxy, or one REST source per currency — inspects each transaction they report (inspect.ts) and hands
 * every payment to the reservoir (`setTransferVerified`), keeping per-currency figures for `status`,
 * `/status` and `/metrics`.
 *
 *   const w = PaymentWatcher.start({ config, chain, reservoir, clock: systemClock, timing: {} });
 *   w.status();   // { BTC: { source, state, lastBlock, paymentsSeen, paymentsMatched, orphansHeld, … }, LTC: … }
 *   await w.stop();
 */
import type { ChainName } from "../chain/types/chains.ts";
import { CURRENCY_BITCOIN, CURRENCY_LITECOIN, currencyText } from "../chain/types/currency.ts";
import type { Clock } from "../base/clock.ts";
import { logger } from "../base/log.ts";
import type { PaymentDetail } from "../reservoir/payments.ts";
import type { PaymentConfig } from "./config.ts";
import { DiscoverySource } from "./discovery.ts";
import { inspectTransaction } from "./inspect.ts";
import { RestSource } from "./rest.ts";
import { PAID_CURRENCIES, type PaidCurrency, type PaymentSource, type SourceEvents } from "./source.ts";

const log = logger("payment");

/** The reservoir as the watcher uses it (`Reservoir` provides both). */
export interface PaymentSink {
  setTransferVerified(payId: Uint8Array, detail: PaymentDetail): "verified" | "orphan" | "dropped";
  orphanCounts(): Map<number, number>;
}

/** `timing` overrides (milliseconds) for test networks; the defaults are 8.2's (or bunmark's where 8.2 has none). */
export interface PaymentTiming {
  /** REST check interval (8.2: 60 s). */
  checkIntervalMs: number;
  /** Per REST request and per discovery back-fill request (8.2: none). */
  requestTimeoutMs: number;
}

export const DEFAULT_PAYMENT_TIMING: PaymentTiming = { checkIntervalMs: 60_000, requestTimeoutMs: 30_000 };

export interface CurrencyStatus {
  source: "discovery" | "rest";
  state: string;
  lastError: string | null;
  /** Highest block the REST source has seen (height, hash): the tip at start, then each block inspected; null for discovery. */
  lastBlock: number | null;
  lastBlockHash: string | null;
  /** Transactions carrying a pay id and amounts. */
  paymentsSeen: number;
  /** Payments that moved a reservoir item to verified. */
  paymentsMatched: number;
  /** Orphan payments of this currency the reservoir holds. */
  orphansHeld: number;
  /** Transactions refused by the inspection for malformed fields (not counting those without a pay id). */
  malformed: number;
}

export interface StartPaymentWatcher {
  config: PaymentConfig;
  chain: ChainName;
  reservoir: PaymentSink;
  clock: Clock;
  timing?: Partial<PaymentTiming>;
}

/** Inspection results that are simply "not a payment", as opposed to malformed input. */
const NOT_A_PAYMENT = new Set(["no pay id", "pay id but no payments"]);

export class PaymentWatcher {
  readonly #sources: PaymentSource[];
  readonly #figures: Record<PaidCurrency, Omit<CurrencyStatus, "orphansHeld">>;
  readonly #reservoir: PaymentSink;

  private constructor(o: StartPaymentWatcher) {
    this.#reservoir = o.reservoir;
    const timing = { ...DEFAULT_PAYMENT_TIMING, ...o.timing };
    const source = o.config.use_discovery ? "discovery" : "rest";
    const starting = (): Omit<CurrencyStatus, "orphansHeld"> => ({ source, state: "starting", lastError: null, lastBlock: null, lastBlockHash: null, paymentsSeen: 0, paymentsMatched: 0, malformed: 0 });
    this.#figures = { [CURRENCY_BITCOIN]: starting(), [CURRENCY_LITECOIN]: starting() };
    const events: SourceEvents = {
      transaction: (c, tx) => this.#transaction(c, tx),
      block: (c, height, hash) => {
        const f = this.#figures[c];
        if (f.lastBlock === null || height >= f.lastBlock) Object.assign(f, { lastBlock: height, lastBlockHash: hash });
      },
      state: (c, state, error) => {
        const f = this.#figures[c];
        f.state = state;
        if (error !== undefined) f.lastError = error;
      },
    };
    if (o.config.use_discovery) {
      const d = o.config.discovery!;
      this.#sources = [new DiscoverySource({ subEndpoint: d.sub_endpoint, reqEndpoint: d.req_endpoint, clock: o.clock, requestTimeoutMs: timing.requestTimeoutMs, events })];
    } else {
      const urls: [PaidCurrency, string][] = [
        [CURRENCY_BITCOIN, o.config.bitcoin!.url],
        [CURRENCY_LITECOIN, o.config.litecoin!.url],
      ];
      this.#sources = urls.map(([currency, url]) => new RestSource({ currency, url, chain: o.chain, clock: o.clock, timing, events }));
    }
  }

  /** Starts the configured source(s); never fails because a proxy or currency node is absent. */
  static start(o: StartPaymentWatcher): PaymentWatcher {
    const w = new PaymentWatcher(o);
    log.info("payment watcher", { source: o.config.use_discovery ? "discovery" : "rest" });
    try {
      for (const s of w.#sources) s.start();
    } catch (e) {
      void w.stop();
      throw e;
    }
    return w;
  }

  /** Inspects one candidate transaction and hands a payment to the reservoir; never throws. */
  #transaction(currency: PaidCurrency, tx: unknown): void {
    const f = this.#figures[currency];
    try {
      const r = inspectTransaction(tx, currency);
      if ("ignored" in r) {
        if (!NOT_A_PAYMENT.has(r.ignored)) {
          f.malformed++;
          log.warn("transaction ignored", { currency: currencyText(currency), reason: r.ignored });
        }
        return;
      }
      f.paymentsSeen++;
      const outcome = this.#reservoir.setTransferVerified(r.payment.payId, r.payment.detail);
      log.info("payment", { currency: currencyText(currency), txId: r.payment.detail.txId, payId: r.payment.payId, outcome });
      if (outcome === "verified") f.paymentsMatched++;
    } catch (e) {
      log.error("payment handling failed", { currency: currencyText(currency), error: e });
    }
  }

  status(): Record<string, CurrencyStatus> {
    const orphans = this.#reservoir.orphanCounts();
    const out: Record<string, CurrencyStatus> = {};
    for (const c of PAID_CURRENCIES) out[currencyText(c)] = { ...this.#figures[c], orphansHeld: orphans.get(c) ?? 0 };
    return out;
  }

  async stop(): Promise<void> {
    await Promise.all(this.#sources.map((s) => s.stop()));
  }
}
