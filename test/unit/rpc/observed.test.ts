/**
 * The observed exchanges of rpc.md §11 replayed against the method layer on a `testing` store holding genesis
 * only (the observed node's state): each reply must be byte-identical to the observed one (fixture
 * test/fixtures/rpc-observed-8.2.json). The request envelope and reply line are built as a jsonrpc server
 * would; framing itself belongs to the transport's tests.
 */
import { expect, test } from "bun:test";
import observed from "../../fixtures/rpc-observed-8.2.json";
import { accountToString } from "../../../src/chain/types/account.ts";
import { newAssetData, newBitmarkIssue, signRecord } from "../../../src/chain/types/records/sign.ts";
import { parseConnection, packConnections } from "../../../src/peer/address.ts";
import { accountOf, issuer, registrant } from "../../support/reservoir-fakes.ts";
import { argJSON, hex, rpcFixture } from "./fixture.ts";

const spec = observed.asset;
const specAsset = signRecord(newAssetData(spec.name, spec.fingerprint, spec.metadata, accountOf(registrant)), registrant);
const facts = observed.exchanges[0]!.facts!;
const rpc = rpcFixture({
  chain: "testing",
  publicKey: observed.node.publicKey,
  uptimeNs: BigInt(facts.uptimeNs),
  rpcs: facts.rpcs,
  peers: { incoming: facts.incoming, outgoing: facts.outgoing },
});
rpc.announce.setRpc(Buffer.from(observed.node.rpcFingerprint, "hex"), packConnections([parseConnection(observed.node.rpcAnnounce)]));

/** Replays one request line: method, params[0] and the raw id, through the method table. */
function replay(request: string): string {
  const req = JSON.parse(request.replace("ASSET", argJSON(specAsset))) as { method: string; params: unknown[] };
  const id = request.match(/"id":("[^"]*"|\d+)/)![1]!;
  const arg = req.params.length === 0 ? undefined : JSON.stringify(req.params[0]);
  return rpc.call(req.method, arg, id);
}

test("the observed exchanges of rpc.md §11 get byte-identical replies, in the observed order", () => {
  const substitutes = { REGISTRANT: accountToString(accountOf(registrant)), SIGNATURE: hex(specAsset.signature) };
  for (const x of observed.exchanges) {
    const expected = x.response.replace(/REGISTRANT|SIGNATURE/g, (m) => substitutes[m as keyof typeof substitutes]);
    expect(`${x.section}: ${replay(x.request)}`).toBe(`${x.section}: ${expected}`);
  }
});

test("§11.5: Bitmarks.Create pushed the asset as `assets` with 8.2's bytes", () => {
  const assets = rpc.sent.filter((s) => s.command === "assets");
  expect(assets).toHaveLength(1);
  expect(assets[0]!.params).toHaveLength(1);
  expect(assets[0]!.params[0]!.startsWith(observed.assetsPush.p0Prefix)).toBe(true);
});

test("§11.2 #3: issuing on the cached asset answers the testing genesis pay nonce and the one-issue difficulty", () => {
  const issue = signRecord(newBitmarkIssue(Buffer.from(observed.exchanges[2]!.response.match(/"id":"([0-9a-f]{128})"/)![1]!, "hex"), accountOf(issuer), 1796525384000n), issuer);
  const reply = JSON.parse(rpc.result("Bitmarks.Create", `{"assets":null,"issues":[${argJSON(issue)}]}`));
  expect(reply.assets).toEqual([]);
  expect(reply.payNonce).toBe(observed.issueReply.payNonce);
  expect(reply.difficulty).toBe(observed.issueReply.difficulty);
  expect(reply.payments).toBeUndefined();
});
