/**
 * `bunmark testnet --nodes 3`: the three nodes reach Normal; a proven issue pushed to node 1 (peer protocol) becomes
 * block 2, made by node 1's proofer and built-in miner; within 60 s every node's status line shows height 2 with
 * the same digest; SIGINT stops all of them cleanly (exit 0, no node.json left behind).
 */
import { expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { nodeSuite } from "../support/harness/node-suite.ts";
import { startTestnet } from "../support/testnet.ts";
import { provenIssue, pushItem } from "../support/proof-items.ts";

const root = nodeSuite("testnet");

test("testnet --nodes 3 makes a block every node holds, and stops on SIGINT", { timeout: 180_000 }, async () => {
  const dir = join(root, "net");
  const { proc, seen, latest, reading, waitFor, digestsAt } = startTestnet(dir);
  try {
    await waitFor("three nodes in Normal mode", () => [1, 2, 3].every((k) => / Normal /.test(latest.get(`node-${k}`) ?? "")), 90_000);
    const peer = seen.map((l) => /^node-1  peer (\S+)  key ([0-9a-f]{64})/.exec(l)).find((m) => m)!;
    expect(seen.some((l) => /^node-1  proofer .*bunmark mine --chain local --connect [0-9a-f]{64}@127\.0\.0\.1:\d+,\d+$/.test(l))).toBe(true);
    const started = Date.now();
    await pushItem({ name: "node-1", address: peer[1]!, publicKey: new Uint8Array(Buffer.from(peer[2]!, "hex")) }, provenIssue("local", "testnet-fingerprint"));
    const digests = () => digestsAt(2);
    await waitFor("height 2 with one digest on every node", () => digests().every((d) => d !== undefined && d === digests()[0]), 60_000);
    console.log(`testnet: block 2 on all three nodes ${((Date.now() - started) / 1000).toFixed(1)} s after the push`);
  } finally {
    proc.kill("SIGINT");
  }
  expect(await proc.exited).toBe(0);
  await reading;
  expect(seen.at(-1)).toBe("stopped 3 nodes");
  for (const k of [1, 2, 3]) expect(existsSync(join(dir, `node-${k}`, "node.json"))).toBe(false);
});
