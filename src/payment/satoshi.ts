/**
 * Coin amounts as the currency nodes print them (currency/satoshi `FromByteString`): the raw JSON number text
 * of `vout[].value`, e.g. `0.00020000`, scaled to 10^-8 units (`0.0001` → 10000n). As in 8.2, digits after the
 * 8th decimal are ignored.
 *
 * Deviations: 8.2 skips every character that is not a digit or `.`, so `-0.0002` pays 20000 and `2e-4` pays
 * 2400000000; a second `.` is skipped too, and the total wraps at 2^64. bunmark only takes plain decimal
 * text (no sign, no exponent, one point) of at most 8 integer digits (10^8 coins, above any supply); anything
 * else is not an amount — bitcoind and litecoind never print another form.
 */

const PLAIN_DECIMAL = /^(\d{1,8})(?:\.(\d+))?$/;
const DECIMALS = 8;

/** Satoshis for a raw JSON number text, or undefined when the text is not a plain decimal amount. */
export function parseSatoshi(text: string): bigint | undefined {
  const [, whole, decimals = ""] = PLAIN_DECIMAL.exec(text) ?? [];
  if (whole === undefined) return undefined;
  return BigInt(whole + decimals.slice(0, DECIMALS).padEnd(DECIMALS, "0"));
}
