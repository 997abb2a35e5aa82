/**
 * The reservoir over time: asset cache expiry (73 h steps, re-announcement, in-use assets), expiry of
 * unverified items, pending links and orphan payments (72 h), block store/delete hooks, re-broadcast items,
 * and restart persistence in LMDB (close → reopen → same pools).
 */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { open, type RootDatabase } from "lmdb";
import { unpackRecord } from "../../../src/chain/types/records/unpack.ts";
import { activeBackend } from "../../../src/crypto/index.ts";
import { lmdbPersistence, type ReservoirPersistence } from "../../../src/reservoir/persistence.ts";
import { Reservoir } from "../../../src/reservoir/reservoir.ts";
import { TrackingStatus, TransactionState } from "../../../src/reservoir/status.ts";
import { startReservoir } from "../../../src/reservoir/index.ts";
import { fromHex, toHex } from "../../support/hex.ts";
import { accountOf, asset, assetIdOf, fakeClock, FakeChain, HOUR, issue, issuer, packed, transferTo, vectors } from "../../support/reservoir-fakes.ts";

const hash = activeBackend();

function reservoir(chain: FakeChain, clock = fakeClock(), persistence?: ReservoirPersistence) {
  return new Reservoir({ chain: "testing", view: chain, hash, clock, persistence });
}

describe("asset cache", () => {
  test("pending 73 h, then expiring 73 h, then gone", () => {
    const clock = fakeClock();
    const r = reservoir(new FakeChain(), clock);
    const a = asset("fp-expiry");
    expect(r.assets.cache(a).packed).not.toBeNull();
    clock.advance(73 * HOUR - 1);
    r.expire();
    expect(r.assets.exists(assetIdOf(a))).toBe(true);
    clock.advance(1);
    r.expire(); // → expiring
    expect(r.assets.exists(assetIdOf(a))).toBe(true);
    clock.advance(73 * HOUR - 1);
    r.expire();
    expect(r.assets.exists(assetIdOf(a))).toBe(true);
    clock.advance(1);
    r.expire();
    expect(r.assets.exists(assetIdOf(a))).toBe(false);
    expect(r.assets.get(assetIdOf(a))).toBeUndefined();
  });

  test("re-announcing resets the timeout and is not new", () => {
    const clock = fakeClock();
    const r = reservoir(new FakeChain(), clock);
    const a = asset("fp-again");
    r.assets.cache(a);
    clock.advance(100 * HOUR);
    r.expire(); // expiring now; without the re-announcement it would go at 173 h
    expect(r.assets.cache(a).packed).toBeNull();
    clock.advance(73 * HOUR);
    r.expire();
    expect(r.assets.exists(assetIdOf(a))).toBe(true);
    clock.advance(73 * HOUR);
    r.expire();
    expect(r.assets.exists(assetIdOf(a))).toBe(false);
  });

  test("an asset used by a pooled issue does not expire", () => {
    const clock = fakeClock();
    const r = reservoir(new FakeChain(), clock);
    const a = asset("fp-used");
    r.assets.cache(a);
    const { info } = r.storeIssues([issue(assetIdOf(a), 1n)]);
    r.setTransferVerified(info.payId, { currency: 1, txId: "t", amounts: new Map() });
    clock.advance(400 * HOUR);
    r.expire();
    expect(r.assets.exists(assetIdOf(a))).toBe(true);
  });

  test("conflicting content, confirmed assets, exists", () => {
    const chain = new FakeChain();
    const r = reservoir(chain);
    const a = asset("fp-conflict");
    r.assets.cache(a);
    expect(() => r.assets.cache(asset("fp-conflict", issuer))).toThrow("assets already registered");
    const confirmed = asset("fp-confirmed");
    chain.confirmAsset(confirmed, 4);
    expect(r.assets.cache(confirmed)).toEqual({ assetId: assetIdOf(confirmed), packed: null });
    expect(r.assets.exists(assetIdOf(confirmed))).toBe(true);
    expect(r.assets.get(assetIdOf(confirmed))).toBeUndefined();
    expect(r.assets.exists(new Uint8Array(64))).toBe(false);
  });

  test("the cache is capped", () => {
    const r = new Reservoir({ chain: "testing", view: new FakeChain(), hash, limits: { maxAssets: 3 } });
    for (let i = 0; i < 3; i++) r.assets.cache(asset(`fp-cap-${i}`));
    expect(() => r.assets.cache(asset("fp-cap-3"))).toThrow("too many items to process");
    expect(r.sizes().assets).toBe(3);
  });
});

