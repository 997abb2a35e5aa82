/**
 * `bunmark create` against a real node in Normal mode (`bunmark run` with client_rpc, test/support/rpc-node.ts):
 * a new identity, an asset and free issues created over the command line (by node.json and by --connect with a
 * pinned fingerprint), then checked with an independent client (test/support/rpc-client.py, python3 ssl/json):
 * `Transaction.Status` of every issue is `Verified` (the proof was accepted) and `Assets.Get` knows the asset.
 * Errors: an RPC error (a live-network key on a test chain) and a wrong certificate fingerprint exit 1 with the text.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { statSync } from "node:fs";
import { type NodeProcess, stopAll } from "../support/node-process.ts";
import { CLI } from "../support/paths.ts";
import { pyRpc } from "../support/rpc-client.ts";
import { normalRpcNode } from "../support/rpc-node.ts";
import { tempDirs } from "../support/temp-dirs.ts";

afterAll(stopAll);
const tempDir = tempDirs("bunmark-wallet-create-");

let node: NodeProcess;
let port = 0;
let fingerprint = "";
let dir = "";

beforeAll(async () => {
  dir = tempDir();
  ({ node, port, fingerprint } = await normalRpcNode(dir, { name: "w" }));
}, 110_000);

function cli(...args: string[]): { code: number; out: string; err: string } {
  const r = Bun.spawnSync([process.execPath, CLI, ...args]);
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
}

async function call(method: string, params: string): Promise<string> {
  const r = await pyRpc(port, [["connect", 0], ["send", 0, `{"method":"${method}","params":[${params}],"id":1}`], ["recv", 0, 1, 20]]);
  return r[1].lines[0] ?? `<${r[1].error}>`;
}

test("--new-identity writes a 0600 SEED: key and never overwrites it", () => {
  const file = join(dir, "me.sign");
  const made = cli("create", "--new-identity", file);
  expect(made.code).toBe(0);
  expect(JSON.parse(made.out).account).toMatch(/^[1-9A-HJ-NP-Za-km-z]{40,60}$/);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  const again = cli("create", "--new-identity", file);
  expect(again.code).toBe(1);
  expect(again.err).toContain("key file already exists");
});

for (const how of ["data", "connect"] as const) {
  test(`asset + 3 free issues by --${how}: issues Verified, asset known`, async () => {
    const where = how === "data" ? ["--data", node.dir] : ["--connect", `127.0.0.1:${port}`, "--fingerprint-rpc", fingerprint];
    const fp = `wallet-fp-${how}`;
    const r = cli("create", "--identity", join(dir, "me.sign"), "--name", `asset by ${how}`, "--fingerprint", fp, "--metadata", "owner\\u0000me", "--quantity", "3", ...where);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out);
    expect(out.proof).toBe("Accepted");
    expect(out.issues).toHaveLength(3);
    for (const txId of out.issues) expect(await call("Transaction.Status", `{"txId":"${txId}"}`)).toBe('{"id":1,"result":{"status":"Verified"},"error":null}');
    const asset = JSON.parse(await call("Assets.Get", `{"fingerprints":["${fp}"]}`));
    expect(asset.result.assets[0].id).toBe(out.assetId);
    expect(asset.result.assets[0].data.metadata).toBe("owner\u0000me");
  }, 60_000);
}

test("an RPC error exits 1 with its text: a live-network key on a test chain", () => {
  const live = join(dir, "live.sign");
  expect(cli("create", "--new-identity", live, "--chain", "bitmark").code).toBe(0);
  const r = cli("create", "--identity", live, "--name", "n", "--fingerprint", "wallet-fp-live", "--data", node.dir);
  expect(r.code).toBe(1);
  expect(r.err.trim()).toBe("wrong network for public key");
});

test("a wrong certificate fingerprint is refused before anything is sent", () => {
  const r = cli("create", "--identity", join(dir, "me.sign"), "--name", "n", "--fingerprint", "wallet-fp-pin", "--connect", `127.0.0.1:${port}`, "--fingerprint-rpc", "00".repeat(32));
  expect(r.code).toBe(1);
  expect(r.err).toContain("does not match");
});
