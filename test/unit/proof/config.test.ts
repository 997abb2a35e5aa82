/** The `proofing` section (proof.md §9.1): defaults, paths, payment address checks, unknown keys. */
import { expect, test } from "bun:test";
import { CURRENCY_BITCOIN, CURRENCY_LITECOIN } from "../../../src/chain/types/currency.ts";
import { join } from "node:path";
import { parseProofing, paymentMap, proofingOnChain } from "../../../src/proof/config.ts";

/** The section as buildConfig takes it: parsed, then placed on a chain with the data directory /d. */
const onChain = (section: unknown, testnet: boolean) => {
  const c = parseProofing(section);
  return c && proofingOnChain(c, (n) => (n.startsWith("/") ? n : join("/d", n)), testnet);
};

const BTC = "msxN7C7cRNgbgyUzt3EcvrpmWXc59sZVN4";
const LTC = "mjPkDNakVA4w4hJZ6WF7p8yKUV2merhyCM";
const ok = { publish: ["127.0.0.1:2140"], submit: "127.0.0.1:2141", payment_address: { bitcoin: BTC, LTC } };

test("defaults and resolved paths", () => {
  expect(onChain(undefined, true)).toBeUndefined();
  const c = onChain({ ...ok, signing_key: "/abs/key.sign" }, true)!;
  expect(c).toEqual({
    publish: ["127.0.0.1:2140"],
    submit: ["127.0.0.1:2141"],
    public_key: "/d/proof.public",
    private_key: "/d/proof.private",
    signing_key: "/abs/key.sign",
    payment_address: { bitcoin: BTC, litecoin: LTC },
  });
  expect(paymentMap(c)).toEqual(new Map([[CURRENCY_BITCOIN, BTC], [CURRENCY_LITECOIN, LTC]]));
});

const rows: [string, unknown, boolean, RegExp][] = [
  ["misspelt key", { ...ok, signing_keys: "x" }, true, /^proofing\.signing_keys: unknown key \(did you mean signing_key\?\)$/],
  ["no submit address", { ...ok, submit: [] }, true, /proofing\.publish and proofing\.submit/],
  ["missing litecoin", { ...ok, payment_address: { btc: BTC } }, true, /proofing\.payment_address\.litecoin: missing/],
  ["unsupported currency", { ...ok, payment_address: { bitcoin: BTC, litecoin: LTC, doge: "x" } }, true, /doge: currency is not supported by proofer/],
  ["wrong network", ok, false, /proofing\.payment_address\.bitcoin: bitcoin address for wrong network/],
  ["not an object", [], true, /proofing must be an object/],
];
for (const [name, section, testnet, error] of rows) {
  test(name, () => expect(() => onChain(section, testnet)).toThrow(error));
}