/** A chain where `issuer` owns a confirmed bitmark; a cached asset for new issues. */
function world() {
  const chain = new FakeChain();
  const a = asset("fp-world");
  const id = assetIdOf(a);
  const confirmedIssue = issue(id, 100n);
  const issueTxId = chain.confirmIssue(confirmedIssue, 10);
  const transfer = transferTo(issueTxId);
  return { chain, a, id, issueTxId, transfer };
}

describe("expiry of pooled items", () => {
  test("unverified issues and transfers leave after 72 h, with their pending link; verified stay", () => {
    const w = world();
    const clock = fakeClock();
    const r = reservoir(w.chain, clock);
    r.assets.cache(w.a);
    const pendingIssue = r.storeIssues([issue(w.id, 1n)]).info;
    const verifiedIssue = r.storeIssues([issue(w.id, 2n)]).info;
    r.setTransferVerified(verifiedIssue.payId, { currency: 1, txId: "t", amounts: new Map() });
    const t = r.storeTransfer(w.transfer).info;
    clock.advance(72 * HOUR - 1);
    r.expire();
    expect(r.transactionStatus(pendingIssue.txIds[0]!)).toBe(TransactionState.Pending);
    clock.advance(1);
    r.expire();
    expect(r.transactionStatus(pendingIssue.txIds[0]!)).toBe(TransactionState.Unknown);
    expect(r.transactionStatus(t.txId)).toBe(TransactionState.Unknown);
    expect(r.transactionStatus(verifiedIssue.txIds[0]!)).toBe(TransactionState.Verified);
    expect(r.sizes()).toMatchObject({ unverified: 0, verifiedTxs: 1, pendingTransfers: 0 });
    // the link is free again
    expect(r.storeTransfer(w.transfer).duplicate).toBe(false);
  });

  test("orphan payments leave after 72 h", () => {
    const clock = fakeClock();
    const r = reservoir(new FakeChain(), clock);
    r.setTransferVerified(new Uint8Array(48).fill(1), { currency: 1, txId: "t", amounts: new Map() });
    clock.advance(72 * HOUR);
    r.expire();
    expect(r.sizes().orphans).toBe(0);
  });
});

describe("block hooks", () => {
  test("a stored block removes its assets, issues, transfers and transfers pending on its links", () => {
    const w = world();
    const r = reservoir(w.chain);
    r.assets.cache(w.a);
    const batch = [issue(w.id, 1n), issue(w.id, 2n)];
    const issues = r.storeIssues(batch).info;
    const t = r.storeTransfer(w.transfer).info;
    // the block confirms the asset, the first issue (taking its whole batch) and another transfer of the same link
    const other = transferTo(w.issueTxId, issuer);
    r.blockStored([
      { record: w.a, txId: hash.sha3_256(packed(w.a)) },
      { record: batch[0]!, txId: issues.txIds[0]! },
      { record: other, txId: hash.sha3_256(packed(other, accountOf(issuer))) },
    ]);
    expect(r.assets.get(w.id)).toBeUndefined();
    expect(r.transactionStatus(issues.txIds[1]!)).toBe(TransactionState.Unknown);
    expect(r.transactionStatus(t.txId)).toBe(TransactionState.Unknown);
    expect(r.sizes()).toMatchObject({ unverified: 0, pendingTransfers: 0, pooledBytes: 0 });
  });

  test("verified transactions leave one by one", () => {
    const w = world();
    const r = reservoir(w.chain);
    r.assets.cache(w.a);
    const batch = [issue(w.id, 1n), issue(w.id, 2n)];
    const { info } = r.storeIssues(batch);
    r.setTransferVerified(info.payId, { currency: 1, txId: "t", amounts: new Map() });
    r.blockStored([{ record: batch[1]!, txId: info.txIds[1]! }]);
    expect(r.fetchVerified(10).txIds.map(toHex)).toEqual([toHex(info.txIds[0]!)]);
    expect(r.rebroadcastItems()).toEqual([]); // a partly mined batch cannot keep its pay id
    r.blockDeleted([{ record: batch[0]!, txId: info.txIds[0]! }]);
    expect(r.sizes()).toMatchObject({ verifiedTxs: 0, pooledBytes: 0 });
    expect([...r.items()]).toEqual([]);
  });
});

