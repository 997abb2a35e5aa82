/**
 * The README recipe: `bunmark testnet --nodes 3`, then `bunmark create --data DIR/node-1` (node 1's client RPC,
 * found through its node.json) registers an asset and proves free issues; node 1's proofer and miner make block 2
 * and every node reaches height 2 with the same digest, as both the testnet status lines and `bunmark status
 * --json --data DIR/node-K` show; the issues are then `Confirmed` on node 1.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { nodeSuite } from "../support/harness/node-suite.ts";
import { startTestnet } from "../support/testnet.ts";
import { CLI } from "../support/paths.ts";

const root = nodeSuite("testnet-create");

function cli(...args: string[]): { code: number; out: string; err: string } {
  const r = Bun.spawnSync([process.execPath, CLI, ...args]);
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
}

test("testnet --nodes 3 + create: the issues land in a block on every node", { timeout: 120_000 }, async () => {
  const dir = join(root, "net");
  const { proc, seen, latest, reading, waitFor, digestsAt } = startTestnet(dir);
  try {
    await waitFor("three nodes in Normal mode", () => [1, 2, 3].every((k) => / Normal /.test(latest.get(`node-${k}`) ?? "")), 60_000);
    expect(seen.some((l) => /^node-1  client RPC 127\.0\.0\.1:\d+: /.test(l))).toBe(true);
    const identity = join(root, "me.sign");
    expect(cli("create", "--new-identity", identity).code).toBe(0);
    const started = Date.now();
    const r = cli("create", "--identity", identity, "--name", "recipe asset", "--fingerprint", "recipe-fp-1", "--metadata", "owner\\u0000me", "--quantity", "3", "--data", join(dir, "node-1"));
    expect(r.err).toBe("");
    const out = JSON.parse(r.out);
    expect(out.proof).toBe("Accepted");
    const digests = () => digestsAt(2);
    await waitFor("height 2 with one digest on every node", () => digests().every((d) => d !== undefined && d === digests()[0]), 60_000);
    console.log(`testnet-create: block 2 on all three nodes ${((Date.now() - started) / 1000).toFixed(1)} s after create`);
    for (const k of [1, 2, 3]) {
      const s = cli("status", "--json", "--data", join(dir, `node-${k}`));
      expect(s.code).toBe(0);
      expect(JSON.parse(s.out).height).toBe(2);
    }
    for (const txId of out.issues) {
      const st = cli("rpc", "Transaction.Status", JSON.stringify({ txId }), "--data", join(dir, "node-1"));
      expect(JSON.parse(st.out)).toEqual({ status: "Confirmed" });
    }
  } finally {
    proc.kill("SIGINT");
  }
  expect(await proc.exited).toBe(0);
  await reading;
});
