/** Shared by the record tests: fixture keys and records built from fixture fields. */
import txFixture from "../fixtures/records-transactions.json";
import { ALGORITHM_ED25519, type Account, type PrivateKey, makeAccount } from "../../src/chain/types/account.ts";
import type { Currency, CurrencyMap } from "../../src/chain/types/currency.ts";
import { Tag, type BaseData, type Escrow, type TxRecord } from "../../src/chain/types/records/types.ts";
import { utf8Bytes } from "../../src/encoding/utf8.ts";
import { fromHex } from "./hex.ts";

export type KeyName = keyof typeof txFixture.keys;

export function privateKey(name: KeyName, testnet = true): PrivateKey {
  return { algorithm: ALGORITHM_ED25519, testnet, privateKey: fromHex(txFixture.keys[name].private_key) };
}

export function account(name: KeyName, testnet = true): Account {
  return makeAccount(fromHex(txFixture.keys[name].public_key), testnet);
}

const NONE = new Uint8Array(0);
type AccountField = { public_key: string; testnet: boolean } | string;
const acc = (a: AccountField) => (typeof a === "string" ? account(a as KeyName) : makeAccount(fromHex(a.public_key), a.testnet));

function escrowOf(e: any): Escrow | null {
  if (e === null || e === undefined) return null;
  return { currency: (e.currency_code ?? e.currency) as Currency, address: utf8Bytes(e.address), amount: BigInt(e.amount) };
}

function paymentsOf(p: Record<string, string>): CurrencyMap {
  const codes: Record<string, Currency> = { BTC: 1, LTC: 2 };
  return new Map(Object.entries(p).map(([k, v]) => [codes[k]!, v]));
}

/** A record from fixture fields (`tag` or the record name), with the fixture's signatures if any. */
export function recordFromFields(f: any, recordName?: string): TxRecord {
  const tag = f.tag ?? (Tag as Record<string, number>)[recordName!];
  const signature = f.signature ? fromHex(f.signature) : NONE;
  const countersignature = f.countersignature ? fromHex(f.countersignature) : NONE;
  switch (tag) {
    case 1:
      return { tag, currency: f.currency, paymentAddress: utf8Bytes(f.paymentAddress), owner: acc(f.owner), nonce: BigInt(f.nonce), signature };
    case 2:
      return { tag, name: utf8Bytes(f.name), fingerprint: utf8Bytes(f.fingerprint), metadata: utf8Bytes(f.metadata), registrant: acc(f.registrant), signature };
    case 3:
      return { tag, assetId: fromHex(f.assetId), owner: acc(f.owner), nonce: BigInt(f.nonce), signature };
    case 4:
      return { tag, link: fromHex(f.link), escrow: escrowOf(f.escrow), owner: acc(f.owner), signature };
    case 5:
      return { tag, link: fromHex(f.link), escrow: escrowOf(f.escrow), owner: acc(f.owner), signature, countersignature };
    case 6:
      return { tag, version: BigInt(f.version), payments: paymentsOf(f.payments), owner: acc(f.owner), nonce: BigInt(f.nonce), signature };
    case 7:
      return {
        tag,
        link: fromHex(f.link),
        escrow: escrowOf(f.escrow),
        version: BigInt(f.version),
        payments: paymentsOf(f.payments),
        owner: acc(f.owner),
        signature,
        countersignature,
      };
    default:
      throw new Error(`unknown record ${recordName ?? tag}`);
  }
}

/** An unsigned BaseData record: bunmark never makes one (8.2's proofer makes BlockFoundation), but it validates them. */
export function newBaseData(currency: Currency, paymentAddress: string, owner: Account, nonce: bigint): BaseData {
  return { tag: Tag.BaseData, currency, paymentAddress: utf8Bytes(paymentAddress), owner, nonce, signature: NONE };
}
