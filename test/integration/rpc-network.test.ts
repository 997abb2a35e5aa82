/**
 * Client RPC end to end on a local network of three real nodes (`bunmark run`, chain `local`, each statically
 * connected to the two others, `minimum_clients` 2, short connector cycle), all starting from the same
 * generated ownership chain (issues to one holder, one bitmark transferred STEPS times), each serving
 * client_rpc. Independent clients only (python3 ssl/json + nacl).
 *
 *  - Confirmed state: `Bitmark.Provenance`, `Owner.Bitmarks`, `Transaction.Status`, `BlockOwner.TxIdForBlock`
 *    give byte-identical replies on A, B and C.
 *  - Each node's `rpc` record (certificate fingerprint, `client_rpc.announce`) reaches the others: Node.List
 *    on every node lists all three.
 *  - Writes through A's RPC (asset, two issues, their proof, a transfer of the moved bitmark) reach B's and C's
 *    reservoirs through the peer broadcast: `Assets.Get` shows the cached asset, `Transaction.Status` the issues
 *    Verified and the transfer Pending on every node.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cachedOwnershipChain, type CachedOwnershipChain } from "../support/harness/chains.ts";
import { connectEachToOthers } from "../support/harness/node-suite.ts";
import { NodeProcess, stopAll } from "../support/node-process.ts";
import { CLI } from "../support/paths.ts";
import { pyRpc } from "../support/rpc-client.ts";
import { pyWrites } from "../support/rpc-writes.ts";
import { tempDirs } from "../support/temp-dirs.ts";

afterAll(stopAll);
const tempDir = tempDirs("bunmark-rpc-network-");

const SEED = "rpc-network";
const STEPS = 3;
const BITMARKS = 12;
/** node i announces 127.0.0.1:ANNOUNCED+i as its RPC address */
const ANNOUNCED = 21300;

let chain: CachedOwnershipChain;
const ports: number[] = [];
const fingerprints: string[] = [];

/** One reply line per request, on one connection to node `i`. */
async function on(i: number, requests: string[]): Promise<string[]> {
  const steps: [string, ...unknown[]][] = [["connect", 0]];
  for (const r of requests) steps.push(["send", 0, r], ["recv", 0, 1, 20]);
  return (await pyRpc(ports[i]!, steps)).slice(1).map((r: { lines: string[]; error?: string }) => r.lines[0] ?? `<${r.error}>`);
}

const req = (method: string, params: unknown, id = 1) => JSON.stringify({ method, params: [params], id });

