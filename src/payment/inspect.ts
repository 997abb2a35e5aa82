/**
 * What counts as a payment (payment/bitcoin.go `inspectBitcoinTx`, litecoin.go `inspectLitecoinTx`; docs/proof.md
 * §4.1): one currency transaction in bitcoind's verbose JSON (`txid`, `vout[].value`,
 * `vout[].scriptPubKey.hex`, `vout[].scriptPubKey.addresses`), parsed by chain-json.ts.
 *
 * An output whose script is `6a30` + 96 hex digits (OP_RETURN pushing 48 bytes) names the pay id — the last
 * such output wins, a bad one aborts the transaction; every other output with exactly one address adds its
 * value to that address. A pay id with no amounts, or no pay id, is not a payment.
 *
 * Deviations (8.2 would let hostile input through or crash): a field of the wrong JSON type ignores the whole
 * transaction, as Go's decoder failing does, and so does a `value` that is not a plain decimal JSON number
 * (satoshi.ts), a txid longer than 128 hex digits or more than MAX_OUTPUTS outputs.
 */
import type { Currency } from "../chain/types/currency.ts";
import type { PaymentDetail } from "../reservoir/payments.ts";
import { PAY_ID_LENGTH } from "../reservoir/pay-id.ts";
import { rawNumberText } from "./chain-json.ts";
import { parseSatoshi } from "./satoshi.ts";

const OP_RETURN_PREFIX = "6a30";
const OP_RETURN_LENGTH = OP_RETURN_PREFIX.length + 2 * PAY_ID_LENGTH;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const MAX_TXID_HEX = 128;
/** Far above any real payment (a handful of outputs); bounds the work per transaction. */
export const MAX_OUTPUTS = 10_000;

export interface FoundPayment {
  readonly payId: Uint8Array;
  readonly detail: PaymentDetail;
}

/** A payment, or why the transaction is not one (for the log). */
export type Inspection = { readonly payment: FoundPayment } | { readonly ignored: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Go's decoding of an optional field: absent or null is the zero value, another type fails. */
function optional<T>(v: unknown, is: (v: unknown) => v is T, zero: T): T | undefined {
  if (v === undefined || v === null) return zero;
  return is(v) ? v : undefined;
}

const isString = (v: unknown): v is string => typeof v === "string";
const isArray = (v: unknown): v is unknown[] => Array.isArray(v);

export function inspectTransaction(tx: unknown, currency: Currency): Inspection {
  if (!isObject(tx)) return { ignored: "not a transaction object" };
  const txId = optional(tx.txid, isString, "");
  if (txId === undefined || txId.length > MAX_TXID_HEX || !HEX.test(txId)) return { ignored: "invalid tx id" };
  const vouts = optional(tx.vout, isArray, []);
  if (vouts === undefined) return { ignored: "vout is not a list" };
  if (vouts.length > MAX_OUTPUTS) return { ignored: "too many outputs" };

  let payId: Uint8Array | undefined;
  const amounts = new Map<string, bigint>();
  for (const vout of vouts) {
    if (!isObject(vout)) return { ignored: "output is not an object" };
    const script = optional(vout.scriptPubKey, isObject, {});
    if (script === undefined) return { ignored: "scriptPubKey is not an object" };
    const hex = optional(script.hex, isString, "");
    const addresses = optional(script.addresses, isArray, []);
    if (hex === undefined || addresses === undefined || !addresses.every(isString)) return { ignored: "scriptPubKey has wrong types" };

    if (hex.length === OP_RETURN_LENGTH && hex.startsWith(OP_RETURN_PREFIX)) {
      const id = hex.slice(OP_RETURN_PREFIX.length);
      if (!HEX.test(id)) return { ignored: "invalid pay id" };
      payId = new Uint8Array(Buffer.from(id, "hex"));
      continue;
    }
    const [address, ...others] = addresses;
    if (address === undefined || others.length > 0) continue;
    const text = rawNumberText(vout.value);
    const value = text === undefined ? undefined : parseSatoshi(text);
    if (value === undefined) return { ignored: "invalid value" };
    amounts.set(address, (amounts.get(address) ?? 0n) + value);
  }
  if (payId === undefined) return { ignored: "no pay id" };
  if (amounts.size === 0) return { ignored: "pay id but no payments" };
  return { payment: { payId, detail: { currency, txId, amounts } } };
}
