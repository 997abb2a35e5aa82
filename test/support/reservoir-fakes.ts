/**
 * Test doubles for the reservoir tests: an in-memory chain (the `ChainView` lookups), signed records made
 * with the bitmarkd test keys, and the fixture vectors.
 */
import { accountToBytes, makeAccount, type Account, type PrivateKey } from "../../src/chain/types/account.ts";
import { CURRENCY_BITCOIN, CURRENCY_LITECOIN, packCurrencyMap } from "../../src/chain/types/currency.ts";
import { OWNED_ASSET, type OwnershipEntry } from "../../src/chain/rules/ownership.ts";
import { assetIdOf as assetIdOfFingerprint, txIdOf } from "../../src/chain/types/records/ids.ts";
import { packRecord } from "../../src/chain/types/records/pack.ts";
import { newAssetData, newBitmarkIssue, newTransferUnratified, signRecord } from "../../src/chain/types/records/sign.ts";
import type { AssetData, BitmarkIssue, BitmarkTransferUnratified, Escrow, TxRecord } from "../../src/chain/types/records/types.ts";
import type { ChainView } from "../../src/reservoir/ports.ts";
import { ManualClock } from "../../src/base/clock.ts";
import { ONE_BITS } from "../../src/chain/rules/difficulty.ts";
import { merkleRoot } from "../../src/chain/rules/merkle.ts";
import { CURRENT_VERSION, packHeader } from "../../src/chain/types/header.ts";
import { newBlockFoundation } from "../../src/chain/types/records/sign.ts";
import type { Store } from "../../src/chain/store/store.ts";
import { activeBackend } from "../../src/crypto/index.ts";
import vectors from "../fixtures/reservoir-vectors.json";
import { fromHex, toHex } from "./hex.ts";

const hash = activeBackend();

export { vectors };

/** A test key pair on the test network (or the live one with `testnet` false). */
export function testKey(name: keyof typeof vectors.keys, testnet = true): PrivateKey {
  return { algorithm: 1, testnet, privateKey: fromHex(vectors.keys[name]) };
}

export function accountOf(key: PrivateKey): Account {
  return makeAccount(key.privateKey.subarray(32), key.testnet);
}

export const registrant = testKey("registrant");
export const issuer = testKey("issuer");
export const ownerOne = testKey("ownerOne");
export const ownerTwo = testKey("ownerTwo");

/** A signed asset with the given fingerprint (name "Item's Name", registered by the test registrant). */
export function asset(fingerprint: string, key = registrant, name = "Item's Name"): AssetData {
  return signRecord(newAssetData(name, fingerprint, "", accountOf(key)), key);
}

export const assetIdOf = (a: AssetData) => assetIdOfFingerprint(a.fingerprint);

/** A signed issue of `assetId` owned by `key`. */
export function issue(assetId: Uint8Array, nonce: bigint, key = issuer): BitmarkIssue {
  return signRecord(newBitmarkIssue(assetId, accountOf(key), nonce), key);
}

/** A transfer of the bitmark last moved by `link`, signed by its holder `from`. */
export function transferTo(link: Uint8Array, to = ownerOne, from = issuer, esc: Escrow | null = null): BitmarkTransferUnratified {
  return signRecord(newTransferUnratified(link, accountOf(to), esc), from);
}

export function packed(rec: TxRecord, signer?: Account): Uint8Array {
  return packRecord(rec, signer ?? ("owner" in rec ? rec.owner : rec.registrant));
}

export { txIdOf };

export const BTC = vectors.addresses_testnet.btc;
export const LTC = vectors.addresses_testnet.ltc;

/** The confirmed chain as the reservoir sees it; tests put what they need. */
export class FakeChain implements ChainView {
  readonly transactions = new Map<string, { block: number; packed: Uint8Array }>();
  readonly assets = new Map<string, { block: number; packed: Uint8Array }>();
  readonly payments = new Map<number, Uint8Array>();
  readonly owned = new Map<string, OwnershipEntry>();
  crcs: Uint8Array[] = Array.from({ length: 19 }, () => fromHex(vectors.genesis_pay_nonce.testing));

