/**
 * A real node (`bunmark run`) with a `payment` section: it starts whatever the payment side does, asks the
 * discovery proxy for the 72 h back-fill, survives a hostile proxy (garbage frames, unknown currencies, a REQ
 * that never answers) and a REST server that fails or hangs, keeps serving peers, and reports per currency in
 * `/status`, `/metrics` and `bunmark status`. A misspelt payment key stops the start with its key path.
 *
 * (A paid transfer reaching a block on every node needs block production: that test comes after the merge.)
 */
import { afterAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CurrencyStatus } from "../../src/payment/watcher.ts";
import { nodeSuite } from "../support/harness/node-suite.ts";
import { FakeDiscovery } from "../support/fake-discovery.ts";
import { FakeRest } from "../support/fake-rest.ts";
import { NodeProcess } from "../support/node-process.ts";
import { CLI } from "../support/paths.ts";
import { pyzmqSkipReason } from "../support/pyzmq.ts";

const dir = nodeSuite("payment-node");
const skip = pyzmqSkipReason();
const cleanup: { stop(): unknown }[] = [];
afterAll(async () => {
  for (const c of cleanup) await c.stop();
});

async function paymentStatus(n: NodeProcess): Promise<Record<string, CurrencyStatus> | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${n.httpPort}/status`);
    return res.ok ? ((await res.json()) as { payment?: Record<string, CurrencyStatus> }).payment : undefined;
  } catch {
    return undefined;
  }
}

async function eventually(what: string, cond: () => Promise<boolean>, n: NodeProcess, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${n.tail(40)}`);
    await Bun.sleep(100);
  }
}

test.skipIf(skip !== undefined)("discovery: back-fill asked, hostile proxy survived, figures in /status, /metrics and `bunmark status`", async () => {
  const proxy = await FakeDiscovery.start();
  cleanup.push(proxy);
  await proxy.send({ silent: true });
  const node = await NodeProcess.create({
    root: dir,
    name: "discovery",
    http: true,
    timing: { payment_request_timeout: 500 },
    sections: { payment: { use_discovery: true, discovery: { sub_endpoint: proxy.sub, req_endpoint: proxy.req } } },
  });
  await node.start();
  await proxy.waitForRequests(1);
  expect(proxy.requests[0]![0]).toBe("BTC");
  for (const frames of [["DOGE", "{}"], ["BTC"], ["LTC", "{x"], ["BTC", `{"txid":"00","vout":[{"value":1e9}]}`], ["A", "B", "C"]]) await proxy.publish(...frames);
  await eventually("BTC back-fill to fail on the silent proxy", async () => (await paymentStatus(node))?.BTC?.state === "back-fill failed", node);
  expect(await node.info()).toMatchObject({ chain: "local" });
  expect(node.running).toBe(true);

  const s = (await paymentStatus(node))!;
  expect(Object.keys(s)).toEqual(["BTC", "LTC"]);
  expect(s.BTC).toMatchObject({ source: "discovery", lastBlock: null, paymentsSeen: 0, paymentsMatched: 0, orphansHeld: 0 });
  const metrics = await (await fetch(`http://127.0.0.1:${node.httpPort}/metrics`)).text();
  for (const name of ["bunmark_payment_last_block", "bunmark_payment_seen", "bunmark_payment_matched", "bunmark_payment_orphans"]) {
    expect(metrics).toContain(`${name}{currency="BTC",source="discovery"} `);
    expect(metrics).toContain(`${name}{currency="LTC",source="discovery"} `);
  }
  const cli = Bun.spawnSync([process.execPath, CLI, "status", "--data", node.dir]);
  expect(cli.stdout.toString()).toMatch(/payment {2}BTC discovery back-fill failed, 0 matched of 0 seen, 0 orphans/);
  expect(await node.stop()).toBe(0);
}, 60_000);

test("REST: chaininfo failing, then hanging, is retried while the node serves; clean stop", async () => {
  const btc = FakeRest.start({ old: 1, recent: 1 });
  const ltc = FakeRest.start({ old: 1, recent: 1 });
  cleanup.push(btc, ltc);
  btc.fault = () => new Response("down", { status: 500 });
  ltc.fault = () => "hang";
  const node = await NodeProcess.create({
    root: dir,
    name: "rest",
    http: true,
    timing: { payment_check: 200, payment_request_timeout: 300 },
    sections: { payment: { bitcoin: { url: btc.url }, litecoin: { url: ltc.url } } },
  });
  await node.start();
  await eventually("both sources to report their failure", async () => {
    const s = await paymentStatus(node);
    return s?.BTC?.state === "chaininfo failed" && s?.LTC?.state === "chaininfo failed";
  }, node);
  expect((await paymentStatus(node))!.LTC!.lastError).toContain("no answer within 300 ms");
  await eventually("a retry", async () => btc.count("/rest/chaininfo.json") >= 2, node);
  expect(await node.info()).toMatchObject({ chain: "local" });
  btc.fault = () => undefined;
  await eventually("BTC running", async () => (await paymentStatus(node))?.BTC?.state === "running", node);
  expect((await paymentStatus(node))!.BTC!.lastBlock).toBe(btc.tip.height);
  expect(await node.stop()).toBe(0);
}, 60_000);

test("a misspelt payment key stops the start with its key path", () => {
  const config = join(dir, "bad.json");
  writeFileSync(config, JSON.stringify({ chain: "local", data_directory: join(dir, "bad"), payment: { use_discovery: true, discovery: { sub_endpoint: "127.0.0.1:1", req_endpiont: "127.0.0.1:2" } } }));
  const run = Bun.spawnSync([process.execPath, CLI, "run", "--config", config]);
  expect(run.exitCode).not.toBe(0);
  expect(run.stderr.toString()).toContain("payment.discovery.req_endpiont: unknown key (did you mean req_endpoint?)");
});
