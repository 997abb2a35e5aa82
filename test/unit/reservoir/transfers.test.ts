/** StoreTransfer rules and error texts in bitmarkd's order, transfer payments (incl. escrow, quirk #4). */
import { describe, expect, test } from "bun:test";
import { CURRENCY_BITCOIN, CURRENCY_LITECOIN, CURRENCY_NOTHING } from "../../../src/chain/types/currency.ts";
import { escrow, newBlockFoundation, newBlockOwnerTransfer, newTransferCountersigned, signRecord } from "../../../src/chain/types/records/sign.ts";
import type { TxRecord } from "../../../src/chain/types/records/types.ts";
import type { HashBackend } from "../../../src/crypto/api.ts";
import { activeBackend } from "../../../src/crypto/index.ts";
import { Reservoir } from "../../../src/reservoir/reservoir.ts";
import { TransactionState } from "../../../src/reservoir/status.ts";
import { faultOf } from "../../support/fault.ts";
import { toHex } from "../../support/hex.ts";
import { accountOf, asset, assetIdOf, BTC, FakeChain, issue, issuer, LTC, ownerOne, ownerTwo, packed, transferTo, txIdOf, vectors } from "../../support/reservoir-fakes.ts";

const hash = activeBackend();

const OTHER_BTC = vectors.addresses_testnet.btc_other;

/** A chain where `issuer` holds a bitmark issued in block 10 (fees of block 10 to BTC/LTC). */
function setup(h: HashBackend = hash) {
  const chain = new FakeChain();
  const a = asset("fingerprint-transfer");
  chain.confirmAsset(a, 10);
  const issueTxId = chain.confirmIssue(issue(assetIdOf(a), 1n), 10);
  const r = new Reservoir({ chain: "testing", view: chain, hash: h });
  /** the transaction the bitmark was last moved by (tests move it further) */
  const link = issueTxId;
  return { chain, r, issueTxId, link };
}

describe("storeTransfer errors", () => {
  type S = ReturnType<typeof setup>;
  const cases: { name: string; transfer: (s: S) => TxRecord; prepare?: (s: S) => void; error: string }[] = [
    { name: "not a transfer", transfer: (s) => issue(s.issueTxId, 5n), error: "invalid item" },
    { name: "link unknown", transfer: () => transferTo(new Uint8Array(32).fill(9)), error: "link to invalid or unconfirmed transaction" },
    {
      name: "link to an asset record",
      transfer: (s) => {
        const a = asset("fingerprint-as-link");
        return transferTo(s.chain.confirm(a, 11));
      },
      error: "link to invalid or unconfirmed transaction",
    },
    {
      name: "block-owner transfer of an issue",
      transfer: (s) => signRecord(newBlockOwnerTransfer(s.issueTxId, new Map([[CURRENCY_BITCOIN, BTC], [CURRENCY_LITECOIN, LTC]]), accountOf(ownerOne)), issuer, ownerOne),
      error: "link to invalid or unconfirmed transaction",
    },
    {
      name: "bitmark transfer of a block foundation",
      transfer: (s) => transferTo(s.chain.confirm(newFoundation(), 12)),
      error: "link to invalid or unconfirmed transaction",
    },
    { name: "signed by someone else", transfer: (s) => transferTo(s.issueTxId, ownerTwo, ownerOne), error: "invalid signature" },
    {
      name: "countersignature missing its new owner's key",
      transfer: (s) => ({ ...signRecord(newTransferCountersigned(s.issueTxId, accountOf(ownerOne)), issuer, ownerTwo) }),
      error: "invalid signature",
    },
    { name: "no longer owned", transfer: (s) => transferTo(s.issueTxId), prepare: (s) => s.chain.disown(accountOf(issuer), s.issueTxId), error: "double transfer attempt" },
    {
      name: "another transfer of the link is pending",
      transfer: (s) => transferTo(s.issueTxId, ownerTwo),
      prepare: (s) => void s.r.storeTransfer(transferTo(s.issueTxId, ownerOne)),
      error: "double transfer attempt",
    },
    {
      name: "already confirmed",
      transfer: (s) => transferTo(s.issueTxId),
      prepare: (s) => void s.chain.confirm(transferTo(s.issueTxId), 13, accountOf(issuer)),
      error: "transaction already exists",
    },
    {
      name: "previous transfer has an escrow in currency Nothing (quirk #4)",
      transfer: (s) => transferTo(s.link, ownerTwo, ownerOne),
      prepare: (s) => {
        const previous = transferTo(s.issueTxId, ownerOne, issuer, escrow(CURRENCY_NOTHING, "nothing", 5n));
        s.link = s.chain.confirm(previous, 14, accountOf(issuer));
        s.chain.own(accountOf(ownerOne), s.link, s.issueTxId, 10, 14);
        s.chain.setBlockPayment(14);
      },
      error: "invalid currency",
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const s = setup();
      c.prepare?.(s);
      expect(faultOf(() => s.r.storeTransfer(c.transfer(s)))).toBe(c.error);
    });
  }

  test("a transfer whose txid is its own link: the confirmed-txid rule fires first, as in 8.2", () => {
    // No real record contains its own sha3-256; a hash that maps this transfer to its link does. The link is
    // confirmed, so "transaction already exists" precedes "transaction links to self" (which 8.2 can never reach).
    let target: Uint8Array | undefined;
    let link: Uint8Array | undefined;
    const selfHash: HashBackend = { ...hash, sha3_256: (d) => (target && link && Buffer.compare(d, target) === 0 ? link : hash.sha3_256(d)) };
    const s = setup(selfHash);
    const t = transferTo(s.issueTxId);
    target = packed(t, accountOf(issuer));
    link = s.issueTxId;
    expect(faultOf(() => s.r.storeTransfer(t))).toBe("transaction already exists");
  });
});

