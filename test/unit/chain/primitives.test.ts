/** varint, base58, currencies and payment maps, UTF-8 counting, secretbox: table-driven over the fixtures. */
import { describe, expect, test } from "bun:test";
import varints from "../../fixtures/primitives-varint.json";
import base58 from "../../fixtures/primitives-base58.json";
import currencies from "../../fixtures/primitives-currency.json";
import accounts from "../../fixtures/primitives-accounts.json";
import { clippedVarint, decodeVarint, encodeVarint } from "../../../src/encoding/varint.ts";
import { decodeBase58, encodeBase58 } from "../../../src/encoding/base58.ts";
import {
  checkPayments,
  currencyFee,
  currencyFromCode,
  currencyFromText,
  currencyText,
  type Currency,
  type CurrencyMap,
  packCurrencyMap,
  unpackCurrencyMap,
  validateAddress,
} from "../../../src/chain/types/currency.ts";
import { litecoinFromBitcoin, validateBitcoinAddress, validateLitecoinAddress } from "../../../src/chain/types/coin-address.ts";
import { codePointCount, utf8Text } from "../../../src/encoding/utf8.ts";
import { secretboxSeal } from "../../../src/chain/types/secretbox.ts";
import { faultOf } from "../../support/fault.ts";
import { fromHex, toHex } from "../../support/hex.ts";

type AnyCase = { id: string; op: string; input: any; expected: any };
const cases = (f: { cases: unknown[] }, op: string) => (f.cases as AnyCase[]).filter((c) => c.op === op);

describe("varint (util/varint.go)", () => {
  test.each(cases(varints, "encode_decode"))("$id", ({ input, expected }) => {
    const v = BigInt(input.value);
    expect(toHex(encodeVarint(v))).toBe(expected.hex);
    expect(decodeVarint(fromHex(expected.hex))).toEqual({ value: v, count: expected.decoded_count });
    // a following suffix is left untouched
    expect(decodeVarint(fromHex(expected.hex + "ff9723"))).toEqual({ value: v, count: expected.decoded_count });
  });

  test.each(cases(varints, "decode"))("$id", ({ input, expected }) => {
    expect(decodeVarint(fromHex(input.hex))).toEqual({ value: BigInt(expected.value), count: expected.count });
  });

  test.each(cases(varints, "clipped_decode"))("$id", ({ input, expected }) => {
    const buf = fromHex(input.hex);
    expect(clippedVarint(buf, input.min, input.max)).toEqual({ value: expected.value, count: expected.count });
    expect(clippedVarint(buf, input.max, input.min)).toEqual({ value: 0, count: 0 });
  });

  test("bounds: negative or equal bounds always fail; offsets read in place", () => {
    expect(clippedVarint(fromHex("05"), -1, 10)).toEqual({ value: 0, count: 0 });
    expect(clippedVarint(fromHex("05"), 0, -10)).toEqual({ value: 0, count: 0 });
    expect(clippedVarint(fromHex("05"), 5, 5)).toEqual({ value: 0, count: 0 });
    expect(clippedVarint(fromHex("0005"), 1, 10, 1)).toEqual({ value: 5, count: 1 });
    expect(decodeVarint(fromHex("ff8001"), 1)).toEqual({ value: 128n, count: 2 });
  });

  test("every value round-trips through the shortest form; encoding rejects out-of-range values", () => {
    for (const v of [0n, 1n, 0x7fn, 0x80n, 0x3fffn, 0x4000n, (1n << 56n) - 1n, 1n << 56n, (1n << 63n) + 12345n]) {
      const enc = encodeVarint(v);
      expect(decodeVarint(enc)).toEqual({ value: v, count: enc.length });
    }
    expect(() => encodeVarint(-1n)).toThrow();
    expect(() => encodeVarint(1n << 64n)).toThrow();
  });
});