  transaction(txId: Uint8Array) {
    return this.transactions.get(toHex(txId));
  }
  asset(assetId: Uint8Array) {
    return this.assets.get(toHex(assetId));
  }
  blockOwnerPayment(n: number) {
    return this.payments.get(n);
  }
  ownership(owner: Uint8Array, txId: Uint8Array) {
    return this.owned.get(toHex(owner) + toHex(txId));
  }
  payNonce() {
    return this.crcs[0]!;
  }
  proofCRCs() {
    return this.crcs;
  }

  /** Block `n`'s fees go to these testnet addresses. */
  setBlockPayment(n: number, btc = BTC, ltc = LTC): void {
    this.payments.set(n, packCurrencyMap(new Map([[CURRENCY_BITCOIN, btc], [CURRENCY_LITECOIN, ltc]]), true));
  }

  confirmAsset(a: AssetData, block: number): Uint8Array {
    const id = assetIdOf(a);
    this.assets.set(toHex(id), { block, packed: packed(a) });
    return id;
  }

  /** Stores a record under its txid; returns the txid. */
  confirm(rec: TxRecord, block: number, signer?: Account): Uint8Array {
    const p = packed(rec, signer);
    const txId = txIdOf(p);
    this.transactions.set(toHex(txId), { block, packed: p });
    return txId;
  }

  /** `rec` confirmed in `block`, which pays its fees to BTC/LTC; its owner holds the bitmark. Returns the txid. */
  confirmIssue(rec: BitmarkIssue, block: number): Uint8Array {
    const txId = this.confirm(rec, block);
    this.setBlockPayment(block);
    this.own(rec.owner, txId, txId, block);
    return txId;
  }

  /** `owner` currently holds the bitmark of `issueTxId`, last moved by `txId` in `transferBlock`. */
  own(owner: Account, txId: Uint8Array, issueTxId: Uint8Array, issueBlock: number, transferBlock = 0): void {
    this.owned.set(toHex(accountToBytes(owner)) + toHex(txId), {
      item: OWNED_ASSET,
      lastTransferTxId: txId,
      lastTransferBlock: transferBlock,
      issueTxId,
      issueBlock,
      assetId: new Uint8Array(64),
    });
  }

  disown(owner: Account, txId: Uint8Array): void {
    this.owned.delete(toHex(accountToBytes(owner)) + toHex(txId));
  }
}

/** A settable clock. */
export function fakeClock(start = 1_700_000_000_000): ManualClock {
  return new ManualClock(start);
}

export const HOUR = 3_600_000;

/**
 * Stores `records` as the next block of a `local` store, after a foundation owned by `owner`, with a timestamp
 * `ageSeconds` before now. Mines nothing: `local` skips the digest check and the digest is given. Returns its number.
 */
export async function storeLocalBlock(store: Store, records: Uint8Array[], owner: PrivateKey, ageSeconds: number): Promise<number> {
  const foundation = signRecord(newBlockFoundation(new Map([[CURRENCY_BITCOIN, BTC], [CURRENCY_LITECOIN, LTC]]), accountOf(owner), 1234n), owner);
  const all = [packed(foundation), ...records];
  const number = store.height() + 1;
  const header = packHeader({
    version: CURRENT_VERSION,
    transactionCount: all.length,
    number,
    previousBlock: store.tip().digest,
    merkleRoot: merkleRoot(all.map((r) => hash.sha3_256(r))),
    timestamp: Math.floor(Date.now() / 1000) - ageSeconds + number,
    bits: ONE_BITS,
    nonce: 1n,
  });
  await store.storeIncoming(new Uint8Array(Buffer.concat([header, ...all])), { digest: new Uint8Array(32).fill(number) });
  return number;
}