function newFoundation() {
  const owner = accountOf(ownerTwo);
  return signRecord(newBlockFoundation(new Map([[CURRENCY_BITCOIN, BTC], [CURRENCY_LITECOIN, LTC]]), owner, 1234n), ownerTwo);
}

describe("storeTransfer results and payments", () => {
  const show = (alts: readonly (readonly { currency: number; address: string; amount: bigint }[])[]) => alts.map((a) => a.map((p) => `${p.currency} ${p.address} ${p.amount}`));

  test("first transfer of a bitmark: the issue block owner is paid twice", () => {
    const s = setup();
    const t = transferTo(s.issueTxId);
    const { info, duplicate } = s.r.storeTransfer(t);
    expect(duplicate).toBe(false);
    const p = packed(t, accountOf(issuer));
    expect(toHex(info.packed)).toBe(toHex(p));
    expect(toHex(info.txId)).toBe(toHex(txIdOf(p)));
    expect(toHex(info.payId)).toBe(toHex(hash.sha3_384(p)));
    expect(show(info.payments)).toEqual([[`1 ${BTC} 20000`], [`2 ${LTC} 200000`]]);
    expect(s.r.transactionStatus(info.txId)).toBe(TransactionState.Pending);
    expect(s.r.sizes().pendingTransfers).toBe(1);
  });

  const later: { name: string; btc: string; expected: string[][] }[] = [
    { name: "same block owner: one payment with both fees", btc: BTC, expected: [[`1 ${BTC} 20000`], [`2 ${LTC} 200000`]] },
    { name: "different block owner: two payments", btc: OTHER_BTC, expected: [[`1 ${BTC} 10000`, `1 ${OTHER_BTC} 10000`], [`2 ${LTC} 200000`]] },
  ];
  for (const c of later) {
    test(`later transfer: ${c.name}`, () => {
      const s = setup();
      const previous = transferTo(s.issueTxId, ownerOne);
      const id = s.chain.confirm(previous, 20, accountOf(issuer));
      s.chain.own(accountOf(ownerOne), id, s.issueTxId, 10, 20);
      s.chain.setBlockPayment(20, c.btc);
      const { info } = s.r.storeTransfer(transferTo(id, ownerTwo, ownerOne));
      expect(show(info.payments)).toEqual(c.expected);
    });
  }

  test("escrow of the previous transfer: only its currency, escrow appended", () => {
    const s = setup();
    const previous = transferTo(s.issueTxId, ownerOne, issuer, escrow(CURRENCY_BITCOIN, OTHER_BTC, 777n));
    const id = s.chain.confirm(previous, 20, accountOf(issuer));
    s.chain.own(accountOf(ownerOne), id, s.issueTxId, 10, 20);
    s.chain.setBlockPayment(20);
    const { info } = s.r.storeTransfer(transferTo(id, ownerTwo, ownerOne));
    expect(show(info.payments)).toEqual([[`1 ${BTC} 20000`, `1 ${OTHER_BTC} 777`]]);
  });

  test("countersigned transfer", () => {
    const s = setup();
    const t = signRecord(newTransferCountersigned(s.issueTxId, accountOf(ownerOne)), issuer, ownerOne);
    expect(s.r.storeTransfer(t).duplicate).toBe(false);
  });

  test("block-owner transfer of a foundation, then of that transfer", () => {
    const s = setup();
    const foundation = newFoundation();
    const f = s.chain.confirm(foundation, 30);
    s.chain.setBlockPayment(30);
    s.chain.own(accountOf(ownerTwo), f, f, 30);
    const pay = new Map([[CURRENCY_BITCOIN, OTHER_BTC], [CURRENCY_LITECOIN, LTC]] as const);
    const bot = signRecord(newBlockOwnerTransfer(f, pay, accountOf(ownerOne)), ownerTwo, ownerOne);
    const { info } = s.r.storeTransfer(bot);
    expect(show(info.payments)).toEqual([[`1 ${BTC} 20000`], [`2 ${LTC} 200000`]]);
    const boTxId = s.chain.confirm(bot, 31, accountOf(ownerTwo));
    s.chain.own(accountOf(ownerOne), boTxId, f, 30, 31);
    s.chain.setBlockPayment(31);
    const next = signRecord(newBlockOwnerTransfer(boTxId, pay, accountOf(issuer)), ownerOne, issuer);
    expect(s.r.storeTransfer(next).duplicate).toBe(false);
  });

  test("the same transfer again is a duplicate with the first payments", () => {
    const s = setup();
    const t = transferTo(s.issueTxId);
    const first = s.r.storeTransfer(t);
    const again = s.r.storeTransfer(t);
    expect(again.duplicate).toBe(true);
    expect(toHex(again.info.payId)).toBe(toHex(first.info.payId));
    expect(again.info.payments).toEqual(first.info.payments);
  });

  test("payment: an acceptable payment verifies; a short one becomes an orphan", () => {
    const s = setup();
    const { info } = s.r.storeTransfer(transferTo(s.issueTxId));
    s.r.setTransferVerified(info.payId, { currency: 2, txId: "ltc", amounts: new Map([[LTC, 199999n]]) });
    expect(s.r.transactionStatus(info.txId)).toBe(TransactionState.Pending);
    expect(s.r.sizes().orphans).toBe(1);
    s.r.setTransferVerified(info.payId, { currency: 2, txId: "ltc", amounts: new Map([[LTC, 200000n]]) });
    expect(s.r.transactionStatus(info.txId)).toBe(TransactionState.Verified);
    expect(s.r.fetchVerified(5).txIds.map(toHex)).toEqual([toHex(info.txId)]);
    // still pending on its link: a different transfer of the same bitmark is a double transfer
    expect(faultOf(() => s.r.storeTransfer(transferTo(s.issueTxId, ownerTwo)))).toBe("double transfer attempt");
  });

  test("a transfer's pay id cannot be proven", () => {
    const s = setup();
    const { info } = s.r.storeTransfer(transferTo(s.issueTxId));
    expect(s.r.tryProof(info.payId, new Uint8Array(8))).toBe(3);
  });
});