describe("base58 (util/base58.go)", () => {
  test.each(cases(base58, "encode"))("$id", ({ input, expected }) => {
    expect(encodeBase58(fromHex(input.hex))).toBe(expected.base58);
    expect(toHex(decodeBase58(expected.base58))).toBe(input.hex);
  });
  test.each(cases(base58, "decode"))("$id", ({ input, expected }) => {
    expect(toHex(decodeBase58(input.base58))).toBe(expected.hex);
  });
  test("non-ASCII characters and an empty string decode to empty; leading 1s are zero bytes", () => {
    expect(decodeBase58("2gé").length).toBe(0);
    expect(decodeBase58("").length).toBe(0);
    expect(toHex(decodeBase58("11"))).toBe("0000");
    expect(encodeBase58(fromHex("0000"))).toBe("11");
  });
});

const NAMES: Record<string, number> = { Bitcoin: 1, Litecoin: 2 };

function mapOf(entries: [string | number, string][]): CurrencyMap {
  return new Map(entries.map(([c, a]) => [(typeof c === "number" ? c : NAMES[c]!) as Currency, a]));
}

describe("currency (currency/)", () => {
  test.each([...cases(currencies, "validate_bitcoin_address"), ...cases(currencies, "validate_litecoin_address")])("$id", ({ op, input, expected }) => {
    const isBtc = op === "validate_bitcoin_address";
    const validate = isBtc ? validateBitcoinAddress : validateLitecoinAddress;
    const currency: Currency = isBtc ? 1 : 2;
    if (expected.valid) {
      const a = validate(input.address);
      expect(a.version).toBe(expected.version);
      expect(a.testnet).toBe(expected.testnet);
      expect(toHex(a.hash160)).toBe(expected.hash160);
      expect(faultOf(() => validateAddress(currency, input.address, expected.testnet))).toBeUndefined();
      expect(faultOf(() => validateAddress(currency, input.address, !expected.testnet))).toBe(
        isBtc ? "bitcoin address for wrong network" : "litecoin address for wrong network",
      );
    } else {
      expect(faultOf(() => validate(input.address))).toBe(expected.error);
      expect(faultOf(() => validateAddress(currency, input.address, true))).toBe(expected.error);
    }
  });

  test.each(cases(currencies, "litecoin_from_bitcoin"))("$id", ({ input, expected }) => {
    const ltc = litecoinFromBitcoin(input.bitcoin);
    expect(ltc).toBe(expected.litecoin);
    expect(validateLitecoinAddress(ltc).testnet).toBe(expected.testnet);
  });

  test.each(cases(currencies, "currency_map_pack"))("$id", ({ input, expected }) => {
    const map = mapOf(input.map_in_source_order);
    if (expected.error) {
      expect(faultOf(() => packCurrencyMap(map, input.testnet))).toBe(expected.error);
      return;
    }
    const packed = packCurrencyMap(map, input.testnet);
    expect(toHex(packed)).toBe(expected.packed_hex);
    const back = unpackCurrencyMap(packed, input.testnet);
    expect([...back.currencies].map(currencyText).sort()).toEqual(expected.currency_set);
    expect(JSON.stringify(Object.fromEntries([...back.map].sort(([a], [b]) => a - b).map(([c, a]) => [currencyText(c), a])))).toBe(expected.json);
  });

  test.each(cases(currencies, "currency_map_unpack"))("$id", ({ input, expected }) => {
    if (expected.error) {
      expect(faultOf(() => unpackCurrencyMap(fromHex(input.packed_hex), input.testnet))).toBe(expected.error);
      return;
    }
    const { map, currencies: set } = unpackCurrencyMap(fromHex(input.packed_hex), input.testnet);
    expect(Object.fromEntries([...map].map(([c, a]) => [currencyText(c), a]))).toEqual(expected.map);
    expect([...set].map(currencyText).sort()).toEqual(expected.currency_set);
  });

  test.each(cases(currencies, "currency_from_text"))("$id", ({ input, expected }) => {
    if (expected.error) {
      expect(faultOf(() => currencyFromText(input.text))).toBe(expected.error);
      return;
    }
    const c = currencyFromText(input.text);
    expect(c as number).toBe(expected.code);
    expect(JSON.stringify(currencyText(c))).toBe(expected.json);
  });

  test.each(cases(currencies, "currency_fee"))("$id", ({ input, expected }) => {
    expect(currencyFee(input.code)).toBe(BigInt(expected.fee));
  });

  const BTC_T = "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn";
  const LTC_T = "mmCKZS7toE69QgXNs1JZcjW6LFj8LfUbz6";
  const BTC_L = "17VZNX1SN5NtKa8UQFxwQbFeFc3iqRYhem";

  test("codes: 0..2 valid, 3 and above invalid", () => {
    expect(currencyFromCode(2n)).toBe(2);
    expect(faultOf(() => currencyFromCode(3n))).toBe("invalid currency");
    expect(faultOf(() => currencyFromCode(1n << 63n))).toBe("invalid currency");
  });

  test("address validation: code points > 64 first, Nothing accepts anything else", () => {
    expect(faultOf(() => validateAddress(0, "x".repeat(64), true))).toBeUndefined();
    expect(faultOf(() => validateAddress(0, "é".repeat(65), true))).toBe("payment address too long");
    expect(faultOf(() => validateAddress(1, "x".repeat(65), false))).toBe("payment address too long");
    // 64 two-byte code points are 128 bytes but only 64 code points
    expect(faultOf(() => validateAddress(0, "é".repeat(64), false))).toBeUndefined();
  });

  // derived from currency/mapped.go: duplicates accepted, last wins (quirk #3); every error of UnpackMap
  const entry = (c: number, a: string) => toHex(Uint8Array.of(c, a.length)) + Buffer.from(a).toString("hex");
  const unpackTable: [string, string, boolean, string | Record<string, string>][] = [
    ["duplicate BTC, last wins", entry(1, BTC_T) + entry(2, LTC_T) + entry(1, "2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc"), true, { BTC: "2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc", LTC: LTC_T }],
    ["shorter than 2 bytes", "01", true, "invalid buffer"],
    ["empty", "", true, "invalid buffer"],
    ["truncated currency varint", entry(1, BTC_T) + "80", true, "invalid currency"],
    ["currency 3", entry(3, BTC_T), true, "invalid currency"],
    ["address length 0", "0100" + entry(2, LTC_T), true, "invalid count"],
    ["address length 256", "01" + "8002" + entry(2, LTC_T), true, "invalid count"],
    ["address past the end", "0122" + Buffer.from(BTC_T.slice(0, 10)).toString("hex"), true, "not transaction pack"],
    ["testnet address on live", entry(1, BTC_T), false, "bitcoin address for wrong network"],
    ["live address on testnet", entry(1, BTC_L), true, "bitcoin address for wrong network"],
    ["address too long", "01" + "41" + "31".repeat(65), true, "payment address too long"],
  ];
  test.each(unpackTable)("unpack: %s", (_name, packed, testnet, want) => {
    if (typeof want === "string") {
      expect(faultOf(() => unpackCurrencyMap(fromHex(packed), testnet))).toBe(want);
      return;
    }
    const { map } = unpackCurrencyMap(fromHex(packed), testnet);
    expect(Object.fromEntries([...map].map(([c, a]) => [currencyText(c), a]))).toEqual(want);
  });

  test("an address may run past its field into the surrounding buffer (8.2 slices from the record)", () => {
    const whole = fromHex(entry(1, BTC_T));
    // the field claims 10 bytes only; the address continues into the rest of the buffer and is valid
    const field = whole.subarray(0, 10);
    expect(faultOf(() => unpackCurrencyMap(field, true))).toBe("not transaction pack");
    expect(unpackCurrencyMap(field, true, whole).map.get(1)).toBe(BTC_T);
  });

  // derived from transactionrecord/pack.go CheckPayments
  const both = (btc: string, ltc: string): CurrencyMap => new Map<Currency, string>([[1, btc], [2, ltc]]);
  const checkTable: [string, number | bigint, boolean, CurrencyMap, string | undefined][] = [
    ["version 1, BTC+LTC", 1, true, both(BTC_T, LTC_T), undefined],
    ["version 0", 0, true, both(BTC_T, LTC_T), "invalid Payment version"],
    ["version 2", 2, true, both(BTC_T, LTC_T), "invalid Payment version"],
    ["huge version", (1n << 64n) - 1n, true, both(BTC_T, LTC_T), "invalid Payment version"],
    ["BTC only", 1, true, new Map<Currency, string>([[1, BTC_T]]), "invalid currency address"],
    ["extra Nothing entry", 1, true, new Map<Currency, string>([[0, "x"], [1, BTC_T], [2, LTC_T]]), "invalid currency address"],
    ["wrong network", 1, false, both(BTC_T, LTC_T), "bitcoin address for wrong network"],
    ["bad litecoin address", 1, true, both(BTC_T, LTC_T.slice(0, -1) + "7"), "invalid litecoin address"],
  ];
  test.each(checkTable)("CheckPayments: %s", (_name, version, testnet, map, want) => {
    expect(faultOf(() => checkPayments(version, testnet, map))).toBe(want);
  });

  test("pack skips empty addresses and then reports the unpacked entry", () => {
    expect(faultOf(() => packCurrencyMap(new Map<Currency, string>([[1, ""], [2, LTC_T]]), true))).toBe("invalid currency");
  });
});

