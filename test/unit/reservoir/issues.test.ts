/** StoreIssues and TryProof rules, error texts in bitmarkd's order, payments for issues, orphan payments. */
import { describe, expect, test } from "bun:test";
import { makeAccount } from "../../../src/chain/types/account.ts";
import { unpackRecord } from "../../../src/chain/types/records/unpack.ts";
import { activeBackend } from "../../../src/crypto/index.ts";
import { Reservoir } from "../../../src/reservoir/reservoir.ts";
import { TrackingStatus, TransactionState } from "../../../src/reservoir/status.ts";
import type { TxRecord } from "../../../src/chain/types/records/types.ts";
import { faultOf } from "../../support/fault.ts";
import { fromHex, toHex } from "../../support/hex.ts";
import { asset, assetIdOf, BTC, FakeChain, issue, LTC, packed, testKey, txIdOf, vectors } from "../../support/reservoir-fakes.ts";

const hash = activeBackend();

function setup(limits = {}) {
  const chain = new FakeChain();
  const r = new Reservoir({ chain: "testing", view: chain, hash, limits });
  const cached = asset("fingerprint-cached");
  r.assets.cache(cached);
  const confirmed = asset("fingerprint-confirmed");
  chain.confirmAsset(confirmed, 5);
  chain.setBlockPayment(5);
  return { chain, r, cachedId: assetIdOf(cached), confirmedId: assetIdOf(confirmed) };
}

describe("storeIssues errors", () => {
  const liveIssuer = testKey("issuer", false);
  const cases: { name: string; issues: (s: ReturnType<typeof setup>) => TxRecord[]; prepare?: (s: ReturnType<typeof setup>) => void; error: string }[] = [
    { name: "more than 100", issues: (s) => Array.from({ length: 101 }, (_, i) => issue(s.cachedId, BigInt(i))), error: "too many items to process" },
    { name: "none", issues: () => [], error: "missing parameters" },
    { name: "not an issue", issues: () => [asset("x")], error: "invalid item" },
    {
      name: "owner on the live network",
      issues: (s) => [{ tag: 3, assetId: s.cachedId, owner: makeAccount(liveIssuer.privateKey.subarray(32), false), nonce: 1n, signature: new Uint8Array(64) }],
      error: "wrong network for public key",
    },
    { name: "bad signature", issues: (s) => [{ ...issue(s.cachedId, 1n), nonce: 2n }], error: "invalid signature" },
    { name: "asset unknown", issues: () => [issue(new Uint8Array(64).fill(7), 1n)], error: "asset not found" },
    { name: "already confirmed", issues: (s) => [issue(s.cachedId, 1n)], prepare: (s) => void s.chain.confirm(issue(s.cachedId, 1n), 9), error: "transaction already exists" },
    {
      name: "already verified",
      issues: (s) => [issue(s.cachedId, 1n)],
      prepare: (s) => {
        const { info } = s.r.storeIssues([issue(s.cachedId, 1n)]);
        s.r.setTransferVerified(info.payId, { currency: 1, txId: "x", amounts: new Map() });
      },
      error: "transaction already exists",
    },
    {
      name: "overlapping batch",
      issues: (s) => [issue(s.cachedId, 1n), issue(s.cachedId, 3n)],
      prepare: (s) => void s.r.storeIssues([issue(s.cachedId, 1n), issue(s.cachedId, 2n)]),
      error: "transaction already exists",
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const s = setup();
      c.prepare?.(s);
      expect(faultOf(() => s.r.storeIssues(c.issues(s)))).toBe(c.error);
    });
  }

  test("the first failing issue decides, in record order", () => {
    const s = setup();
    expect(faultOf(() => s.r.storeIssues([issue(new Uint8Array(64), 1n), { ...issue(s.cachedId, 1n), nonce: 5n }]))).toBe("asset not found");
  });

  test("full pools refuse new batches", () => {
    const s = setup({ maxUnverified: 2 });
    s.r.storeIssues([issue(s.cachedId, 1n)]);
    s.r.storeIssues([issue(s.cachedId, 2n)]);
    expect(faultOf(() => s.r.storeIssues([issue(s.cachedId, 3n)]))).toBe("too many items to process");
    expect(s.r.sizes().unverified).toBe(2);
  });
});

