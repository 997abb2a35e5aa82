/**
 * What a payment source (discovery.ts, rest.ts) tells the watcher: candidate transactions of one currency,
 * how far it has got, and its state for `status`.
 */
import type { Currency } from "../chain/types/currency.ts";

export interface SourceEvents {
  /** One transaction in bitcoind's verbose JSON (parsed by chain-json.ts), to be inspected. */
  transaction(currency: Currency, tx: unknown): void;
  /** The REST walk reached block `height` (`hash`). */
  block(currency: Currency, height: number, hash: string): void;
  /** A state change or error worth showing in `status` (also logged by the source). */
  state(currency: Currency, state: string, error?: string): void;
}

export interface PaymentSource {
  start(): void;
  stop(): Promise<void>;
}

/** Retry delays: 1 s doubling up to `maxMs`. */
export function backoff(attempt: number, maxMs: number): number {
  return Math.min(maxMs, 1000 * 2 ** Math.min(attempt, 20));
}
