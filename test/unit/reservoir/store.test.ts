/**
 * The reservoir on the real chain store (`local` chain, block digests supplied so no Argon2 runs): tables in
 * the store's LMDB environment, block events dropping mined items, transfers checked against the store's
 * ownership and fee tables, and everything back after a restart.
 */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, type Store } from "../../../src/chain/store/store.ts";
import { activeBackend } from "../../../src/crypto/index.ts";
import { startReservoir } from "../../../src/reservoir/index.ts";
import { TransactionState } from "../../../src/reservoir/status.ts";
import { accountOf, asset, assetIdOf, BTC, issue, issuer, LTC, ownerTwo, packed, storeLocalBlock, transferTo } from "../../support/reservoir-fakes.ts";

const hash = activeBackend();

let dir = "";
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

const storeBlock = (store: Store, records: Uint8Array[]) => storeLocalBlock(store, records, ownerTwo, 100);

test("pooled items reach a block, leave the pools, and their successors are priced from the store", async () => {
  dir = mkdtempSync(join(tmpdir(), "reservoir-store-"));
  const sent: string[] = [];
  let store = openStore(dir, "local");
  let rsv = startReservoir({ store, chain: "local", broadcast: (c) => sent.push(c) });
  const r = () => rsv.reservoir;

  const a = asset("fp-store");
  const id = assetIdOf(a);
  const iss = issue(id, 1n);
  expect(rsv.handlers.assets(packed(a))).toBe(true);
  expect(rsv.handlers.issues(packed(iss))).toBe(true);
  const issueTxId = hash.sha3_256(packed(iss));
  r().setTransferVerified(hash.sha3_384(packed(iss)), { currency: 1, txId: "paid", amounts: new Map() });
  expect(r().transactionStatus(issueTxId)).toBe(TransactionState.Verified);

  // restart before mining: the verified issue and the cached asset survive in the store's environment
  rsv.stop();
  await store.close();
  store = openStore(dir, "local");
  rsv = startReservoir({ store, chain: "local", broadcast: (c) => sent.push(c) });
  expect(r().transactionStatus(issueTxId)).toBe(TransactionState.Verified);
  expect(r().assets.get(id)).toBeDefined();

  // the block maker's view: verified transactions plus their unconfirmed assets
  const { packed: txs } = r().fetchVerified(100);
  await storeBlock(store, [r().assets.get(id)!, ...txs]);
  expect(r().assets.get(id)).toBeUndefined();
  expect(r().transactionStatus(issueTxId)).toBe(TransactionState.Confirmed);
  expect(r().fetchVerified(100).txIds).toEqual([]);

  // a transfer of the new bitmark: the issue block (2) owner is paid twice
  const transfer = transferTo(issueTxId);
  const t = r().storeTransfer(transfer);
  expect(t.info.payments.map((alt) => alt.map((p) => `${p.currency} ${p.address} ${p.amount}`))).toEqual([[`1 ${BTC} 20000`], [`2 ${LTC} 200000`]]);
  // a different transfer of the same bitmark is mined first: the pending one is dropped with it
  const other = transferTo(issueTxId, ownerTwo);
  await storeBlock(store, [packed(other, accountOf(issuer))]);
  expect(r().transactionStatus(t.info.txId)).toBe(TransactionState.Unknown);
  expect(r().sizes()).toMatchObject({ unverified: 0, pendingTransfers: 0, verifiedTxs: 0, assets: 0 });
  expect(() => r().storeTransfer(transfer)).toThrow("double transfer attempt");

  rsv.stop();
  await store.close();
  expect(sent).toEqual([]);
});
