/**
 * From a currency transaction to the verified pool (SetTransferVerified, records.md §10.7 "acceptable",
 * proof.md §8.1): a pending transfer becomes verified only when one alternative is paid in full to the right
 * addresses in its currency; a payment seen before its transfer is kept as an orphan and applied when the
 * transfer arrives, for 72 h (injected clock). Transfers come from the reservoir fakes (issue confirmed in block
 * 10, fees of block 10 to the testnet BTC/LTC addresses; never transferred, so each fee is doubled).
 */
import { describe, expect, test } from "bun:test";
import { CURRENCY_BITCOIN, CURRENCY_LITECOIN, type Currency } from "../../../src/chain/types/currency.ts";
import { activeBackend } from "../../../src/crypto/index.ts";
import { parseChainJson } from "../../../src/payment/chain-json.ts";
import { inspectTransaction } from "../../../src/payment/inspect.ts";
import { Reservoir } from "../../../src/reservoir/reservoir.ts";
import { TransactionState } from "../../../src/reservoir/status.ts";
import { toHex } from "../../support/hex.ts";
import { asset, assetIdOf, BTC, fakeClock, FakeChain, HOUR, issue, LTC, transferTo, vectors } from "../../support/reservoir-fakes.ts";

const hash = activeBackend();

function setup() {
  const chain = new FakeChain();
  const a = asset("fingerprint-payment");
  chain.confirmAsset(a, 10);
  const link = chain.confirmIssue(issue(assetIdOf(a), 1n), 10);
  const clock = fakeClock();
  const r = new Reservoir({ chain: "testing", view: chain, hash, clock });
  return { r, clock, transfer: transferTo(link) };
}

/** A bitcoind-style transaction paying `outputs` with `payId` in an OP_RETURN. */
function paymentTx(payId: Uint8Array, outputs: [string, string][]): unknown {
  const vouts = [
    `{"value":0,"scriptPubKey":{"hex":"6a30${toHex(payId)}","addresses":[]}}`,
    ...outputs.map(([address, value]) => `{"value":${value},"scriptPubKey":{"hex":"76a914","addresses":["${address}"]}}`),
  ];
  return parseChainJson(`{"txid":"${"ab".repeat(32)}","vout":[${vouts.join(",")}]}`);
}

function pay(r: Reservoir, currency: Currency, payId: Uint8Array, outputs: [string, string][]) {
  const found = inspectTransaction(paymentTx(payId, outputs), currency);
  if (!("payment" in found)) throw new Error(found.ignored);
  return r.setTransferVerified(found.payment.payId, found.payment.detail);
}

describe("a payment for a pending transfer", () => {
  const cases: [string, Currency, [string, string][], boolean][] = [
    ["BTC: doubled fee to the BTC address", CURRENCY_BITCOIN, [[BTC, "0.0002"]], true],
    ["BTC: more than asked", CURRENCY_BITCOIN, [[BTC, "0.001"]], true],
    ["BTC: in two outputs adding up", CURRENCY_BITCOIN, [[BTC, "0.0001"], [BTC, "0.0001"]], true],
    ["BTC: one satoshi short", CURRENCY_BITCOIN, [[BTC, "0.00019999"]], false],
    ["BTC: single fee only", CURRENCY_BITCOIN, [[BTC, "0.0001"]], false],
    ["BTC: to another address", CURRENCY_BITCOIN, [[vectors.addresses_testnet.btc_other, "1"]], false],
    ["BTC amount but on the Litecoin chain", CURRENCY_LITECOIN, [[BTC, "0.0002"]], false],
    ["LTC: doubled fee to the LTC address", CURRENCY_LITECOIN, [[LTC, "0.002"]], true],
    ["LTC: paid to the BTC-address text on Litecoin", CURRENCY_LITECOIN, [[BTC, "1"]], false],
    ["LTC: the BTC-sized amount", CURRENCY_LITECOIN, [[LTC, "0.0002"]], false],
  ];
  for (const [name, currency, outputs, verified] of cases) {
    test(name, () => {
      const { r, transfer } = setup();
      const { info } = r.storeTransfer(transfer);
      expect(pay(r, currency, info.payId, outputs)).toBe(verified ? "verified" : "orphan");
      expect(r.transactionStatus(info.txId)).toBe(verified ? TransactionState.Verified : TransactionState.Pending);
      expect(r.fetchVerified(10).txIds.map(toHex)).toEqual(verified ? [toHex(info.txId)] : []);
    });
  }
});