describe("storeIssues results", () => {
  test("pay id, txids, packed, pay nonce, difficulty of a batch", () => {
    const s = setup();
    const batch = [issue(s.cachedId, 1n), issue(s.cachedId, 2n), issue(s.cachedId, 3n)];
    const parts = batch.map((i) => packed(i));
    const { info, duplicate } = s.r.storeIssues(batch);
    expect(duplicate).toBe(false);
    expect(toHex(info.payId)).toBe(toHex(hash.sha3_384(Buffer.concat(parts))));
    expect(info.txIds.map(toHex)).toEqual(parts.map((p) => toHex(txIdOf(p))));
    expect(toHex(info.packed)).toBe(toHex(Buffer.concat(parts)));
    expect(toHex(info.payNonce)).toBe(vectors.genesis_pay_nonce.testing);
    const row = vectors.scaled_difficulty.testing[2]!;
    expect(info.difficulty.bits.toString(16).padStart(16, "0")).toBe(row[1] as string);
    expect(info.payments).toBeNull();
    for (const t of info.txIds) expect(s.r.transactionStatus(t)).toBe(TransactionState.Pending);
    expect(s.r.counters()).toEqual({ pending: 3, verified: 0 });
  });

  test("the same batch again is a duplicate with the same pay id", () => {
    const s = setup();
    const batch = [issue(s.cachedId, 1n), issue(s.cachedId, 2n)];
    const first = s.r.storeIssues(batch);
    const again = s.r.storeIssues(batch);
    expect(again.duplicate).toBe(true);
    expect(toHex(again.info.payId)).toBe(toHex(first.info.payId));
    expect(s.r.sizes().unverified).toBe(1);
  });

  test("non-canonical input is pooled in canonical form", () => {
    const s = setup();
    const rec = issue(s.cachedId, 99n);
    const canonical = packed(rec);
    // nonce 99 as a two-byte varint (quirk #1): the same record, different raw bytes
    const raw = Buffer.concat([canonical.subarray(0, 101 - 1), Buffer.from([0xe3, 0x00]), canonical.subarray(101)]);
    const decoded = unpackRecord(raw, true).record;
    const { info } = s.r.storeIssues([decoded]);
    expect(toHex(info.packed)).toBe(toHex(canonical));
  });

  const paymentCases: { name: string; assets: (s: ReturnType<typeof setup>) => Uint8Array[]; expected: string[][] | null | string }[] = [
    { name: "asset only cached: proof only", assets: (s) => [s.cachedId], expected: null },
    { name: "asset confirmed in block 5: fee × count per currency", assets: (s) => [s.confirmedId, s.confirmedId], expected: [[`1 ${BTC} 20000`], [`2 ${LTC} 200000`]] },
    { name: "mixed confirmed and cached", assets: (s) => [s.confirmedId, s.cachedId], expected: null },
    {
      name: "assets of different blocks",
      assets: (s) => {
        const other = asset("fingerprint-block-6");
        s.chain.setBlockPayment(6);
        return [s.confirmedId, s.chain.confirmAsset(other, 6)];
      },
      expected: null,
    },
    { name: "asset in genesis (block 1): no payment", assets: (s) => [s.chain.confirmAsset(asset("fingerprint-genesis"), 1)], expected: null },
    { name: "fee record of the asset's block missing", assets: (s) => [s.chain.confirmAsset(asset("fingerprint-block-7"), 7)], expected: "asset not found" },
  ];
  for (const c of paymentCases) {
    test(`payments: ${c.name}`, () => {
      const s = setup();
      const batch = c.assets(s).map((id, i) => issue(id, BigInt(i + 1)));
      if (typeof c.expected === "string") {
        expect(faultOf(() => s.r.storeIssues(batch))).toBe(c.expected);
        return;
      }
      const { info } = s.r.storeIssues(batch);
      expect(info.payments?.map((alt) => alt.map((p) => `${p.currency} ${p.address} ${p.amount}`)) ?? null).toEqual(c.expected);
    });
  }

  test("an orphan payment settles the batch as soon as it arrives", () => {
    const s = setup();
    const batch = [issue(s.confirmedId, 1n)];
    const payId = hash.sha3_384(packed(batch[0]!));
    s.r.setTransferVerified(payId, { currency: 1, txId: "btc-tx", amounts: new Map([[BTC, 10000n]]) });
    expect(s.r.sizes().orphans).toBe(1);
    const { info } = s.r.storeIssues(batch);
    expect(s.r.transactionStatus(info.txIds[0]!)).toBe(TransactionState.Verified);
    expect(s.r.sizes().orphans).toBe(0);
  });

  test("an orphan payment too small leaves the batch unverified", () => {
    const s = setup();
    const batch = [issue(s.confirmedId, 1n)];
    s.r.setTransferVerified(hash.sha3_384(packed(batch[0]!)), { currency: 1, txId: "btc-tx", amounts: new Map([[BTC, 9999n]]) });
    const { info } = s.r.storeIssues(batch);
    expect(s.r.transactionStatus(info.txIds[0]!)).toBe(TransactionState.Pending);
  });
});

