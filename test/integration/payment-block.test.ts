/**
 * Issue 16 end to end: a paid transfer ends up in a block on every node of a three-node `local` network.
 *
 * Three real nodes (`bunmark run`, each statically connected to the two others, `minimum_clients` 2) start from
 * the same generated ownership chain and serve client_rpc; A also proofs and mines (`proofing` + `--mine=1`).
 * Every node's `payment` section points at the same fake discovery proxy (test/support/fake-discovery.py,
 * pyzmq): as on 8.2, each bitmarkd verifies payments itself — a verified state is never taken from a peer.
 *
 * The independent python wallet (rpc-writes.py: nacl signatures, TLS jsonrpc) sends two transfers to A:
 *  - the moving bitmark, whose BTC payments are then published by the proxy in full → Verified on every node,
 *    mined into the next block, every node at the same height and digest, `Transaction.Status` Confirmed;
 *  - one of the holder's bitmarks, paid one satoshi short on its first output → stays Pending everywhere and is
 *    not in the block.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CurrencyStatus } from "../../src/payment/watcher.ts";
import { FakeDiscovery } from "../support/fake-discovery.ts";
import { cachedOwnershipChain } from "../support/harness/chains.ts";
import { connectEachToOthers, nodeSuite } from "../support/harness/node-suite.ts";
import { freePort, NodeProcess } from "../support/node-process.ts";
import { CLI } from "../support/paths.ts";
import { proofSection } from "../support/proof-items.ts";
import { pyzmqSkipReason } from "../support/pyzmq.ts";
import { pyRpc } from "../support/rpc-client.ts";
import { pyWrites } from "../support/rpc-writes.ts";

const dir = nodeSuite("payment-block");
const skip = pyzmqSkipReason();
const proxies: FakeDiscovery[] = [];
afterAll(async () => {
  for (const p of proxies) await p.stop();
});

const SEED = "payment-block";
const STEPS = 3;
const timing = { minimum_clients: 2, connector_cycle: 300, announce_initial: 300, upstream_poll: 500, upstream_timeout: 5000, proof_interval: 1000, proof_pause: 500 };

interface Payment {
  currency: string;
  address: string;
  amount: string;
}

/** A bitcoind-verbose transaction paying `outputs` (satoshi) under `payId` (OP_RETURN, 48 bytes). */
function btcPayment(txid: string, payId: string, outputs: { address: string; satoshi: bigint }[]): string {
  const btc = (s: bigint) => `${s / 100_000_000n}.${(s % 100_000_000n).toString().padStart(8, "0")}`;
  const vouts = [`{"value":0.00000000,"scriptPubKey":{"hex":"6a30${payId}","addresses":[]}}`];
  for (const o of outputs) vouts.push(`{"value":${btc(o.satoshi)},"scriptPubKey":{"hex":"76a914","addresses":["${o.address}"]}}`);
  return `{"txid":"${txid}","vout":[${vouts.join(",")}]}`;
}

