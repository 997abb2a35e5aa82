/**
 * §8.1 payment inspection and satoshi parsing, table-driven. Provenance: every transaction below is written by
 * hand in bitcoind's verbose JSON shape (`txid`, `vout[].value`, `vout[].scriptPubKey.{hex,addresses}`) from
 * proof.md §8.1/§8.3 and payment/bitcoin.go `inspectBitcoinTx` (read for facts, not copied); the satoshi
 * cases follow currency/satoshi `FromByteString` where bunmark keeps 8.2's behaviour, and the header of
 * src/payment/satoshi.ts where it deliberately does not.
 */
import { describe, expect, test } from "bun:test";
import { CURRENCY_BITCOIN, CURRENCY_LITECOIN } from "../../../src/chain/types/currency.ts";
import { parseChainJson, rawNumberText } from "../../../src/payment/chain-json.ts";
import { inspectTransaction, MAX_OUTPUTS } from "../../../src/payment/inspect.ts";
import { parseSatoshi } from "../../../src/payment/satoshi.ts";

describe("parseSatoshi", () => {
  const cases: [string, bigint | undefined][] = [
    ["0.0001", 10000n],
    ["0.00020000", 20000n],
    ["0.00000001", 1n],
    ["1", 100000000n],
    ["21000000", 2100000000000000n],
    ["12.5", 1250000000n],
    ["0", 0n],
    ["0.123456789", 12345678n], // 8.2 stops after the 8th decimal
    ["0.99999999999", 99999999n],
    // bunmark refuses what 8.2 misreads (8.2: -0.0002 → 20000, 2e-4 → 2400000000, 1E5 → 1500000000)
    ["-0.0002", undefined],
    ["2e-4", undefined],
    ["1E5", undefined],
    ["1.5e3", undefined],
    ["1.2.3", undefined],
    ["", undefined],
    [".5", undefined],
    ["123456789", undefined], // 10^8 coins or more: above any supply
    ['"0.1"', undefined],
  ];
  for (const [text, want] of cases) test(JSON.stringify(text), () => expect(parseSatoshi(text)).toBe(want));
});

const PAY_ID = "a1".repeat(48);
const PAY_ID_2 = "b2".repeat(48);
const TXID = "c3".repeat(32);
const opReturn = (payId: string, value = "0") => `{"value":${value},"scriptPubKey":{"hex":"6a30${payId}","addresses":[]}}`;
const out = (value: string, ...addresses: string[]) => `{"value":${value},"scriptPubKey":{"hex":"76a914","addresses":${JSON.stringify(addresses)}}}`;
const tx = (...vouts: string[]) => `{"txid":"${TXID}","vout":[${vouts.join(",")}]}`;

