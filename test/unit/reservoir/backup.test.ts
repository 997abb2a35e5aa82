/** bitmarkd 8.2's reservoir backup file: format round trip, 8.2's entry order, replay into a fresh reservoir. */
import { describe, expect, test } from "bun:test";
import { unpackRecord } from "../../../src/chain/types/records/unpack.ts";
import { hash } from "../../../src/crypto/index.ts";
import { backupEntries, decodeBackup, encodeBackup, restoreBackup } from "../../../src/reservoir/backup-file.ts";
import { Reservoir } from "../../../src/reservoir/reservoir.ts";
import { TransactionState } from "../../../src/reservoir/status.ts";
import { fromHex, toHex } from "../../support/hex.ts";
import { asset, assetIdOf, FakeChain, issue, packed, transferTo, vectors } from "../../support/reservoir-fakes.ts";

function filled() {
  const chain = new FakeChain();
  const a = asset("fp-backup");
  const id = assetIdOf(a);
  const issueTxId = chain.confirmIssue(issue(id, 100n), 10);
  const r = new Reservoir({ chain: "testing", view: chain, hash });
  const proofAsset = asset("0123456789abcdef");
  r.assets.cache(proofAsset);
  r.assets.cache(a);
  const proven = r.storeIssues([unpackRecord(fromHex(vectors.try_proof.packed_issues_hex), true).record]).info;
  r.tryProof(proven.payId, fromHex(vectors.try_proof.client_nonce_ok_hex));
  const pending = r.storeIssues([issue(id, 1n), issue(id, 2n)]).info;
  const transfer = transferTo(issueTxId);
  const t = r.storeTransfer(transfer).info;
  return { chain, r, a, proofAsset, proven, pending, t };
}

describe("backup file", () => {
  test("entries in 8.2's order: assets, unverified items, verified items with their proof", () => {
    const f = filled();
    const entries = backupEntries(f.r).map((e) => [e.tag, toHex(e.data)]);
    expect(entries).toEqual([
      ["A", toHex(packed(f.proofAsset))],
      ["A", toHex(packed(f.a))],
      ["I", toHex(f.pending.packed)],
      ["T", toHex(f.t.packed)],
      ["I", vectors.try_proof.packed_issues_hex],
      ["P", vectors.try_proof.pay_id_hex + vectors.try_proof.client_nonce_ok_hex],
    ]);
  });

  test("encode → decode round trip; framing is tag, BE16 length, data", () => {
    const f = filled();
    const entries = backupEntries(f.r);
    const file = encodeBackup(entries);
    expect(toHex(file.subarray(0, 3))).toBe("41" + packed(f.proofAsset).length.toString(16).padStart(4, "0"));
    expect(decodeBackup(file).map((e) => [e.tag, toHex(e.data)])).toEqual(entries.map((e) => [e.tag, toHex(e.data)]));
  });

  const bad: { name: string; file: number[]; error: string }[] = [
    { name: "truncated header", file: [0x41, 0x00], error: "truncated entry header" },
    { name: "truncated data", file: [0x49, 0x00, 0x05, 1, 2], error: "truncated entry" },
    { name: "unknown tag", file: [0x58, 0x00, 0x00], error: "unknown tag" },
  ];
  for (const b of bad) test(`decode: ${b.name}`, () => expect(() => decodeBackup(Uint8Array.from(b.file))).toThrow(b.error));

  test("an entry over 65535 bytes cannot be written", () => {
    expect(() => encodeBackup([{ tag: "I", data: new Uint8Array(65536) }])).toThrow("65536 bytes");
  });

  test("replay into a fresh reservoir restores the same pools", () => {
    const f = filled();
    const file = encodeBackup(backupEntries(f.r));
    const fresh = new Reservoir({ chain: "testing", view: f.chain, hash });
    expect(restoreBackup(fresh, decodeBackup(file))).toEqual({ accepted: 6, refused: 0 });
    expect(fresh.sizes()).toEqual(f.r.sizes());
    expect(fresh.transactionStatus(f.proven.txIds[0]!)).toBe(TransactionState.Verified);
    expect(fresh.transactionStatus(f.pending.txIds[1]!)).toBe(TransactionState.Pending);
    expect(fresh.transactionStatus(f.t.txId)).toBe(TransactionState.Pending);
    // replaying again: pending items are duplicates (no error), the proven batch "transaction already exists",
    // and its proof finds no unverified pay id
    expect(restoreBackup(fresh, decodeBackup(file))).toEqual({ accepted: 4, refused: 2 });
    expect(fresh.sizes()).toEqual(f.r.sizes());
  });
});