describe("tryProof", () => {
  const v = vectors.try_proof;
  const provable = () => {
    const s = setup();
    const rec = unpackRecord(fromHex(v.packed_issues_hex), true).record;
    if (rec.tag !== 3) throw new Error("fixture is not an issue");
    s.r.assets.cache(asset("0123456789abcdef"));
    const { info } = s.r.storeIssues([rec]);
    return { ...s, info };
  };

  test("the worked example: pay id, target, accepted and invalid nonces", () => {
    const s = provable();
    expect(toHex(s.info.payId)).toBe(v.pay_id_hex);
    expect(s.info.difficulty.target.toString(16).padStart(64, "0")).toBe(v.difficulty_exact_target_hex);
    expect(toHex(hash.sha3_256(Buffer.concat([s.info.payId, fromHex(vectors.try_proof_ring_crc_hex), fromHex(v.client_nonce_ok_hex)])))).toBe(v.hash_ok_hex);
    expect(s.r.tryProof(s.info.payId, fromHex(v.client_nonce_bad_hex))).toBe(TrackingStatus.Invalid);
    expect(s.r.tryProof(s.info.payId, fromHex(v.client_nonce_ok_hex))).toBe(TrackingStatus.Accepted);
    expect(s.r.transactionStatus(s.info.txIds[0]!)).toBe(TransactionState.Verified);
    // already used: the entry left the unverified pool
    expect(s.r.tryProof(s.info.payId, fromHex(v.client_nonce_ok_hex))).toBe(TrackingStatus.NotFound);
    const fetched = s.r.fetchVerified(10);
    expect(fetched.txIds.map(toHex)).toEqual(s.info.txIds.map(toHex));
    expect(toHex(fetched.packed[0]!)).toBe(v.packed_issues_hex);
    expect(fetched.totalBytes).toBe(v.packed_issues_hex.length / 2);
  });

  test("the proof is tried against every ring CRC, not only the newest", () => {
    const s = provable();
    s.chain.crcs = [new Uint8Array(8).fill(1), ...s.chain.crcs.slice(1)];
    expect(s.r.tryProof(s.info.payId, fromHex(v.client_nonce_ok_hex))).toBe(TrackingStatus.Accepted);
  });

  test("unknown pay id → NotFound", () => {
    const s = setup();
    expect(s.r.tryProof(new Uint8Array(48), new Uint8Array(8))).toBe(TrackingStatus.NotFound);
  });

  for (const length of [0, 7, 65]) {
    test(`nonce of ${length} bytes → "invalid nonce"`, () => {
      const s = provable();
      expect(faultOf(() => s.r.tryProof(s.info.payId, new Uint8Array(length)))).toBe("invalid nonce");
    });
  }
  for (const length of [8, 64]) {
    test(`nonce of ${length} bytes is tried`, () => {
      const s = provable();
      expect(s.r.tryProof(s.info.payId, new Uint8Array(length))).toBe(TrackingStatus.Invalid);
    });
  }
});
