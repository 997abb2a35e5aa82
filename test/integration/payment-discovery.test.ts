/**
 * The discovery source end to end against an independent proxy (test/support/fake-discovery.py, pyzmq PUB + REP,
 * no CURVE): back-fill requests on every (re)connection exactly as proof.md §8.2, published payments moving
 * pending transfers to the verified pool only when they pay enough to the right addresses, orphans applied on
 * arrival, hostile frames ignored, a silent proxy survived (timeout, reconnect, retry).
 *
 * The reservoir is in-process over the reservoir fakes (test/support/payment-fakes.ts); the watcher is the one the
 * node runs. A paid transfer reaching a block on every node is payment-block.test.ts.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { systemClock } from "../../src/base/clock.ts";
import { quietLogsWhileRunning } from "../support/harness/profile.ts";
import { PaymentWatcher } from "../../src/payment/watcher.ts";
import { Reservoir } from "../../src/reservoir/reservoir.ts";
import { TransactionState } from "../../src/reservoir/status.ts";
import { shutdown } from "../../src/transport/context.ts";
import { FakeDiscovery } from "../support/fake-discovery.ts";
import { toHex } from "../support/hex.ts";
import { paymentTx, paymentWorld } from "../support/payment-fakes.ts";
import { pyzmqSkipReason } from "../support/pyzmq.ts";
import { BTC, LTC } from "../support/reservoir-fakes.ts";

const skip = pyzmqSkipReason();
const running: { stop(): Promise<void> }[] = [];

quietLogsWhileRunning("warn");
afterEach(async () => {
  for (const r of running.splice(0).reverse()) await r.stop();
});
afterAll(() => shutdown());

async function startProxy(bind?: { pub: string; rep: string }): Promise<FakeDiscovery> {
  const p = await FakeDiscovery.start(bind);
  running.push(p);
  return p;
}

function startWatcher(proxy: FakeDiscovery, reservoir: Reservoir, requestTimeoutMs = 5000): PaymentWatcher {
  const w = PaymentWatcher.start({
    config: { use_discovery: true, discovery: { sub_endpoint: proxy.sub, req_endpoint: proxy.req } },
    chain: "testing",
    reservoir,
    clock: systemClock,
    timing: { requestTimeoutMs },
  });
  running.push(w);
  return w;
}

async function eventually(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not reached in time");
    await Bun.sleep(20);
  }
}

describe.skipIf(skip !== undefined)("discovery source", () => {
  test("back-fill on connection: [currency, now − 72 h] for BTC and LTC; a past payment verifies its transfer", async () => {
    const { reservoir, transfers } = paymentWorld(1, "fingerprint-discovery");
    const { info } = reservoir.storeTransfer(transfers[0]!);
    const proxy = await startProxy();
    await proxy.send({ past: { LTC: `[${paymentTx(info.payId, [[LTC, "0.00200000"]])}]` } });
    const before = Math.floor(Date.now() / 1000) - 72 * 3600;
    const w = startWatcher(proxy, reservoir);
    await proxy.waitForRequests(2);
    const after = Math.floor(Date.now() / 1000) - 72 * 3600;
    expect(proxy.requests.map((r) => r[0])).toEqual(["BTC", "LTC"]);
    for (const [, since] of proxy.requests) {
      expect(since).toMatch(/^\d+$/);
      expect(Number(since)).toBeGreaterThanOrEqual(before);
      expect(Number(since)).toBeLessThanOrEqual(after);
    }
    expect(proxy.requests.every((r) => r.length === 2)).toBe(true);
    await eventually(() => reservoir.transactionStatus(info.txId) === TransactionState.Verified);
    expect(w.status().LTC).toMatchObject({ source: "discovery", state: "running", paymentsSeen: 1, paymentsMatched: 1, orphansHeld: 0 });
  });

  test("published payments: not enough or to the wrong address stays pending; enough verifies; before the transfer → orphan, applied on arrival", async () => {
    const { reservoir, transfers, payIdOf } = paymentWorld(2, "fingerprint-discovery");
    const { info } = reservoir.storeTransfer(transfers[0]!);
    const proxy = await startProxy();
    const w = startWatcher(proxy, reservoir);
    await proxy.waitForRequests(2);
    await eventually(() => w.status().LTC!.state === "running");

    await proxy.publish("BTC", paymentTx(info.payId, [[BTC, "0.00019999"]]));
    await proxy.publish("BTC", paymentTx(info.payId, [[LTC, "1"]]));
    await proxy.publish("LTC", paymentTx(info.payId, [[BTC, "1"]]));
    await eventually(() => w.status().BTC!.paymentsSeen === 2 && w.status().LTC!.paymentsSeen === 1);
    expect(reservoir.transactionStatus(info.txId)).toBe(TransactionState.Pending);

    await proxy.publish("BTC", paymentTx(info.payId, [[BTC, "0.0002"]]));
    await eventually(() => reservoir.transactionStatus(info.txId) === TransactionState.Verified);
    expect(w.status().BTC!.paymentsMatched).toBe(1);

    const early = payIdOf(1);
    await proxy.publish("LTC", paymentTx(early, [[LTC, "0.002"]]));
    // (the underpaid payments above are held as orphans too, as in 8.2: wait for this one to be seen)
    await eventually(() => w.status().LTC!.paymentsSeen === 2);
    expect(w.status().LTC!.orphansHeld).toBe(2);
    const second = reservoir.storeTransfer(transfers[1]!).info;
    expect(toHex(second.payId)).toBe(toHex(early));
    expect(reservoir.transactionStatus(second.txId)).toBe(TransactionState.Verified);
    expect(reservoir.fetchVerified(10).txIds.map(toHex).sort()).toEqual([toHex(info.txId), toHex(second.txId)].sort());
  });

  test("hostile frames are logged and ignored; nothing is verified wrongly and the source keeps working", async () => {
    const { reservoir, transfers } = paymentWorld(1, "fingerprint-discovery");
    const { info } = reservoir.storeTransfer(transfers[0]!);
    const good = paymentTx(info.payId, [[BTC, "0.0002"]]);
    const proxy = await startProxy();
    // back-fill replies: not JSON, and a JSON object instead of a list
    await proxy.send({ past: { BTC: "[{", LTC: `{"txid":"00"}` } });
    const w = startWatcher(proxy, reservoir);
    await proxy.waitForRequests(2);
    await eventually(() => w.status().LTC!.state === "running");
    const hostile: string[][] = [
      ["DOGE", good], // unknown currency (8.2 panics)
      ["btc", good], // currency texts are exact
      ["BTC"], // one frame
      ["BTC", good, "x"], // three frames
      ["BTC", "{not json"],
      ["BTC", `[${good}]`], // a list where one transaction is expected
      ["BTC", paymentTx(info.payId, [[BTC, "-0.0002"]])],
      ["BTC", paymentTx(info.payId, [[BTC, "2e-4"]])],
      ["BTC", paymentTx(info.payId, [[BTC, '"0.0002"']])],
      ["BTC", good.replace(`"addresses":["${BTC}"]`, `"addresses":"${BTC}"`)],
      ["BTC", `{"txid":"zz","vout":[]}`],
      ["BTC", `{"txid":"00","vout":[${Array.from({ length: 20_000 }, () => "{}").join(",")}]}`],
    ];
    for (const frames of hostile) await proxy.publish(...frames);
    await eventually(() => w.status().BTC!.malformed >= 7);
    expect(reservoir.transactionStatus(info.txId)).toBe(TransactionState.Pending);
    expect(w.status().BTC!.paymentsSeen).toBe(0);

    await proxy.publish("BTC", good);
    await eventually(() => reservoir.transactionStatus(info.txId) === TransactionState.Verified);
  });

  test("a proxy that never answers: each request times out, the REQ reconnects and the back-fill is retried until it completes", async () => {
    const { reservoir, transfers } = paymentWorld(1, "fingerprint-discovery");
    const { info } = reservoir.storeTransfer(transfers[0]!);
    const proxy = await startProxy();
    await proxy.send({ silent: true, past: { BTC: `[${paymentTx(info.payId, [[BTC, "0.0002"]])}]` } });
    const w = startWatcher(proxy, reservoir, 500);
    await eventually(() => w.status().BTC!.state === "back-fill failed");
    expect(w.status().BTC!.lastError).toBe("resource temporarily unavailable");
    await proxy.waitForRequests(1);
    await proxy.send({ silent: false });
    // retried (after 1 s, 2 s, … of back-off) on a fresh REQ socket until the proxy answers
    await eventually(() => reservoir.transactionStatus(info.txId) === TransactionState.Verified, 20_000);
    expect(proxy.requests.filter((r) => r[0] === "BTC").length).toBeGreaterThanOrEqual(2);
  }, 30_000);

  test("a proxy that comes back on the same ports gets a new back-fill (SUB reconnection)", async () => {
    const { reservoir, transfers } = paymentWorld(1, "fingerprint-discovery");
    const { info } = reservoir.storeTransfer(transfers[0]!);
    const first = await startProxy();
    startWatcher(first, reservoir);
    await first.waitForRequests(2);
    await first.stop();
    const second = await startProxy({ pub: first.pub, rep: first.rep });
    await second.send({ past: { BTC: `[${paymentTx(info.payId, [[BTC, "0.0002"]])}]` } });
    await second.waitForRequests(2, 20_000);
    expect(second.requests.map((r) => r[0])).toEqual(["BTC", "LTC"]);
    await eventually(() => reservoir.transactionStatus(info.txId) === TransactionState.Verified);
  }, 30_000);
});
