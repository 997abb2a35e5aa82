/**
 * The REST source end to end against a fake bitcoind/litecoind REST interface (test/support/fake-rest.ts,
 * Bun.serve serving bitcoind-format JSON): a paid transfer is verified only once its payment has more than 3
 * confirmations and only when it pays enough to the right address; a payment confirmed before its transfer is
 * applied when the transfer arrives; HTTP 500, hangs, malformed JSON, wrong types, huge arrays and bodies,
 * negative and exponent values are survived without verifying anything wrongly. Litecoin's network check.
 *
 * The reservoir is in-process over the reservoir fakes (test/support/payment-fakes.ts); a paid transfer reaching a
 * block on every node is payment-block.test.ts.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { systemClock } from "../../src/base/clock.ts";
import { quietLogsWhileRunning } from "../support/harness/profile.ts";
import type { ChainName } from "../../src/chain/types/chains.ts";
import { PaymentWatcher } from "../../src/payment/watcher.ts";
import { Reservoir } from "../../src/reservoir/reservoir.ts";
import { TransactionState } from "../../src/reservoir/status.ts";
import { FakeRest } from "../support/fake-rest.ts";
import { paymentTx, paymentWorld } from "../support/payment-fakes.ts";
import { BTC, LTC } from "../support/reservoir-fakes.ts";

const running: { stop(): unknown }[] = [];

quietLogsWhileRunning("error");
afterEach(async () => {
  for (const r of running.splice(0).reverse()) await r.stop();
});

function servers(): { btc: FakeRest; ltc: FakeRest } {
  const btc = FakeRest.start({ old: 5, recent: 10 });
  const ltc = FakeRest.start({ old: 5, recent: 10 });
  running.push(btc, ltc);
  return { btc, ltc };
}

function startWatcher(btc: FakeRest, ltc: FakeRest, reservoir: Reservoir, chain: ChainName = "testing"): PaymentWatcher {
  const w = PaymentWatcher.start({
    config: { use_discovery: false, bitcoin: { url: btc.url }, litecoin: { url: ltc.url } },
    chain,
    reservoir,
    clock: systemClock,
    timing: { checkIntervalMs: 100, requestTimeoutMs: 400 },
  });
  running.push(w);
  return w;
}

async function eventually(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not reached in time");
    await Bun.sleep(20);
  }
}

/** Waits until the source has asked for the header at least `checks` more times (so it has seen the current tip). */
async function checked(rest: FakeRest, checks = 2): Promise<void> {
  const target = rest.count("/rest/headers/") + checks;
  await eventually(() => rest.count("/rest/headers/") >= target);
}

