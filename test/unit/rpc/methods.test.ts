/**
 * Every method of rpc.md §6 on a `local` store with a small chain and a real reservoir: valid inputs, every
 * error text in 8.2's validation order, mode gating, item limits, and the peer broadcasts each call makes.
 *
 *   block 2: foundation (ownerTwo), asset A, issues I1…I4 of A (issuer)
 *   block 3: foundation (ownerTwo), I1 → ownerOne (T1)
 *   block 4: foundation (ownerTwo), T1 → ownerTwo (T2)
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { accountToString, makeAccount } from "../../../src/chain/types/account.ts";
import { CURRENCY_BITCOIN, CURRENCY_LITECOIN } from "../../../src/chain/types/currency.ts";
import { scaledDifficulty, targetBytes } from "../../../src/chain/rules/difficulty.ts";
import { foundationTxId } from "../../../src/chain/types/records/ids.ts";
import { newBlockOwnerTransfer, signRecord } from "../../../src/chain/types/records/sign.ts";
import { activeBackend } from "../../../src/crypto/index.ts";
import { payIdOf } from "../../../src/reservoir/pay-id.ts";
import { accountOf, asset, assetIdOf, BTC, issue, issuer, LTC, ownerOne, ownerTwo, packed, registrant, transferTo, txIdOf } from "../../support/reservoir-fakes.ts";
import { argJSON, hex, rpcFixture } from "./fixture.ts";

const hash = activeBackend();

const rpc = rpcFixture();
const A = asset("fp-rpc-a");
const idA = assetIdOf(A);
const issues = [1n, 2n, 3n, 4n].map((n) => issue(idA, n));
const I = issues.map((i) => txIdOf(packed(i)));
const t1 = transferTo(I[0]!, ownerOne, issuer);
const T1 = txIdOf(packed(t1, accountOf(issuer)));
const t2 = transferTo(T1, ownerTwo, ownerOne);
const T2 = txIdOf(packed(t2, accountOf(ownerOne)));
const ZERO_PAY_ID = "0".repeat(96);

beforeAll(async () => {
  await rpc.block([packed(A), ...issues.map((i) => packed(i))], ownerTwo);
  await rpc.block([packed(t1, accountOf(issuer))], ownerTwo);
  await rpc.block([packed(t2, accountOf(ownerOne))], ownerTwo);
});

function normalOnly(method: string, arg: string): void {
  rpc.mode.set("Resynchronise");
  try {
    expect(rpc.result(method, arg)).toBe("error: not available during synchronise");
  } finally {
    rpc.mode.set("Normal");
  }
}

function takeSent() {
  return rpc.sent.splice(0);
}

describe("Assets.Get", () => {
  test("confirmed, cached and missing assets, one entry per fingerprint in order", () => {
    const B = asset("fp-rpc-cached");
    rpc.rsv.reservoir.assets.cache(B);
    const reply = JSON.parse(rpc.result("Assets.Get", `{"fingerprints":["fp-rpc-a","nothing","fp-rpc-cached"]}`));
    expect(reply.assets).toEqual([
      { record: "AssetData", confirmed: true, id: hex(idA), data: JSON.parse(argJSON(A)) },
      { record: "", confirmed: false, data: null },
      { record: "AssetData", confirmed: false, id: hex(assetIdOf(B)), data: JSON.parse(argJSON(B)) },
    ]);
  });
  test("errors in 8.2's order: count before mode", () => {
    const many = JSON.stringify({ fingerprints: Array.from({ length: 101 }, (_, i) => `f${i}`) });
    expect(rpc.result("Assets.Get", many)).toBe("error: too many items to process");
    expect(rpc.result("Assets.Get", `{"fingerprints":[]}`)).toBe("error: missing parameters");
    expect(rpc.result("Assets.Get")).toBe("error: missing parameters");
    rpc.mode.set("Resynchronise");
    expect(rpc.result("Assets.Get", many)).toBe("error: too many items to process");
    rpc.mode.set("Normal");
    normalOnly("Assets.Get", `{"fingerprints":["x"]}`);
    expect(JSON.parse(rpc.result("Assets.Get", JSON.stringify({ fingerprints: Array(100).fill("x") }))).assets).toHaveLength(100);
  });
});

describe("Bitmarks.Create and Bitmarks.Proof", () => {
  const B = asset("fp-rpc-create");
  const idB = assetIdOf(B);
  const newIssues = [issue(idB, 7n), issue(idB, 8n)];
  const createArg = `{"assets":[${argJSON(B)}],"issues":[${newIssues.map(argJSON).join(",")}]}`;
  const payId = payIdOf(hash, newIssues.map((i) => packed(i)));

  test("an asset and its issues: reply, then `assets` and `issues` broadcasts; a repeat is a duplicate, not re-broadcast", () => {
    takeSent();
    const reply = rpc.result("Bitmarks.Create", createArg);
    expect(reply).toBe(
      JSON.stringify({
        assets: [{ id: hex(idB), duplicate: false }],
        issues: newIssues.map((i) => ({ txId: hex(txIdOf(packed(i))) })),
        payId: hex(payId),
        payNonce: hex(rpc.store.payNonce()),
        difficulty: hex(targetBytes(scaledDifficulty(2, "local").target)),
      }),
    );
    expect(takeSent()).toEqual([
      { command: "assets", params: [hex(packed(B))] },
      { command: "issues", params: [newIssues.map((i) => hex(packed(i))).join(""), "00"] },
    ]);
    expect(rpc.result("Transaction.Status", `{"txId":"${hex(txIdOf(packed(newIssues[0]!)))}"}`)).toBe(`{"status":"Pending"}`);
    expect(rpc.result("Bitmarks.Create", createArg)).toBe(reply.replace(`"duplicate":false`, `"duplicate":true`));
    expect(takeSent()).toEqual([]);
  });

  test("Proof: pay id errors first, then the mode, the nonce; `proof` is broadcast before the check", () => {
    expect(rpc.result("Bitmarks.Proof", `{"payId":"ab"}`)).toBe("error: not a pay id");
    rpc.mode.set("Resynchronise");
    expect(rpc.result("Bitmarks.Proof", `{"payId":"zz${"0".repeat(94)}"}`)).toBe("error: encoding/hex: invalid byte: U+007A 'z'");
    rpc.mode.set("Normal");
    normalOnly("Bitmarks.Proof", `{"payId":"${hex(payId)}","nonce":"00"}`);
    expect(rpc.result("Bitmarks.Proof", `{"payId":"${hex(payId)}","nonce":"00000000000000"}`)).toBe("error: invalid nonce");
    expect(rpc.result("Bitmarks.Proof", `{"payId":"${hex(payId)}","nonce":"${"00".repeat(65)}"}`)).toBe("error: invalid nonce");
    expect(rpc.result("Bitmarks.Proof", `{"payId":"${hex(payId)}","nonce":"${"0".repeat(16)}x"}`)).toBe("error: encoding/hex: invalid byte: U+0078 'x'");
    expect(rpc.result("Bitmarks.Proof", `{"payId":"${hex(payId)}","nonce":"${"0".repeat(17)}"}`)).toBe("error: encoding/hex: odd length hex string");
    expect(takeSent()).toEqual([]);

    const target = targetBytes(scaledDifficulty(2, "local").target);
    const crcs = rpc.store.proofCRCs();
    const nonce = Buffer.alloc(8);
    let bad: string | undefined;
    for (let n = 0n; ; n++) {
      nonce.writeBigUInt64BE(n);
      if (hash.proofCheck(payId, crcs, nonce, target) >= 0) break;
      bad ??= nonce.toString("hex");
    }
    expect(rpc.result("Bitmarks.Proof", `{"payId":"${hex(payId)}","nonce":"${bad}"}`)).toBe(`{"status":"Invalid"}`);
    expect(rpc.result("Bitmarks.Proof", `{"payId":"${ZERO_PAY_ID}","nonce":"${bad}"}`)).toBe(`{"status":"NotFound"}`);
    expect(rpc.result("Bitmarks.Proof", `{"PAYID":"${hex(payId)}","Nonce":"${nonce.toString("hex")}"}`)).toBe(`{"status":"Accepted"}`);
    expect(takeSent()).toEqual([
      { command: "proof", params: [hex(payId) + bad] },
      { command: "proof", params: [ZERO_PAY_ID + bad] },
      { command: "proof", params: [hex(payId) + nonce.toString("hex")] },
    ]);
    expect(rpc.result("Transaction.Status", `{"txId":"${hex(txIdOf(packed(newIssues[1]!)))}"}`)).toBe(`{"status":"Verified"}`);
  });

  test("issues of an asset confirmed in block 2 are offered block-owner payments", () => {
    const reply = JSON.parse(rpc.result("Bitmarks.Create", `{"issues":[${argJSON(issue(idA, 99n))}]}`));
    expect(reply.assets).toEqual([]);
    expect(reply.payments).toEqual({
      BTC: [{ currency: "BTC", address: BTC, amount: "10000" }],
      LTC: [{ currency: "LTC", address: LTC, amount: "100000" }],
    });
    takeSent();
  });

  test("an issue nonce of 2^64 - 1 is decoded exactly (the signature covers it) and comes back as an exact number", () => {
    const big = issue(idA, 2n ** 64n - 1n);
    const arg = argJSON(big);
    expect(arg).toContain(`"nonce":18446744073709551615`);
    const reply = JSON.parse(rpc.result("Bitmarks.Create", `{"issues":[${arg}]}`));
    expect(reply.issues).toEqual([{ txId: hex(txIdOf(packed(big))) }]);
    takeSent();
  });

  test("errors: limits, then the mode, then assets in order (earlier ones stay cached, nothing broadcast), then issues", () => {
    const hundredOne = Array.from({ length: 101 }, () => "{}").join(",");
    expect(rpc.result("Bitmarks.Create", `{"assets":[${hundredOne}]}`)).toBe("error: too many items to process");
    expect(rpc.result("Bitmarks.Create", `{"issues":[${hundredOne}]}`)).toBe("error: too many items to process");
    expect(rpc.result("Bitmarks.Create", `{"assets":[],"issues":null}`)).toBe("error: missing parameters");
    expect(rpc.result("Bitmarks.Create")).toBe("error: missing parameters");
    normalOnly("Bitmarks.Create", `{"assets":[${argJSON(B)}]}`);

    const C = asset("fp-rpc-first");
    const forged = { ...asset("fp-rpc-forged"), signature: asset("fp-rpc-other").signature };
    expect(rpc.result("Bitmarks.Create", `{"assets":[${argJSON(C)},${argJSON(forged)}]}`)).toBe("error: invalid signature");
    expect(rpc.rsv.reservoir.assets.get(assetIdOf(C))).toBeDefined();
    expect(rpc.result("Bitmarks.Create", `{"assets":[${argJSON(C)},null]}`)).toBe("error: invalid item");
    expect(rpc.result("Bitmarks.Create", `{"issues":[null]}`)).toBe("error: invalid item");
    expect(rpc.result("Bitmarks.Create", `{"assets":[{"name":"n","fingerprint":"fp-x","registrant":null}]}`)).toBe("error: invalid owner or registrant");
    expect(rpc.result("Bitmarks.Create", `{"issues":[{"assetId":"${hex(idA)}","nonce":5}]}`)).toBe("error: invalid item");
    expect(rpc.result("Bitmarks.Create", `{"issues":[${argJSON(issue(new Uint8Array(64).fill(1), 1n))}]}`)).toBe("error: asset not found");
    const live = makeAccount(accountOf(issuer).publicKey, false);
    expect(rpc.result("Bitmarks.Create", `{"issues":[${argJSON(issue(idA, 5n)).replace(accountToString(accountOf(issuer)), accountToString(live))}]}`)).toBe(
      "error: wrong network for public key",
    );
    expect(rpc.result("Bitmarks.Create", `{"assets":[${argJSON(asset("fp-rpc-before-bad-issue"))}],"issues":[null]}`)).toBe("error: invalid item");
    expect(rpc.result("Bitmarks.Create", `{"issues":[${argJSON(issues[1]!)}]}`)).toBe("error: transaction already exists");
    expect(takeSent()).toEqual([]);
  });
});

describe("Bitmark.Transfer and BlockOwner.Transfer", () => {
  test("a transfer of I2: reply with payments, `transfer` broadcast once; the repeat answers the same", () => {
    const t = transferTo(I[1]!, ownerOne, issuer);
    const p = packed(t, accountOf(issuer));
    const reply = rpc.result("Bitmark.Transfer", argJSON(t));
    expect(JSON.parse(reply)).toEqual({
      txId: hex(txIdOf(p)),
      payId: hex(payIdOf(hash, [p])),
      payments: { BTC: [{ currency: "BTC", address: BTC, amount: "20000" }], LTC: [{ currency: "LTC", address: LTC, amount: "200000" }] },
    });
    expect(takeSent()).toEqual([{ command: "transfer", params: [hex(p)] }]);
    expect(rpc.result("Bitmark.Transfer", argJSON(t))).toBe(reply);
    expect(takeSent()).toEqual([]);
  });

  test("Bitmark.Transfer errors: owner before mode, then network, then StoreTransfer", () => {
    expect(rpc.result("Bitmark.Transfer")).toBe("error: invalid item");
    expect(rpc.result("Bitmark.Transfer", "null")).toBe("error: invalid item");
    expect(rpc.result("Bitmark.Transfer", `{"link":"${hex(I[2]!)}"}`)).toBe("error: invalid item");
    normalOnly("Bitmark.Transfer", argJSON(transferTo(I[2]!, ownerOne, issuer)));
    const live = accountToString(makeAccount(accountOf(ownerOne).publicKey, false));
    expect(rpc.result("Bitmark.Transfer", argJSON(transferTo(I[2]!, ownerOne, issuer)).replace(accountToString(accountOf(ownerOne)), live))).toBe(
      "error: wrong network for public key",
    );
    expect(rpc.result("Bitmark.Transfer", argJSON(transferTo(new Uint8Array(32).fill(9), ownerOne, issuer)))).toBe("error: link to invalid or unconfirmed transaction");
    expect(rpc.result("Bitmark.Transfer", argJSON(transferTo(T1, ownerOne, ownerOne)))).toBe("error: double transfer attempt");
    expect(rpc.result("Bitmark.Transfer", argJSON(transferTo(I[2]!, ownerOne, ownerTwo)))).toBe("error: invalid signature");
    expect(takeSent()).toEqual([]);
  });

  test("a countersigned transfer (tag 5) goes through the same path", () => {
    const t = signRecord({ tag: 5 as const, link: I[3]!, escrow: null, owner: accountOf(ownerOne), signature: new Uint8Array(0), countersignature: new Uint8Array(0) }, issuer, ownerOne);
    const p = packed(t, accountOf(issuer));
    expect(JSON.parse(rpc.result("Bitmark.Transfer", argJSON(t))).txId).toBe(hex(txIdOf(p)));
    expect(takeSent()).toEqual([{ command: "transfer", params: [hex(p)] }]);
  });

  test("BlockOwner.Transfer of block 2's foundation, countersigned by the new owner", () => {
    const F = foundationTxId(rpc.store.digestForBlock(2), 2);
    const payments = new Map([[CURRENCY_BITCOIN, BTC], [CURRENCY_LITECOIN, LTC]] as const);
    const t = signRecord(newBlockOwnerTransfer(F, payments, accountOf(ownerOne)), ownerTwo, ownerOne);
    const p = packed(t, accountOf(ownerTwo));
    const reply = JSON.parse(rpc.result("BlockOwner.Transfer", argJSON(t)));
    expect(reply.txId).toBe(hex(txIdOf(p)));
    expect(reply.payId).toBe(hex(payIdOf(hash, [p])));
    expect(Object.keys(reply.payments)).toEqual(["BTC", "LTC"]);
    expect(takeSent()).toEqual([{ command: "transfer", params: [hex(p)] }]);
    normalOnly("BlockOwner.Transfer", argJSON(t));
    expect(rpc.result("BlockOwner.Transfer", `{"link":"${hex(F)}"}`)).toBe("error: invalid item");
    expect(rpc.result("BlockOwner.Transfer", argJSON({ ...t, link: I[2]! }))).toBe("error: link to invalid or unconfirmed transaction");
  });
});

describe("BlockOwner.TxIdForBlock", () => {
  test("the foundation txid of a stored block; genesis, 0 and absent blocks are not found", () => {
    expect(rpc.result("BlockOwner.TxIdForBlock", `{"blockNumber":3}`)).toBe(`{"txId":"${hex(foundationTxId(rpc.store.digestForBlock(3), 3))}"}`);
    for (const n of ["0", "1", "5", "18446744073709551615"]) expect(rpc.result("BlockOwner.TxIdForBlock", `{"blockNumber":${n}}`)).toBe("error: block not found");
    rpc.mode.set("Resynchronise");
    expect(rpc.result("BlockOwner.TxIdForBlock", `{"blockNumber":2}`)).toStartWith(`{"txId":`);
    rpc.mode.set("Normal");
  });
});

describe("Bitmark.Provenance", () => {
  const entry = (txId: Uint8Array, block: number, isOwner: boolean, rec: Parameters<typeof argJSON>[0], name: string) => ({
    record: name,
    isOwner,
    txId: hex(txId),
    inBlock: block,
    data: JSON.parse(argJSON(rec)),
  });
  const assetEntry = { record: "AssetData", isOwner: false, inBlock: 0, assetId: hex(idA), data: JSON.parse(argJSON(A)) };

  test("T2 back to its issue and asset; only the first entry says whether its owner still holds it", () => {
    const reply = rpc.result("Bitmark.Provenance", `{"txId":"${hex(T2)}","count":10}`);
    expect(JSON.parse(reply).data).toEqual([
      entry(T2, 4, true, t2, "BitmarkTransferUnratified"),
      entry(T1, 3, false, t1, "BitmarkTransferUnratified"),
      entry(I[0]!, 2, false, issues[0]!, "BitmarkIssue"),
      assetEntry,
    ]);
    expect(reply).toContain(`{"record":"AssetData","isOwner":false,"inBlock":0,"assetId":"${hex(idA)}","data":{"name":`);
    expect(JSON.parse(rpc.result("Bitmark.Provenance", `{"txId":"${hex(T1)}","count":1}`)).data).toEqual([entry(T1, 3, false, t1, "BitmarkTransferUnratified")]);
    expect(JSON.parse(rpc.result("Bitmark.Provenance", `{"txId":"${hex(T2)}","count":2}`)).data).toHaveLength(2);
  });
  test("a block foundation id ends the walk with its BlockFoundation; unknown ids give an empty list; counts", () => {
    const F = foundationTxId(rpc.store.digestForBlock(3), 3);
    const data = JSON.parse(rpc.result("Bitmark.Provenance", `{"txId":"${hex(F)}","count":5}`)).data;
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({ record: "BlockFoundation", isOwner: true, txId: hex(F), inBlock: 3 });
    expect(rpc.result("Bitmark.Provenance", `{"txId":"${"11".repeat(32)}","count":5}`)).toBe(`{"data":[]}`);
    expect(rpc.result("Bitmark.Provenance", `{"txId":"${hex(T2)}","count":0}`)).toBe("error: invalid count");
    expect(rpc.result("Bitmark.Provenance", `{"txId":"${hex(T2)}"}`)).toBe("error: invalid count");
    expect(JSON.parse(rpc.result("Bitmark.Provenance", `{"txId":"${hex(T2)}","count":100000}`)).data).toHaveLength(4);
  });
});

describe("Owner.Bitmarks", () => {
  const owner = (key: typeof issuer) => accountToString(accountOf(key));
  test("the issuer's remaining bitmarks from index 1, the records and the asset in `tx` (sorted keys)", () => {
    const reply = rpc.result("Owner.Bitmarks", `{"owner":"${owner(issuer)}","start":"0","count":10}`);
    const r = JSON.parse(reply);
    expect(r.next).toBe("4");
    expect(r.data).toEqual([1, 2, 3].map((n) => ({ n: String(n), txId: hex(I[n]!), issue: hex(I[n]!), item: "Asset", assetId: hex(idA) })));
    const keys = [hex(I[1]!), hex(I[2]!), hex(I[3]!), hex(idA)].sort();
    expect(Object.keys(r.tx)).toEqual(keys);
    expect(r.tx[hex(I[1]!)]).toEqual({ record: "BitmarkIssue", txId: hex(I[1]!), inBlock: 2, data: JSON.parse(argJSON(issues[1]!)) });
    expect(r.tx[hex(idA)]).toEqual({ record: "AssetData", inBlock: 0, assetId: hex(idA), data: JSON.parse(argJSON(A)) });
    expect(reply.startsWith(`{"next":"4","data":[{"n":"1","txId":"${hex(I[1]!)}","issue":"${hex(I[1]!)}","item":"Asset","assetId":"`)).toBe(true);
  });
  test("paging by start and count; an empty page is next \"0\"", () => {
    const page = JSON.parse(rpc.result("Owner.Bitmarks", `{"owner":"${owner(issuer)}","start":"2","count":1}`));
    expect(page.next).toBe("3");
    expect(page.data.map((d: { n: string }) => d.n)).toEqual(["2"]);
    expect(rpc.result("Owner.Bitmarks", `{"owner":"${owner(issuer)}","start":"4","count":10}`)).toBe(`{"next":"0","data":[],"tx":{}}`);
    expect(rpc.result("Owner.Bitmarks", `{"owner":"${owner(registrant)}","start":"0","count":10}`)).toBe(`{"next":"0","data":[],"tx":{}}`);
  });
  test("blocks and transferred bitmarks: ownerTwo holds three foundations and T2 (confirmed state only)", () => {
    const r = JSON.parse(rpc.result("Owner.Bitmarks", `{"owner":"${owner(ownerTwo)}","start":"0","count":200}`));
    const blocks = r.data.filter((d: { item: string }) => d.item === "Block");
    expect(blocks.map((d: { blockNumber: number }) => d.blockNumber)).toEqual([2, 3, 4]);
    expect(blocks[0]).toEqual({ n: blocks[0].n, txId: hex(foundationTxId(rpc.store.digestForBlock(2), 2)), issue: hex(foundationTxId(rpc.store.digestForBlock(2), 2)), item: "Block", blockNumber: 2 });
    const bitmark = r.data.find((d: { item: string }) => d.item === "Asset");
    expect(bitmark).toMatchObject({ txId: hex(T2), issue: hex(I[0]!), assetId: hex(idA) });
    expect(r.tx[hex(T2)].record).toBe("BitmarkTransferUnratified");
    expect(r.tx[hex(I[0]!)].record).toBe("BitmarkIssue");
  });
  test("errors: count first, then a missing owner (8.2 crashes there); not mode-gated", () => {
    expect(rpc.result("Owner.Bitmarks", `{"count":0}`)).toBe("error: invalid count");
    expect(rpc.result("Owner.Bitmarks", `{"owner":"${owner(issuer)}","count":-1}`)).toBe("error: invalid count");
    expect(rpc.result("Owner.Bitmarks", `{"count":1}`)).toBe("error: invalid item");
    expect(rpc.result("Owner.Bitmarks", `{"owner":null,"count":1}`)).toBe("error: invalid item");
    expect(rpc.result("Owner.Bitmarks", `{"owner":"${owner(issuer)}","start":1,"count":1}`)).toBe(
      "error: json: invalid use of ,string struct tag, trying to unmarshal unquoted value into uint64",
    );
    rpc.mode.set("Resynchronise");
    expect(JSON.parse(rpc.result("Owner.Bitmarks", `{"owner":"${owner(issuer)}","count":500}`)).data).toHaveLength(3);
    rpc.mode.set("Normal");
  });
});

describe("Transaction.Status, Node.Info, Node.List", () => {
  test("Transaction.Status: confirmed, unknown, a zero txid for null; not mode-gated", () => {
    rpc.mode.set("Resynchronise");
    expect(rpc.result("Transaction.Status", `{"txId":"${hex(T1)}"}`)).toBe(`{"status":"Confirmed"}`);
    expect(rpc.result("Transaction.Status", `{"txId":"${"22".repeat(32)}"}`)).toBe(`{"status":"Unknown"}`);
    expect(rpc.result("Transaction.Status", `{"txId":null}`)).toBe(`{"status":"Unknown"}`);
    expect(rpc.result("Transaction.Status")).toBe(`{"status":"Unknown"}`);
    rpc.mode.set("Normal");
  });
  test("Node.Info reports the node in 8.2's key order in every mode; its argument is decoded only for type errors", () => {
    rpc.mode.set("Resynchronise");
    const r = rpc.result("Node.Info", `{"anything":1}`);
    rpc.mode.set("Normal");
    const c = rpc.rsv.reservoir.counters();
    expect(r).toBe(
      `{"chain":"local","mode":"Resynchronise","blocks":4,"rpcs":1,"peers":0,"transactionCounters":{"pending":${c.pending},"verified":${c.verified}},"difficulty":1,"version":"8.2","uptime":"1s","publicKey":"${"00".repeat(32)}"}`,
    );
    expect(rpc.result("Node.Info", `"x"`)).toBe("error: json: cannot unmarshal string into Go value of type rpc.InfoArguments");
  });
  test("Node.List pages the RPC table in table order; counts 1..100", () => {
    const fps = [1, 2, 3].map((i) => new Uint8Array(32).fill(i));
    rpc.announce.setRpc(fps[0]!, Buffer.from("0700057f000001", "hex"));
    const now = BigInt(Math.floor(Date.now() / 1000));
    rpc.announce.addRpc(fps[1]!, Buffer.from("130005" + "20010db8" + "00".repeat(11) + "01", "hex"), now);
    rpc.announce.addRpc(fps[2]!, new Uint8Array(0), now);
    expect(rpc.result("Node.List", `{"start":"0","count":2}`)).toBe(
      `{"nodes":[{"fingerprint":"${hex(fps[0]!)}","connections":["127.0.0.1:5"]},{"fingerprint":"${hex(fps[1]!)}","connections":["[2001:db8::1]:5"]}],"nextStart":"2"}`,
    );
    expect(rpc.result("Node.List", `{"start":"2","count":100}`)).toBe(`{"nodes":[{"fingerprint":"${hex(fps[2]!)}","connections":[]}],"nextStart":"3"}`);
    expect(rpc.result("Node.List", `{"start":"3","count":1}`)).toBe(`{"nodes":null,"nextStart":"0"}`);
    expect(rpc.result("Node.List", `{"start":"18446744073709551615","count":1}`)).toBe(`{"nodes":null,"nextStart":"0"}`);
    expect(rpc.result("Node.List", `{"count":101}`)).toBe("error: invalid count");
    expect(rpc.result("Node.List")).toBe("error: invalid count");
  });
});

describe("after a delete-down (fork recovery)", () => {
  test("the ownership and provenance views follow the store: block 4 deleted, T1's owner holds the bitmark again", async () => {
    await rpc.store.deleteDownToBlock(4);
    expect(rpc.result("Bitmark.Provenance", `{"txId":"${hex(T2)}","count":10}`)).toBe(`{"data":[]}`);
    const p = JSON.parse(rpc.result("Bitmark.Provenance", `{"txId":"${hex(T1)}","count":10}`)).data;
    expect(p.map((e: { record: string; isOwner: boolean }) => [e.record, e.isOwner])).toEqual([
      ["BitmarkTransferUnratified", true],
      ["BitmarkIssue", false],
      ["AssetData", false],
    ]);
    const one = JSON.parse(rpc.result("Owner.Bitmarks", `{"owner":"${accountToString(accountOf(ownerOne))}","start":"0","count":10}`));
    expect(one.data.map((d: { txId: string }) => d.txId)).toContain(hex(T1));
    const two = JSON.parse(rpc.result("Owner.Bitmarks", `{"owner":"${accountToString(accountOf(ownerTwo))}","start":"0","count":10}`));
    expect(two.data.map((d: { txId: string }) => d.txId)).not.toContain(hex(T2));
    expect(two.data.filter((d: { item: string }) => d.item === "Block").map((d: { blockNumber: number }) => d.blockNumber)).toEqual([2, 3]);
    expect(rpc.result("BlockOwner.TxIdForBlock", `{"blockNumber":4}`)).toBe("error: block not found");
  });
});
