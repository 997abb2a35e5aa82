/** The wallet's records are accepted by the reservoir's own validation, and its proof nonce by TryProof. */
import { describe, expect, test } from "bun:test";
import { targetBytes } from "../../../src/chain/rules/difficulty.ts";
import { accountToString, privateKeyAccount } from "../../../src/chain/types/account.ts";
import { activeBackend } from "../../../src/crypto/index.ts";
import { Reservoir } from "../../../src/reservoir/reservoir.ts";
import { TrackingStatus } from "../../../src/reservoir/status.ts";
import { buildCreate, findProofNonce, unescapeMetadata } from "../../../src/wallet/create.ts";
import { join } from "node:path";
import { toHex } from "../../../src/encoding/hex.ts";
import { txIdOf } from "../../../src/chain/types/records/ids.ts";
import { packRecord } from "../../../src/chain/types/records/pack.ts";
import { faultOf } from "../../support/fault.ts";
import { FakeChain, testKey } from "../../support/reservoir-fakes.ts";

const hash = activeBackend();

const key = testKey("issuer");
const signer = { key, account: privateKeyAccount(key)! };
let next = 1n;
const counter = () => next++;

describe("buildCreate", () => {
  for (const quantity of [1, 3]) {
    test(`asset + ${quantity} issue(s) accepted by the reservoir, proof nonce accepted`, () => {
      const r = new Reservoir({ chain: "testing", view: new FakeChain(), hash, limits: {} });
      const req = buildCreate(signer, { name: "wallet asset", fingerprint: `wallet-fp-${quantity}`, metadata: "owner\u0000me", quantity }, counter);
      const cached = r.assets.cache(req.asset);
      expect(cached.assetId).toEqual(req.assetId);
      expect(cached.packed).not.toBeNull();
      const { info } = r.storeIssues(req.issues);
      expect(info.txIds.length).toBe(quantity);
      const nonce = findProofNonce(info.payId, info.payNonce, targetBytes(info.difficulty.target), hash.proofCheck);
      expect(r.tryProof(info.payId, nonce)).toBe(TrackingStatus.Accepted);
    });
  }

  test("the Bitmarks.Create argument names the records' fields as the RPC decodes them", () => {
    const req = buildCreate(signer, { name: "n", fingerprint: "f", metadata: "", quantity: 1 }, () => 18446744073709551615n);
    expect(req.argument).toContain('"nonce":18446744073709551615'); // exact uint64, not a float
    const arg = JSON.parse(req.argument);
    expect(Object.keys(arg.assets[0])).toEqual(["name", "fingerprint", "metadata", "registrant", "signature"]);
    expect(Object.keys(arg.issues[0])).toEqual(["assetId", "owner", "nonce", "signature"]);
    expect(arg.assets[0].registrant).toBe(accountToString(signer.account));
  });

  test("an independent verifier (python3 + nacl) accepts the signatures and finds the same ids", () => {
    const req = buildCreate(signer, { name: "indep", fingerprint: "indep-fp", metadata: "k\u0000v", quantity: 3 }, () => 2n ** 63n + next++);
    const py = Bun.spawnSync(["/usr/bin/python3", join(import.meta.dir, "../../support/wallet-verify.py"), req.argument]);
    expect(py.stderr.toString()).toBe("");
    const out = JSON.parse(py.stdout.toString());
    expect(out.assetIds).toEqual([toHex(req.assetId)]);
    expect(out.txIds).toEqual(req.issues.map((i) => toHex(txIdOf(packRecord(i, signer.account)))));
  });

  test("equal random nonces are drawn again (one transaction per issue)", () => {
    const values = [5n, 5n, 6n];
    const req = buildCreate(signer, { name: "n", fingerprint: "g", metadata: "", quantity: 2 }, () => values.shift()!);
    expect(req.issues.map((i) => i.nonce)).toEqual([5n, 6n]);
  });

  test("a wrong proof nonce is refused (the search result is not accepted by chance)", () => {
    const r = new Reservoir({ chain: "testing", view: new FakeChain(), hash, limits: {} });
    const req = buildCreate(signer, { name: "n", fingerprint: "h", metadata: "", quantity: 1 }, counter);
    r.assets.cache(req.asset);
    const { info } = r.storeIssues(req.issues);
    const nonce = findProofNonce(info.payId, info.payNonce, targetBytes(info.difficulty.target), hash.proofCheck);
    const wrong = nonce.slice();
    wrong[7] = wrong[7]! ^ 1;
    expect(hash.proofCheck(info.payId, [info.payNonce], wrong, targetBytes(info.difficulty.target))).toBe(-1);
  });

  test("record checks throw the reservoir's fault texts", () => {
    expect(faultOf(() => buildCreate(signer, { name: "x".repeat(65), fingerprint: "f", metadata: "", quantity: 1 }, counter))).toBe("name too long");
    expect(faultOf(() => buildCreate(signer, { name: "n", fingerprint: "", metadata: "", quantity: 1 }, counter))).toBe("fingerprint too short");
  });
});

test("unescapeMetadata: bitmark-cli's \\u0000 separator", () => {
  expect(unescapeMetadata("owner\\u0000me\\u0000k\\u0000v")).toBe("owner\u0000me\u0000k\u0000v");
  expect(unescapeMetadata("plain")).toBe("plain");
});