describe("UTF-8 as Go counts it", () => {
  const table: [string, string, number, string][] = [
    ["ASCII", "616263", 3, "abc"],
    ["two-byte", "c3a9", 1, "é"],
    ["four-byte", "f09f9880", 1, "😀"],
    ["lone continuation", "80", 1, "\ufffd"],
    ["truncated three-byte", "e282", 2, "\ufffd\ufffd"],
    ["overlong", "c0af", 2, "\ufffd\ufffd"],
    ["surrogate", "eda080", 3, "\ufffd\ufffd\ufffd"],
    ["above U+10FFFF", "f4908080", 4, "\ufffd\ufffd\ufffd\ufffd"],
    ["mixed", "41ff42", 3, "A\ufffdB"],
  ];
  test.each(table)("%s", (_name, h, count, text) => {
    expect(codePointCount(fromHex(h))).toBe(count);
    expect(utf8Text(fromHex(h))).toBe(text);
  });
});

describe("secretbox (XSalsa20-Poly1305) seed derivation", () => {
  const seeds = (accounts.cases as AnyCase[]).filter((c) => c.op === "seed_to_keys");
  test.each(seeds)("$id", ({ expected }) => {
    const secret = fromHex(expected.seed_bytes).subarray(4, 36);
    const message = new Uint8Array(16);
    message.set([0x03, 0xe7], 14);
    expect(toHex(secretboxSeal(message, new Uint8Array(24), secret))).toBe(expected.ed25519_seed_secretbox_output);
  });
  test("NaCl test vector (secretbox of the 131-byte message in nacl/tests/secretbox.c)", () => {
    // key, nonce and message of the classic NaCl box example (firstkey / nonce / m), first 16 tag bytes known
    const key = fromHex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
    const nonce = fromHex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");
    const m = fromHex(
      "be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffce5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb310e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f937763848645e0705",
    );
    const boxed = secretboxSeal(m, nonce, key);
    expect(toHex(boxed.subarray(0, 16))).toBe("f3ffc7703f9400e52a7dfb4b3d3305d9");
    expect(toHex(boxed.subarray(16, 32))).toBe("8e993b9f48681273c29650ba32fc76ce");
  });
});
