/**
 * The observed exchanges of rpc.md §11 (fixture test/fixtures/rpc-observed-8.2.json, the one
 * test/unit/rpc/observed.test.ts replays in process) sent over TLS by the independent python3 client to a real
 * node in the observed state (genesis only, mode Normal, the observed `client_rpc.announce`), in the observed
 * order on one connection, replies compared byte for byte (trailing `\n` included).
 *
 * Substituted where the observed bytes depend on the observed node or client, not on bunmark: chain `local`
 * instead of `testing` (same genesis CRC and test-network keys, records.md §10.2), and in 11.1 the node's
 * uptime, peer count and public key; the asset's registrant/signature are the python client's (signed with
 * nacl), and the Node.List fingerprint is this node's certificate. Then §11.2 #3/#4 with the observed issue
 * nonce: the testing-genesis pay nonce and one-issue difficulty, a proof found by the client → Accepted, and
 * the issue Verified (§11.3).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import observed from "../fixtures/rpc-observed-8.2.json";
import { stopAll } from "../support/node-process.ts";
import { pyRpc } from "../support/rpc-client.ts";
import { normalRpcNode, type RpcNode } from "../support/rpc-node.ts";
import { pyWrites } from "../support/rpc-writes.ts";
import { tempDirs } from "../support/temp-dirs.ts";

afterAll(stopAll);
const tempDir = tempDirs("bunmark-rpc-observed-");
let n: RpcNode;

beforeAll(async () => {
  n = await normalRpcNode(tempDir(), { announce: observed.node.rpcAnnounce });
}, 110_000);

test("§11 exchanges, byte for byte over the wire", async () => {
  const spec = observed.asset;
  const [, asset] = await pyWrites(n.port, [
    ["keys", "r", "observed registrant"],
    ["asset", "r", spec.name, spec.fingerprint, spec.metadata],
  ]);
  const requests = observed.exchanges.map((x) => x.request.replace("ASSET", asset.json));
  const steps: [string, ...unknown[]][] = [["connect", 0]];
  for (const r of requests) steps.push(["send", 0, r], ["recv", 0, 1, 20]);
  const replies = (await pyRpc(n.port, steps)).slice(1).map((r: { lines: string[] }) => r.lines[0]);

  const publicKey = Buffer.from(n.node.publicKey).toString("hex");
  const expected = observed.exchanges.map((x, i) => {
    let text = x.response
      .replaceAll("REGISTRANT", asset.registrant)
      .replaceAll("SIGNATURE", asset.signature)
      .replaceAll(observed.node.rpcFingerprint, n.fingerprint)
      .replaceAll('"chain":"testing"', '"chain":"local"');
    if (x.section === "11.1") {
      const live = JSON.parse(replies[i]!).result;
      text = text
        .replace(/"uptime":"[^"]*"/, `"uptime":"${live.uptime}"`)
        .replace(/"peers":\d+/, `"peers":${live.peers}`)
        .replaceAll(observed.node.publicKey, publicKey);
      expect(live.uptime).toMatch(/^((\d+h)?(\d+m)?\d+(\.\d+)?s|\d+(\.\d+)?(ms|µs|ns))$/); // Go duration text, also under 1 s
    }
    return `${x.section}: ${text}`;
  });
  expect(replies.map((r, i) => `${observed.exchanges[i]!.section}: ${r}`)).toEqual(expected);
}, 60_000);

test("§11.2 #3/#4: the observed issue gets the genesis pay nonce and one-issue difficulty; its proof is Accepted", async () => {
  const assetId = observed.exchanges[2]!.response.match(/"id":"([0-9a-f]{128})"/)![1]!;
  const nonce = 1796525384000; // bitmark-cli's issue nonce in §11.2 #3
  const [, created] = await pyWrites(n.port, [
    ["keys", "r", "observed registrant"],
    ["create", { fingerprint: observed.asset.fingerprint, issues: [{ owner: "r", nonce }] }],
  ]);
  expect(created.assetId).toBe(assetId);
  const reply = created.reply.result;
  expect(created.reply.error).toBeNull();
  expect([reply.assets, reply.payNonce, reply.difficulty, reply.payments]).toEqual([[], observed.issueReply.payNonce, observed.issueReply.difficulty, undefined]);
  const [proof, status] = await pyWrites(n.port, [
    ["proof", reply.payId, reply.payNonce, reply.difficulty],
    ["call", "Transaction.Status", { txId: created.txIds[0] }],
  ]);
  expect(proof.reply.result).toEqual({ status: "Accepted" });
  expect(status.reply.result).toEqual({ status: "Verified" });
}, 60_000);
