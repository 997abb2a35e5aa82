/**
 * What a payment source (discovery.ts, rest.ts) tells the watcher: candidate transactions of one currency,
 * how far it has got, and its state for `status`; and the currencies the sources watch.
 */
import { CURRENCY_BITCOIN, CURRENCY_LITECOIN } from "../chain/types/currency.ts";

/** The currencies a payment can be made in, in 8.2's order (BTC first). */
export const PAID_CURRENCIES = [CURRENCY_BITCOIN, CURRENCY_LITECOIN] as const;
export type PaidCurrency = (typeof PAID_CURRENCIES)[number];

export interface SourceEvents {
  /** One transaction in bitcoind's verbose JSON (parsed by chain-json.ts), to be inspected. */
  transaction(currency: PaidCurrency, tx: unknown): void;
  /** The REST walk reached block `height` (`hash`). */
  block(currency: PaidCurrency, height: number, hash: string): void;
  /** A state change or error worth showing in `status` (also logged by the source). */
  state(currency: PaidCurrency, state: string, error?: string): void;
}

export interface PaymentSource {
  start(): void;
  stop(): Promise<void>;
}

/** Retry delays: 1 s doubling up to `maxMs`. */
export function backoff(attempt: number, maxMs: number): number {
  return Math.min(maxMs, 1000 * 2 ** Math.min(attempt, 20));
}