test.skipIf(skip !== undefined)("a paid transfer is mined into a block every node holds; an underpaid one stays pending", { timeout: 150_000 }, async () => {
  const chain = await cachedOwnershipChain({ seed: SEED, bitmarks: 4, steps: STEPS });
  const proxy = await FakeDiscovery.start();
  proxies.push(proxy);
  const payment = { use_discovery: true, discovery: { sub_endpoint: proxy.sub, req_endpoint: proxy.req } };
  const [publishPort, submitPort] = [await freePort(), await freePort()];
  mkdirSync(join(dir, "a"), { recursive: true, mode: 0o700 });
  const proof = proofSection(join(dir, "a"), "local", publishPort, submitPort);
  const rpc = { listen: ["127.0.0.1:0"] };
  const nodes = await Promise.all(
    ["a", "b", "c"].map((name) =>
      NodeProcess.create({
        root: dir,
        name,
        chainFrom: chain.dir,
        dynamicConnections: false,
        http: true,
        timing,
        sections: name === "a" ? { client_rpc: rpc, payment, proofing: proof.section } : { client_rpc: rpc, payment },
        runArgs: name === "a" ? ["--mine=1"] : [],
      }),
    ),
  );
  connectEachToOthers(nodes);
  for (const n of nodes) expect(Bun.spawnSync([process.execPath, CLI, "gen-rpc-cert", "--data", n.dir]).exitCode).toBe(0);
  await Promise.all(nodes.map((n) => n.start()));
  await Promise.all(nodes.map((n) => n.waitFor("Normal", (i) => i.normal, 60_000)));
  const ports = nodes.map((n) => {
    const ep: string = JSON.parse(readFileSync(join(n.dir, "node.json"), "utf8")).rpc.listen[0];
    return Number(ep.slice(ep.lastIndexOf(":") + 1));
  });
  // every node asked the proxy for its back-fill (BTC and LTC): its SUB socket is connected too
  await proxy.waitForRequests(6, 30_000);
  const A = nodes[0]!;
  const height = chain.blocks + 1;
  expect((await A.info())?.height).toBe(height);

  // the moving bitmark: block 2 issues it to a, block n ≥ 3 moves it a → b (n odd) or b → a (n even)
  const [from, to] = (STEPS + 2) % 2 === 1 ? ["b", "a"] : ["a", "b"];
  const keys = [
    ["keys", "holder", `bunmark ownership ${SEED} holder`],
    ["keys", "a", `bunmark ownership ${SEED} a`],
    ["keys", "b", `bunmark ownership ${SEED} b`],
  ];
  const [, , , owned] = await pyWrites(ports[0]!, [...keys, ["call", "Owner.Bitmarks", { owner: chain.holder, start: "0", count: 10 }]]);
  const issued: string = owned.reply.result.data[0].txId;
  const [, , , paid, short] = await pyWrites(ports[0]!, [...keys, ["transfer", chain.lastTransfer, from, to], ["transfer", issued, "holder", "a"]]);
  for (const t of [paid, short]) {
    expect(t.reply.error).toBeNull();
    expect(t.reply.result.txId).toBe(t.txId);
    expect(t.reply.result.payId).toMatch(/^[0-9a-f]{96}$/);
  }
  const outputs = (t: { reply: { result: { payments: Record<string, Payment[]> } } }) =>
    t.reply.result.payments.BTC!.map((p) => ({ address: p.address, satoshi: BigInt(p.amount) }));
  const paidOutputs = outputs(paid);
  const shortOutputs = outputs(short);
  expect(paidOutputs.length).toBeGreaterThan(0);
  shortOutputs[0]!.satoshi -= 1n;

  const status = async (i: number, txId: string): Promise<string> => {
    const [r] = await pyRpc(ports[i]!, [["connect", 0], ["send", 0, JSON.stringify({ method: "Transaction.Status", params: [{ txId }], id: 1 })], ["recv", 0, 1, 20]]).then((x) => x.slice(1));
    return JSON.parse(r.lines[0]).result?.status ?? `<${r.lines[0]}>`;
  };
  const until = async (what: string, check: () => Promise<boolean>, ms: number) => {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${nodes.map((n) => n.tail(20)).join("\n")}`);
      await Bun.sleep(300);
    }
  };
  for (const i of [0, 1, 2]) await until(`node ${"abc"[i]} holds both transfers pending`, async () => (await status(i, paid.txId)) === "Pending" && (await status(i, short.txId)) === "Pending", 30_000);

  // the proxy publishes both payments (again, until seen: a SUB may join late)
  const paidTx = btcPayment("aa".repeat(32), paid.reply.result.payId, paidOutputs);
  const shortTx = btcPayment("bb".repeat(32), short.reply.result.payId, shortOutputs);
  await until("the paid transfer confirmed on every node", async () => {
    await proxy.publish("BTC", shortTx);
    await proxy.publish("BTC", paidTx);
    return (await Promise.all([0, 1, 2].map((i) => status(i, paid.txId)))).every((s) => s === "Confirmed");
  }, 90_000);

  for (const n of nodes) await n.waitFor(`height ${height + 1}`, (i) => i.height === height + 1, 10_000);
  const digest = async (n: NodeProcess) => Buffer.from((await n.digest(height + 1)) as Uint8Array).toString("hex");
  const digests = await Promise.all(nodes.map(digest));
  expect(digests[1]).toBe(digests[0]!);
  expect(digests[2]).toBe(digests[0]!);
  expect(A.output).toContain("block found");
  for (const i of [0, 1, 2]) expect(await status(i, short.txId)).toBe("Pending");
  // A verified the paid transfer with its own watcher (the block proves the proofer took it as verified)
  expect((await paymentFigures(A)).paymentsMatched).toBe(1);

  // the satoshi was the only thing missing: a later payment of the full amount under the same pay id (payments
  // are judged one by one, never added up; the short one was kept as an orphan) gets it into the next block
  const topUp = btcPayment("cc".repeat(32), short.reply.result.payId, outputs(short));
  await until("the topped-up transfer confirmed on every node", async () => {
    await proxy.publish("BTC", topUp);
    return (await Promise.all([0, 1, 2].map((i) => status(i, short.txId)))).every((s) => s === "Confirmed");
  }, 60_000);
  expect((await paymentFigures(A)).paymentsMatched).toBe(2);
  // every node watched the proxy itself (8.2: each bitmarkd verifies payments on its own)
  for (const n of nodes) expect((await paymentFigures(n)).paymentsSeen).toBeGreaterThanOrEqual(3);
});

async function paymentFigures(n: NodeProcess): Promise<CurrencyStatus> {
  const res = await fetch(`http://127.0.0.1:${n.httpPort}/status`);
  return ((await res.json()) as { payment: Record<string, CurrencyStatus> }).payment.BTC!;
}