describe("inspectTransaction", () => {
  type Want = { payId: string; amounts: Record<string, bigint> } | string;
  const cases: [string, string, Want][] = [
    ["§8.3 example", tx(opReturn(PAY_ID, "0.0002"), out("0.0002", "mAddr")), { payId: PAY_ID, amounts: { mAddr: 20000n } }],
    ["pay id after the payment", tx(out("0.0001", "a"), opReturn(PAY_ID)), { payId: PAY_ID, amounts: { a: 10000n } }],
    ["several OP_RETURNs: the last wins", tx(opReturn(PAY_ID), out("0.0001", "a"), opReturn(PAY_ID_2)), { payId: PAY_ID_2, amounts: { a: 10000n } }],
    ["amounts to one address add up", tx(opReturn(PAY_ID), out("0.0001", "a"), out("0.00005", "a"), out("1", "b")), { payId: PAY_ID, amounts: { a: 15000n, b: 100000000n } }],
    ["outputs with 0 or 2 addresses do not count", tx(opReturn(PAY_ID), out("1", "a", "b"), out("1"), out("0.1", "c")), { payId: PAY_ID, amounts: { c: 10000000n } }],
    ["raw text kept: 0.00020001 exactly", tx(opReturn(PAY_ID), out("0.00020001", "a")), { payId: PAY_ID, amounts: { a: 20001n } }],
    ["upper-case pay id hex", tx(opReturn(PAY_ID.toUpperCase()), out("1", "a")), { payId: PAY_ID, amounts: { a: 100000000n } }],
    ["no pay id", tx(out("1", "a")), "no pay id"],
    ["pay id without amounts", tx(opReturn(PAY_ID), out("1", "a", "b")), "pay id but no payments"],
    ["bad pay id hex aborts", tx(opReturn("zz".repeat(48)), out("1", "a")), "invalid pay id"],
    ["OP_RETURN of another length is an ordinary output", tx(`{"value":0,"scriptPubKey":{"hex":"6a30${PAY_ID}00","addresses":[]}}`, out("1", "a")), "no pay id"],
    ["OP_RETURN prefix is case-sensitive (8.2)", tx(`{"value":0,"scriptPubKey":{"hex":"6A30${PAY_ID}","addresses":[]}}`, out("1", "a")), "no pay id"],
    ["txid not hex", `{"txid":"xyz","vout":[${opReturn(PAY_ID)},${out("1", "a")}]}`, "invalid tx id"],
    ["txid odd length", `{"txid":"abc","vout":[${opReturn(PAY_ID)},${out("1", "a")}]}`, "invalid tx id"],
    ["txid a number", `{"txid":5,"vout":[${opReturn(PAY_ID)},${out("1", "a")}]}`, "invalid tx id"],
    ["vout an object", `{"txid":"${TXID}","vout":{}}`, "vout is not a list"],
    ["output a string", tx(opReturn(PAY_ID), `"x"`), "output is not an object"],
    ["addresses a string", tx(opReturn(PAY_ID), `{"value":1,"scriptPubKey":{"hex":"","addresses":"a"}}`), "scriptPubKey has wrong types"],
    ["address a number", tx(opReturn(PAY_ID), `{"value":1,"scriptPubKey":{"hex":"","addresses":[7]}}`), "scriptPubKey has wrong types"],
    ["hex a number", tx(opReturn(PAY_ID), `{"value":1,"scriptPubKey":{"hex":6,"addresses":["a"]}}`), "scriptPubKey has wrong types"],
    ["negative value", tx(opReturn(PAY_ID), out("-0.0002", "a")), "invalid value"],
    ["exponent value", tx(opReturn(PAY_ID), out("2e-4", "a")), "invalid value"],
    ["value as a string", tx(opReturn(PAY_ID), out('"0.0002"', "a")), "invalid value"],
    ["value missing", tx(opReturn(PAY_ID), `{"scriptPubKey":{"hex":"","addresses":["a"]}}`), "invalid value"],
    ["not an object", `[1,2]`, "not a transaction object"],
  ];
  for (const [name, text, want] of cases) {
    test(name, () => {
      const r = inspectTransaction(parseChainJson(text), CURRENCY_LITECOIN);
      if (typeof want === "string") {
        expect(r).toEqual({ ignored: want });
        return;
      }
      if (!("payment" in r)) throw new Error(`ignored: ${r.ignored}`);
      expect(Buffer.from(r.payment.payId).toString("hex")).toBe(want.payId);
      expect(Object.fromEntries(r.payment.detail.amounts)).toEqual(want.amounts);
      expect(r.payment.detail).toMatchObject({ currency: CURRENCY_LITECOIN, txId: TXID });
    });
  }

  test("more than MAX_OUTPUTS outputs: ignored without looking further", () => {
    const vouts = Array.from({ length: MAX_OUTPUTS + 1 }, () => out("1", "a"));
    expect(inspectTransaction(parseChainJson(tx(opReturn(PAY_ID), ...vouts)), CURRENCY_BITCOIN)).toEqual({ ignored: "too many outputs" });
  });

  test("a float64-parsed value is not accepted (the raw text is required)", () => {
    expect(inspectTransaction(JSON.parse(tx(opReturn(PAY_ID), out("0.0002", "a"))), CURRENCY_BITCOIN)).toEqual({ ignored: "invalid value" });
  });
});

describe("parseChainJson keeps `value` number texts", () => {
  test("numbers under `value` keep their text; other numbers and strings stay as they are", () => {
    const v = parseChainJson(`{"value" : 0.00020001,"n":1,"s":"a \\"value\\": 5 b","o":{"value":"1"},"l":[{"value":-1e-5}]}`) as Record<string, any>;
    expect(rawNumberText(v.value)).toBe("0.00020001");
    expect(v.n).toBe(1);
    expect(v.s).toBe('a "value": 5 b');
    expect(rawNumberText(v.o.value)).toBeUndefined();
    expect(rawNumberText(v.l[0].value)).toBe("-1e-5");
  });
  test("input cannot forge a kept text", () => {
    const forged = parseChainJson(`{"value":{"raw-number-0000000000000000":"1"}}`) as Record<string, unknown>;
    expect(rawNumberText(forged.value)).toBeUndefined();
    expect(rawNumberText(1)).toBeUndefined();
  });
  test("malformed JSON still fails", () => expect(() => parseChainJson(`{"value":1`)).toThrow());
});
