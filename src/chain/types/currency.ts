/**
 * Currencies of block-owner payments (currency/*.go): codes, text forms, fees, address validation with
 * the network flag, and the packed currency → address map used by BlockFoundation, BlockOwnerTransfer and
 * storage, plus CheckPayments (transactionrecord/pack.go).
 *
 * See docs/records.md §4.
 */
import { fail } from "../../base/fault.ts";
import { validateBitcoinAddress, validateLitecoinAddress } from "./coin-address.ts";
import { concatBytes } from "../../encoding/hex.ts";
import { codePointCount, utf8Bytes, utf8Text } from "../../encoding/utf8.ts";
import { clippedVarint, decodeVarint, encodeVarint } from "../../encoding/varint.ts";

export const CURRENCY_NOTHING = 0;
export const CURRENCY_BITCOIN = 1;
export const CURRENCY_LITECOIN = 2;
export type Currency = typeof CURRENCY_NOTHING | typeof CURRENCY_BITCOIN | typeof CURRENCY_LITECOIN;

/** Currency → payment address. Iterate with `CURRENCIES` for bitmarkd's (ascending) order. */
export type CurrencyMap = Map<Currency, string>;

/** The payable currencies in ascending order (Nothing is only for genesis records). */
const CURRENCIES: readonly Currency[] = [CURRENCY_BITCOIN, CURRENCY_LITECOIN];

const TEXT: Record<Currency, string> = { 0: "", 1: "BTC", 2: "LTC" };
const FEE: Record<Currency, bigint> = { 0: 0n, 1: 10000n, 2: 100000n };
const MAX_ADDRESS_CODE_POINTS = 64;


/** Currency code from a record's uint; 3 and above → "invalid currency". */
export function currencyFromCode(code: bigint | number): Currency {
  const n = BigInt(code);
  if (n < 0n || n > 2n) fail("invalid currency");
  return Number(n) as Currency;
}

/** Case-insensitive "btc"/"bitcoin", "ltc"/"litecoin", "" for Nothing. */
export function currencyFromText(text: string): Currency {
  switch (text.toLowerCase()) {
    case "":
      return CURRENCY_NOTHING;
    case "btc":
    case "bitcoin":
      return CURRENCY_BITCOIN;
    case "ltc":
    case "litecoin":
      return CURRENCY_LITECOIN;
    default:
      fail("invalid currency");
  }
}

/** JSON/text symbol: "", "BTC", "LTC". */
export function currencyText(c: Currency): string {
  return TEXT[c];
}

/** Block-owner fee per issue or transfer, in the currency's smallest unit. */
export function currencyFee(c: Currency): bigint {
  return FEE[c];
}

/**
 * Validates a payment address for `currency` on the given network. Nothing accepts any address (genesis);
 * every currency first rejects more than 64 code points.
 */
export function validateAddress(currency: Currency, address: string | Uint8Array, testnet: boolean): void {
  const bytes = typeof address === "string" ? utf8Bytes(address) : address;
  if (codePointCount(bytes) > MAX_ADDRESS_CODE_POINTS) fail("payment address too long");
  if (currency === CURRENCY_NOTHING) return;
  const text = typeof address === "string" ? address : utf8Text(address);
  if (currency === CURRENCY_BITCOIN) {
    if (validateBitcoinAddress(text).testnet !== testnet) fail("bitcoin address for wrong network");
  } else if (currency === CURRENCY_LITECOIN) {
    if (validateLitecoinAddress(text).testnet !== testnet) fail("litecoin address for wrong network");
  } else fail("invalid currency");
}

/**
 * Packs a currency map: `varint(currency) ‖ lp(address)` for BTC then LTC, empty addresses skipped, each
 * address validated. An entry that is not packed (Nothing, unknown codes, empty address) → "invalid currency".
 */
export function packCurrencyMap(map: CurrencyMap, testnet: boolean): Uint8Array {
  let packed = 0;
  for (const c of CURRENCIES) {
    const address = map.get(c);
    if (address === undefined || address === "") continue;
    validateAddress(c, address, testnet);
    packed++;
  }
  if (packed !== map.size) fail("invalid currency");
  return encodeCurrencyMap(map);
}

/** The packed form of the BTC and LTC entries without any validation (for canonical re-encoding). */
export function encodeCurrencyMap(map: CurrencyMap): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const c of CURRENCIES) {
    const address = map.get(c);
    if (address === undefined || address === "") continue;
    const bytes = utf8Bytes(address);
    parts.push(encodeVarint(c), encodeVarint(bytes.length), bytes);
  }
  return concatBytes(...parts);
}

export interface UnpackedCurrencyMap {
  map: CurrencyMap;
  /** Currencies seen, duplicates once. */
  currencies: Set<Currency>;
}

/**
 * Unpacks a currency map. Duplicate currencies are accepted and the last one wins (quirk #3).
 *
 * `limit` is how far an address may extend: inside a record 8.2 slices the address from the whole record
 * buffer, so a length that overruns the payments field reads on into the following bytes (which then fail
 * address validation); only running past `limit` gives "not transaction pack".
 */
export function unpackCurrencyMap(buf: Uint8Array, testnet: boolean, limit: Uint8Array = buf): UnpackedCurrencyMap {
  if (buf.length < 2) fail("invalid buffer");
  const map: CurrencyMap = new Map();
  const currencies = new Set<Currency>();
  let n = 0;
  while (n < buf.length) {
    const code = decodeVarint(buf, n);
    if (code.count === 0) fail("invalid currency");
    const currency = currencyFromCode(code.value);
    if (currency === CURRENCY_NOTHING) fail("invalid currency");
    currencies.add(currency);
    n += code.count;
    const len = clippedVarint(buf, 1, 255, n);
    if (len.count === 0) fail("invalid count");
    n += len.count;
    // `buf` is a view into `limit`, so reading up to `limit`'s end means crossing into the bytes after buf.
    const start = buf.byteOffset - limit.byteOffset + n;
    if (start + len.value > limit.length) fail("not transaction pack");
    const address = limit.subarray(start, start + len.value);
    n += len.value;
    validateAddress(currency, address, testnet);
    map.set(currency, utf8Text(address));
  }
  return { map, currencies };
}

/** The only payment version of 8.2: BlockFoundation/BlockOwnerTransfer payments are exactly {BTC, LTC}. */
export const PAYMENT_VERSION = 1;

/** True when the currencies are exactly those of payment version 1. */
export function isPaymentVersionSet(currencies: Set<Currency>): boolean {
  return currencies.size === CURRENCIES.length && CURRENCIES.every((c) => currencies.has(c));
}

/**
 * CheckPayments: version must be 1 ("invalid Payment version"), every address valid on `testnet` (checked
 * in ascending currency order), and the currencies exactly {BTC, LTC} ("invalid currency address").
 */
export function checkPayments(version: bigint | number, testnet: boolean, payments: CurrencyMap): void {
  if (BigInt(version) !== BigInt(PAYMENT_VERSION)) fail("invalid Payment version");
  for (const [c, address] of [...payments].sort(([a], [b]) => a - b)) validateAddress(c, address, testnet);
  if (!isPaymentVersionSet(new Set(payments.keys()))) fail("invalid currency address");
}