async function until(what: string, check: () => Promise<boolean>, ms: number, nodes: NodeProcess[]): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${nodes.map((n) => n.tail(20)).join("\n")}`);
    await Bun.sleep(250);
  }
}

let nodes: NodeProcess[] = [];

beforeAll(async () => {
  chain = await cachedOwnershipChain({ seed: SEED, bitmarks: BITMARKS, steps: STEPS });
  const root = tempDir();
  nodes = await Promise.all(
    ["a", "b", "c"].map((name, i) =>
      NodeProcess.create({
        root,
        name,
        chainFrom: chain.dir,
        dynamicConnections: false,
        timing: { minimum_clients: 2, connector_cycle: 300, announce_initial: 2000 }, // the first announcement after the upstreams registered: it is pushed only to registered upstreams
        sections: { client_rpc: { listen: ["127.0.0.1:0"], announce: [`127.0.0.1:${ANNOUNCED + i}`] } },
      }),
    ),
  );
  connectEachToOthers(nodes);
  for (const n of nodes) expect(Bun.spawnSync([process.execPath, CLI, "gen-rpc-cert", "--data", n.dir]).exitCode).toBe(0);
  await Promise.all(nodes.map((n) => n.start()));
  for (const n of nodes) {
    const { rpc } = JSON.parse(readFileSync(join(n.dir, "node.json"), "utf8"));
    const ep: string = rpc.listen[0];
    ports.push(Number(ep.slice(ep.lastIndexOf(":") + 1)));
    fingerprints.push(rpc.fingerprint);
  }
  const normal = async (i: number) => (await on(i, [req("Node.Info", {})]))[0]!.includes('"mode":"Normal"');
  await until("every node in Normal mode", async () => (await Promise.all([0, 1, 2].map(normal))).every(Boolean), 60_000, nodes);
}, 110_000);

test("confirmed state: provenance, owner listing and statuses identical on every node", async () => {
  const queries = [
    req("Bitmark.Provenance", { txId: chain.lastTransfer, count: 200 }),
    req("Owner.Bitmarks", { owner: chain.holder, start: "0", count: 200 }),
    req("Owner.Bitmarks", { owner: chain.holder, start: "5", count: 3 }),
    req("Transaction.Status", { txId: chain.lastTransfer }),
    req("BlockOwner.TxIdForBlock", { blockNumber: 3 }),
  ];
  const [a, b, c] = await Promise.all([0, 1, 2].map((i) => on(i, queries)));
  expect(b).toEqual(a!);
  expect(c).toEqual(a!);
  expect(JSON.parse(a![0]!).result.data).toHaveLength(STEPS + 2); // transfers, issue, asset
  expect(JSON.parse(a![1]!).result.data).toHaveLength(BITMARKS);
  expect(a![3]).toBe('{"id":1,"result":{"status":"Confirmed"},"error":null}');
});

test("Node.List on every node lists all three nodes' fingerprints and announced addresses (the `rpc` broadcast)", async () => {
  const want = fingerprints.map((f, i) => JSON.stringify({ fingerprint: f, connections: [`127.0.0.1:${ANNOUNCED + i}`] })).sort();
  const listed = async (i: number) => {
    const { nodes: got } = JSON.parse((await on(i, [req("Node.List", { start: "0", count: 100 })]))[0]!).result;
    return JSON.stringify((got ?? []).map((e: unknown) => JSON.stringify(e)).sort()) === JSON.stringify(want);
  };
  for (const i of [0, 1, 2]) await until(`node ${"abc"[i]} lists all three`, () => listed(i), 30_000, nodes);
  // its own entry first (rpc.md §6.11)
  const [own] = await on(1, [req("Node.List", { start: "0", count: 1 })]);
  expect(own).toBe(`{"id":1,"result":{"nodes":[{"fingerprint":"${fingerprints[1]}","connections":["127.0.0.1:${ANNOUNCED + 1}"]}],"nextStart":"1"},"error":null}`);
}, 60_000);

test("asset, issues, proof and transfer created through A's RPC reach B's and C's reservoirs", async () => {
  const fingerprint = `rpc-network-${Date.now()}`;
  const [, , , , created] = await pyWrites(ports[0]!, [
    ["keys", "w", "network wallet"],
    ["keys", "a", `bunmark ownership ${SEED} a`],
    ["keys", "b", `bunmark ownership ${SEED} b`],
    ["create", { fingerprint, asset: { name: "network asset", fingerprint, metadata: "", registrant: "w" } }],
    ["create", { fingerprint, issues: [{ owner: "w", nonce: 7 }, { owner: "w", nonce: 8 }] }],
  ]);
  expect(created.reply.error).toBeNull();
  const { payId, payNonce, difficulty } = created.reply.result;
  // the moved bitmark: block 2 issues it to a, block n ≥ 3 moves it a → b (n odd) or b → a (n even); the last is STEPS + 2
  const [holder, next] = (STEPS + 2) % 2 === 1 ? ["b", "a"] : ["a", "b"];
  const [, , proof, transfer] = await pyWrites(ports[0]!, [
    ["keys", "a", `bunmark ownership ${SEED} a`],
    ["keys", "b", `bunmark ownership ${SEED} b`],
    ["proof", payId, payNonce, difficulty],
    ["transfer", chain.lastTransfer, holder, next],
  ]);
  expect(proof.reply.result).toEqual({ status: "Accepted" });
  expect(transfer.reply.error).toBeNull();

  const expected = [
    ...created.txIds.map(() => '{"id":1,"result":{"status":"Verified"},"error":null}'),
    '{"id":1,"result":{"status":"Pending"},"error":null}',
  ];
  const statuses = [...created.txIds, transfer.txId].map((txId: string) => req("Transaction.Status", { txId }));
  for (const i of [0, 1, 2]) {
    await until(`node ${"abc"[i]} holds the issues verified and the transfer pending`, async () => JSON.stringify(await on(i, statuses)) === JSON.stringify(expected), 30_000, nodes);
    const [assets] = await on(i, [req("Assets.Get", { fingerprints: [fingerprint] })]);
    expect(JSON.parse(assets!).result.assets[0]).toMatchObject({ record: "AssetData", confirmed: false, id: created.assetId, data: { name: "network asset" } });
  }
}, 90_000);