describe("re-broadcast", () => {
  test("pending transfer, unverified issues with their assets, proven issues with assets and proof", () => {
    const w = world();
    const r = reservoir(w.chain);
    const proofAsset = asset("0123456789abcdef");
    r.assets.cache(proofAsset);
    r.assets.cache(w.a);
    const plain = r.storeIssues([issue(w.id, 1n)]).info;
    const proven = r.storeIssues([unpackRecord(fromHex(vectors.try_proof.packed_issues_hex), true).record]).info;
    expect(r.tryProof(proven.payId, fromHex(vectors.try_proof.client_nonce_ok_hex))).toBe(TrackingStatus.Accepted);
    r.storeTransfer(w.transfer);
    const items = r.rebroadcastItems().map((i) => [i.command, toHex(Buffer.concat(i.params))]);
    expect(items).toEqual([
      ["assets", toHex(packed(w.a))],
      ["issues", toHex(plain.packed)],
      ["assets", toHex(packed(proofAsset))],
      ["issues", vectors.try_proof.packed_issues_hex],
      ["proof", vectors.try_proof.pay_id_hex + vectors.try_proof.client_nonce_ok_hex],
      ["transfer", toHex(packed(w.transfer, accountOf(issuer)))],
    ]);
  });
});

describe("persistence", () => {
  let dir = "";
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  const openEnv = () => open({ path: join(dir, "env.lmdb"), maxDbs: 16 });
  const persist = (env: RootDatabase) =>
    lmdbPersistence((name) => env.openDB<Buffer, Buffer>({ name, encoding: "binary", keyEncoding: "binary" }), Reservoir.deriveIds(hash, true));

  test("close → reopen: the same assets, pending, verified, proven items, links and orphans", async () => {
    dir = mkdtempSync(join(tmpdir(), "reservoir-"));
    const w = world();
    const clock = fakeClock();
    let env = openEnv();
    let r = reservoir(w.chain, clock, persist(env));
    const proofAsset = asset("0123456789abcdef");
    r.assets.cache(proofAsset);
    r.assets.cache(w.a);
    clock.advance(74 * HOUR);
    r.expire(); // both assets are in use or expiring: states must survive too
    const pending = r.storeIssues([issue(w.id, 1n), issue(w.id, 2n)]).info;
    const proven = r.storeIssues([unpackRecord(fromHex(vectors.try_proof.packed_issues_hex), true).record]).info;
    r.tryProof(proven.payId, fromHex(vectors.try_proof.client_nonce_ok_hex));
    const t = r.storeTransfer(w.transfer).info;
    r.setTransferVerified(new Uint8Array(48).fill(5), { currency: 2, txId: "ltc-tx", amounts: new Map([["addr", 12n]]) });
    const before = { sizes: r.sizes(), rebroadcast: r.rebroadcastItems(), verified: r.fetchVerified(100) };
    await env.close();

    env = openEnv();
    r = reservoir(w.chain, clock, persist(env));
    expect(r.sizes()).toEqual(before.sizes);
    expect(r.rebroadcastItems()).toEqual(before.rebroadcast);
    expect(r.fetchVerified(100)).toEqual(before.verified);
    expect(r.transactionStatus(pending.txIds[1]!)).toBe(TransactionState.Pending);
    expect(r.transactionStatus(t.txId)).toBe(TransactionState.Pending);
    expect(r.storeTransfer(w.transfer).duplicate).toBe(true);
    expect(r.storeIssues([issue(w.id, 1n), issue(w.id, 2n)]).duplicate).toBe(true);
    // the orphan payment still settles its item when it arrives
    r.setTransferVerified(t.payId, { currency: 2, txId: "x", amounts: new Map([[vectors.addresses_testnet.ltc, 200000n]]) });
    expect(r.transactionStatus(t.txId)).toBe(TransactionState.Verified);
    // timers continue from the stored times
    clock.advance(72 * HOUR);
    r.expire();
    expect(r.transactionStatus(pending.txIds[0]!)).toBe(TransactionState.Unknown);
    await env.close();

    env = openEnv();
    r = reservoir(w.chain, clock, persist(env));
    expect(r.transactionStatus(pending.txIds[0]!)).toBe(TransactionState.Unknown);
    expect(r.transactionStatus(t.txId)).toBe(TransactionState.Verified);
    await env.close();
  });

  test.each([
    ["reservoir-assets", "not json"],
    ["reservoir-assets", '{"v":2,"packed":"00","state":"pending","deadline":0}'],
    ["reservoir-items", '{"v":2}'],
    ["reservoir-items", '{"v":1,"records":7}'],
    ["reservoir-orphans", '{"v":1}'],
    ["reservoir-orphans", "[]"],
  ])("an unreadable entry of %s (%s) is dropped on start; the others are kept", async (table, value) => {
    dir = mkdtempSync(join(tmpdir(), "reservoir-"));
    const w = world();
    let env = openEnv();
    let r = reservoir(w.chain, fakeClock(), persist(env));
    r.assets.cache(w.a);
    r.storeIssues([issue(w.id, 1n)]);
    r.setTransferVerified(new Uint8Array(48).fill(5), { currency: 2, txId: "ltc-tx", amounts: new Map([["addr", 12n]]) });
    const before = r.sizes();
    const db = env.openDB<Buffer, Buffer>({ name: table, encoding: "binary", keyEncoding: "binary" });
    const bad = Buffer.alloc(48, 0xee);
    await db.put(bad, Buffer.from(value));
    await env.close();

    env = openEnv();
    r = reservoir(w.chain, fakeClock(), persist(env));
    expect(r.sizes()).toEqual(before);
    expect(env.openDB<Buffer, Buffer>({ name: table, encoding: "binary", keyEncoding: "binary" }).get(bad)).toBeUndefined();
    await env.close();
  });

  test("items confirmed while the node was down are dropped on start", async () => {
    dir = mkdtempSync(join(tmpdir(), "reservoir-"));
    const w = world();
    let env = openEnv();
    let r = reservoir(w.chain, fakeClock(), persist(env));
    r.assets.cache(w.a);
    const { info } = r.storeIssues([issue(w.id, 1n)]);
    await env.close();
    w.chain.confirm(issue(w.id, 1n), 11);
    w.chain.confirmAsset(w.a, 11);
    env = openEnv();
    r = reservoir(w.chain, fakeClock(), persist(env));
    expect(r.sizes()).toMatchObject({ unverified: 0, assets: 0 });
    expect(r.transactionStatus(info.txIds[0]!)).toBe(TransactionState.Confirmed);
    await env.close();
  });

  test("startReservoir wires a store: tables, block events, handlers, timers stop", async () => {
    dir = mkdtempSync(join(tmpdir(), "reservoir-"));
    const w = world();
    const env = openEnv();
    const stored: ((e: { records: { record: import("../../../src/chain/types/records/types.ts").TxRecord; txId: Uint8Array }[] }) => void)[] = [];
    const host = Object.assign(w.chain, {
      openTable: (name: string) => env.openDB<Buffer, Buffer>({ name, encoding: "binary", keyEncoding: "binary" }),
      onBlockStored: (fn: (typeof stored)[number]) => (stored.push(fn), () => void stored.splice(stored.indexOf(fn), 1)),
      onBlockDeleted: () => () => {},
    });
    const sent: string[] = [];
    const clock = fakeClock();
    const rsv = startReservoir({ store: host, chain: "testing", broadcast: (c) => sent.push(c), clock, limits: { rebroadcastIntervalMs: 25 } });
    expect(Object.keys(rsv.handlers)).toEqual(["assets", "issues", "transfer", "proof"]);
    expect(rsv.handlers.assets(packed(w.a))).toBe(true);
    expect(rsv.handlers.issues(packed(issue(w.id, 1n)))).toBe(true);
    rsv.rebroadcast();
    expect(sent).toEqual(["assets", "issues"]);
    clock.advance(50); // the timer re-broadcasts twice
    expect(sent).toEqual(["assets", "issues", "assets", "issues", "assets", "issues"]);
    stored[0]!({ records: [{ record: w.a, txId: hash.sha3_256(packed(w.a)) }] });
    expect(rsv.reservoir.assets.get(w.id)).toBeUndefined();
    rsv.stop();
    expect(stored).toEqual([]);
    const after = sent.length;
    clock.advance(60 * HOUR);
    expect(sent.length).toBe(after);
    expect(clock.pending).toBe(0);
    await env.close();
  });

  test("the cleaner timer expires an asset after 2 × 73 h with no call but the clock's", async () => {
    dir = mkdtempSync(join(tmpdir(), "reservoir-"));
    const w = world();
    const env = openEnv();
    const host = Object.assign(w.chain, {
      openTable: (name: string) => env.openDB<Buffer, Buffer>({ name, encoding: "binary", keyEncoding: "binary" }),
      onBlockStored: () => () => {},
      onBlockDeleted: () => () => {},
    });
    const clock = fakeClock();
    const rsv = startReservoir({ store: host, chain: "testing", broadcast: () => {}, clock });
    const a = asset("fp-cleaner");
    expect(rsv.handlers.assets(packed(a))).toBe(true);
    const clean = rsv.reservoir.limits.cleanIntervalMs;
    clock.advance(73 * HOUR + clean); // the first sweep after 73 h: expiring, still served
    expect(rsv.reservoir.assets.exists(assetIdOf(a))).toBe(true);
    clock.advance(73 * HOUR - clean - 1);
    expect(rsv.reservoir.assets.exists(assetIdOf(a))).toBe(true);
    clock.advance(2 * clean); // the next sweep after the second 73 h: gone
    expect(rsv.reservoir.assets.exists(assetIdOf(a))).toBe(false);
    rsv.stop();
    expect(clock.pending).toBe(0);
    await env.close();
  });
});