describe("REST source", () => {
  test("verified only after more than 3 confirmations, and only when enough goes to the right address", async () => {
    const { reservoir, transfers } = paymentWorld(2, "fingerprint-rest");
    const paid = reservoir.storeTransfer(transfers[0]!).info;
    const short = reservoir.storeTransfer(transfers[1]!).info;
    const { btc, ltc } = servers();
    btc.mine([paymentTx(paid.payId, [[BTC, "0.00020000"]]), paymentTx(short.payId, [[BTC, "0.00019999"]]), paymentTx(short.payId, [[LTC, "1.0"]])]);
    const w = startWatcher(btc, ltc, reservoir);
    await eventually(() => w.status().BTC!.state === "running");
    for (let confirmations = 1; confirmations <= 3; confirmations++) {
      await checked(btc);
      expect(reservoir.transactionStatus(paid.txId)).toBe(TransactionState.Pending);
      if (confirmations < 3) btc.mine();
    }
    btc.mine(); // 4 confirmations
    await eventually(() => reservoir.transactionStatus(paid.txId) === TransactionState.Verified);
    expect(reservoir.transactionStatus(short.txId)).toBe(TransactionState.Pending);
    const s = w.status().BTC!;
    expect(s).toMatchObject({ source: "rest", paymentsSeen: 3, paymentsMatched: 1 });
    expect(s.lastBlock).toBe(btc.tip.height - 3);
    expect(w.status().LTC).toMatchObject({ source: "rest", state: "running", paymentsSeen: 0 });
    // the first walk went back to the first block older than 72 h and no further
    expect(btc.requests).toContain(`/rest/block/${btc.blocks[4]!.hash}.json`);
    expect(btc.requests).not.toContain(`/rest/block/${btc.blocks[3]!.hash}.json`);
  }, 30_000);

  test("a payment already confirmed in the look-back is found by the backward walk; before its transfer it is an orphan applied on arrival", async () => {
    const { reservoir, transfers, payIdOf } = paymentWorld(1, "fingerprint-rest");
    const { btc, ltc } = servers();
    ltc.mine([paymentTx(payIdOf(0), [[LTC, "0.002"]])]);
    for (let i = 0; i < 4; i++) ltc.mine();
    const w = startWatcher(btc, ltc, reservoir);
    await eventually(() => w.status().LTC!.orphansHeld === 1);
    const { info } = reservoir.storeTransfer(transfers[0]!);
    expect(reservoir.transactionStatus(info.txId)).toBe(TransactionState.Verified);
    expect(reservoir.sizes().orphans).toBe(0);
  }, 30_000);

  test("chaininfo failing at start is retried with back-off; the node side never crashes", async () => {
    const { reservoir, transfers } = paymentWorld(1, "fingerprint-rest");
    const { info } = reservoir.storeTransfer(transfers[0]!);
    const { btc, ltc } = servers();
    btc.fault = (p) => (p.endsWith("chaininfo.json") ? new Response("down", { status: 500 }) : undefined);
    const w = startWatcher(btc, ltc, reservoir);
    await eventually(() => btc.count("/rest/chaininfo.json") >= 2, 10_000);
    expect(w.status().BTC).toMatchObject({ state: "chaininfo failed" });
    expect(w.status().BTC!.lastError).toContain("status: 500");
    btc.fault = () => undefined;
    btc.mine([paymentTx(info.payId, [[BTC, "0.0002"]])]);
    for (let i = 0; i < 3; i++) btc.mine();
    await eventually(() => reservoir.transactionStatus(info.txId) === TransactionState.Verified, 20_000);
  }, 40_000);

  test("hostile answers (500, hang, malformed JSON, wrong types, huge arrays and bodies, negative and exponent values) verify nothing and are survived", async () => {
    const { reservoir, transfers } = paymentWorld(1, "fingerprint-rest");
    const { info } = reservoir.storeTransfer(transfers[0]!);
    const { btc, ltc } = servers();
    const w = startWatcher(btc, ltc, reservoir);
    await eventually(() => w.status().BTC!.state === "running");
    await checked(btc);

    // a confirmed block of payments that must not count
    btc.mine([
      paymentTx(info.payId, [[BTC, "-0.0002"]]),
      paymentTx(info.payId, [[BTC, "2e-4"]]),
      paymentTx(info.payId, [[BTC, "2E+5"]]),
      paymentTx(info.payId, [[BTC, '"0.0002"']]),
      paymentTx(info.payId, [[BTC, "0.00019999999"]]), // 8 decimals kept: one satoshi short
      `{"txid":"${"ab".repeat(32)}","vout":{"value":1}}`,
      `"not a transaction"`,
    ]);
    for (let i = 0; i < 3; i++) btc.mine();
    const header = (path: string) => path.startsWith("/rest/headers/");
    const hostile: [string, (path: string) => Response | "hang" | undefined][] = [
      ["500", (p) => (header(p) ? new Response("boom", { status: 500 }) : undefined)],
      ["hang", (p) => (header(p) ? "hang" : undefined)],
      ["malformed JSON", (p) => (header(p) ? new Response("[{") : undefined)],
      ["headers not a list", (p) => (header(p) ? new Response(`{"hash":1}`) : undefined)],
      ["confirmations a string", (p) => (header(p) ? new Response(`[{"hash":"${"00".repeat(32)}","height":1,"confirmations":"9"}]`) : undefined)],
      ["huge headers body", (p) => (header(p) ? new Response(`[${" ".repeat(2 * 1024 * 1024)}]`) : undefined)],
      ["a block with too many transactions", (p) => (p.startsWith("/rest/block/") ? new Response(`{"hash":"${"00".repeat(32)}","height":1,"confirmations":9,"time":1,"tx":[${"0,".repeat(100_000)}0]}`) : undefined)],
      ["a block hash that is a path", (p) => (p.startsWith("/rest/block/") ? new Response(`{"hash":"../../etc","height":1,"confirmations":9,"time":1,"tx":[]}`) : undefined)],
    ];
    for (const [name, fault] of hostile) {
      btc.fault = fault;
      btc.mine(); // makes the next block due, so block faults are met by a walk
      const before = btc.requests.length;
      await eventually(() => w.status().BTC!.state === "check failed" && btc.requests.length > before + 1, 10_000).catch(() => {
        throw new Error(`no failed check seen for: ${name} (${w.status().BTC!.state})`);
      });
      btc.fault = () => undefined;
      await eventually(() => w.status().BTC!.state === "running", 10_000);
    }
    await checked(btc);
    expect(reservoir.transactionStatus(info.txId)).toBe(TransactionState.Pending);
    expect(w.status().BTC!.paymentsMatched).toBe(0);
    expect(w.status().BTC!.malformed).toBeGreaterThanOrEqual(6);

    // still working: a proper payment is verified
    btc.mine([paymentTx(info.payId, [[BTC, "0.0002"]])]);
    for (let i = 0; i < 3; i++) btc.mine();
    await eventually(() => reservoir.transactionStatus(info.txId) === TransactionState.Verified);
  }, 60_000);

  test("Litecoin must be on main for the bitmark chain (invalid chain, source stopped); testing accepts any", async () => {
    const { reservoir } = paymentWorld(0, "fingerprint-rest");
    const { btc, ltc } = servers();
    ltc.chain = "test";
    const w = startWatcher(btc, ltc, reservoir, "bitmark");
    await eventually(() => w.status().LTC!.state === "invalid chain");
    const asked = ltc.requests.length;
    await checked(btc);
    expect(ltc.requests.length).toBe(asked);
    const w2 = startWatcher(btc, ltc, reservoir, "testing");
    await eventually(() => w2.status().LTC!.state === "running");
  }, 30_000);
});