describe("orphan payments", () => {
  test("a payment seen before its transfer verifies the transfer when it arrives", () => {
    const { r, transfer } = setup();
    const payId = hash.sha3_384(r.storeTransfer(transfer).info.packed);
    // a fresh reservoir that has not seen the transfer yet
    const fresh = setup();
    expect(pay(fresh.r, CURRENCY_LITECOIN, payId, [[LTC, "0.002"]])).toBe("orphan");
    expect(fresh.r.orphanCounts()).toEqual(new Map([[CURRENCY_LITECOIN, 1]]));
    fresh.clock.advance(71 * HOUR);
    fresh.r.expire();
    const { info } = fresh.r.storeTransfer(fresh.transfer);
    expect(toHex(info.payId)).toBe(toHex(payId));
    expect(fresh.r.transactionStatus(info.txId)).toBe(TransactionState.Verified);
    expect(fresh.r.sizes().orphans).toBe(0);
  });

  test("an insufficient orphan does not verify the transfer", () => {
    const { r, transfer } = setup();
    const payId = hash.sha3_384(setup().r.storeTransfer(setup().transfer).info.packed);
    pay(r, CURRENCY_BITCOIN, payId, [[BTC, "0.0001"]]);
    const { info } = r.storeTransfer(transfer);
    expect(r.transactionStatus(info.txId)).toBe(TransactionState.Pending);
  });

  test("an orphan is forgotten after 72 h", () => {
    const { r, transfer, clock } = setup();
    const payId = hash.sha3_384(setup().r.storeTransfer(setup().transfer).info.packed);
    pay(r, CURRENCY_BITCOIN, payId, [[BTC, "0.0002"]]);
    clock.advance(72 * HOUR);
    r.expire();
    expect(r.sizes().orphans).toBe(0);
    const { info } = r.storeTransfer(transfer);
    expect(r.transactionStatus(info.txId)).toBe(TransactionState.Pending);
  });

  test("the orphan pool is capped: further payments are dropped", () => {
    const chain = new FakeChain();
    const r = new Reservoir({ chain: "testing", view: chain, hash, limits: { maxOrphans: 2 } });
    const ids = [1, 2, 3].map((n) => new Uint8Array(48).fill(n));
    expect(ids.map((id) => pay(r, CURRENCY_BITCOIN, id, [[BTC, "1"]]))).toEqual(["orphan", "orphan", "dropped"]);
    expect(pay(r, CURRENCY_BITCOIN, ids[0]!, [[BTC, "2"]])).toBe("orphan"); // replacing an existing one is fine
  });
});

describe("a payment for pending issues", () => {
  /** Two issues of an asset confirmed in block 10 (fees to BTC/LTC): a payment alternative of 2 × fee per currency. */
  function issues(confirmedAsset: boolean) {
    const chain = new FakeChain();
    const a = asset("fingerprint-paid-issue");
    if (confirmedAsset) {
      chain.confirmAsset(a, 10);
      chain.setBlockPayment(10);
    }
    const r = new Reservoir({ chain: "testing", view: chain, hash });
    if (!confirmedAsset) r.assets.cache(a);
    const { info } = r.storeIssues([issue(assetIdOf(a), 1n), issue(assetIdOf(a), 2n)]);
    return { r, info };
  }
  const cases: [string, boolean, Currency, [string, string][], boolean][] = [
    ["paid issues: 2 × BTC fee", true, CURRENCY_BITCOIN, [[BTC, "0.0002"]], true],
    ["paid issues: one BTC fee only", true, CURRENCY_BITCOIN, [[BTC, "0.0001"]], false],
    ["paid issues: 2 × LTC fee", true, CURRENCY_LITECOIN, [[LTC, "0.002"]], true],
    ["proof-only issues: any payment under their pay id (quirk #9)", false, CURRENCY_BITCOIN, [["anyone", "0.00000001"]], true],
  ];
  for (const [name, confirmedAsset, currency, outputs, verified] of cases) {
    test(name, () => {
      const { r, info } = issues(confirmedAsset);
      expect(info.payments === null).toBe(!confirmedAsset);
      expect(pay(r, currency, info.payId, outputs)).toBe(verified ? "verified" : "orphan");
      for (const txId of info.txIds) expect(r.transactionStatus(txId)).toBe(verified ? TransactionState.Verified : TransactionState.Pending);
    });
  }
});
