/**
 * bitmarkd 8.2's JSON text types (rpc.md §5) and transaction records as RPC arguments (transactionrecord/
 * transaction.go struct tags; merkle/digest.go, transactionrecord/assetidentifier.go, pay/payid.go,
 * account/account.go, account/signature.go, currency/marshalling.go `UnmarshalText`), plus the conversions
 * between decoded arguments and the records of src/chain/types/records, and the reply values.
 *
 * A `null` registrant is the zero account here, so packing refuses it with `invalid owner or registrant`, what
 * 8.2's Pack answers for a nil account. (Transfers and issues check for a nil owner before, in their methods.)
 */
import { accountFromString, accountToString, makeAccount, type Account } from "../chain/types/account.ts";
import { CURRENCY_NOTHING, currencyFromText, currencyText, type Currency, type CurrencyMap } from "../chain/types/currency.ts";
import { recordJSON, type JsonValue } from "../chain/types/records/json.ts";
import { Tag, type AssetData, type BitmarkIssue, type BitmarkTransferCountersigned, type BitmarkTransferUnratified, type BlockOwnerTransfer, type Escrow } from "../chain/types/records/types.ts";
import type { TxRecord } from "../chain/types/records/types.ts";
import { utf8Bytes } from "../encoding/utf8.ts";
import type { PaymentAlternative } from "../reservoir/ports.ts";
import { fixedHex, go, goHexDecode } from "./go-decode.ts";

// ---- text types -----------------------------------------------------------------------------------------

export const account = go.text("*account.Account", accountFromString, null);
export const signature = go.text("account.Signature", goHexDecode, new Uint8Array(0));
export const digest = go.text("merkle.Digest", (s) => fixedHex(s, 32, "not link"), new Uint8Array(32));
// 8.2 answers `not link` (sic) for an asset id of the wrong length
export const assetId = go.text("transactionrecord.AssetIdentifier", (s) => fixedHex(s, 64, "not link"), new Uint8Array(64));
export const payId = go.text("pay.PayId", (s) => fixedHex(s, 48, "not a pay id"), new Uint8Array(48));
const currency = go.text("currency.Currency", currencyFromText, CURRENCY_NOTHING);
const payment = go.struct("transactionrecord.Payment", { currency, address: go.string, amount: go.uint64String }, true);
const currencyMap = go.map("currency.Map", currencyFromText, go.string);

// ---- records as arguments -------------------------------------------------------------------------------

export const ASSET_DATA = go.struct(
  "transactionrecord.AssetData",
  { name: go.string, fingerprint: go.string, metadata: go.string, registrant: account, signature },
  true,
);
export const BITMARK_ISSUE = go.struct("transactionrecord.BitmarkIssue", { assetId, owner: account, nonce: go.uint64, signature }, true);
export const TRANSFER_COUNTERSIGNED = go.struct(
  "transactionrecord.BitmarkTransferCountersigned",
  { link: digest, escrow: payment, owner: account, signature, countersignature: signature },
  true,
);
export const BLOCK_OWNER_TRANSFER = go.struct(
  "transactionrecord.BlockOwnerTransfer",
  { link: digest, escrow: payment, version: go.uint64, payments: currencyMap, owner: account, signature, countersignature: signature },
  true,
);

export interface AssetArg {
  name: string;
  fingerprint: string;
  metadata: string;
  registrant: Account | null;
  signature: Uint8Array;
}
export interface IssueArg {
  assetId: Uint8Array;
  owner: Account | null;
  nonce: bigint;
  signature: Uint8Array;
}
interface PaymentArg {
  currency: Currency;
  address: string;
  amount: bigint;
}
export interface TransferArg {
  link: Uint8Array;
  escrow: PaymentArg | null;
  owner: Account | null;
  signature: Uint8Array;
  countersignature: Uint8Array;
}
export interface BlockOwnerTransferArg extends TransferArg {
  version: bigint;
  payments: Map<Currency, string> | null;
}

function orZero(a: Account | null, testnet: boolean): Account {
  return a ?? makeAccount(new Uint8Array(32), testnet);
}

function escrowOf(p: PaymentArg | null): Escrow | null {
  return p === null ? null : { currency: p.currency, address: utf8Bytes(p.address), amount: p.amount };
}

export function assetRecord(a: AssetArg, testnet: boolean): AssetData {
  return {
    tag: Tag.AssetData,
    name: utf8Bytes(a.name),
    fingerprint: utf8Bytes(a.fingerprint),
    metadata: utf8Bytes(a.metadata),
    registrant: orZero(a.registrant, testnet),
    signature: a.signature,
  };
}

export function issueRecord(i: IssueArg & { owner: Account }): BitmarkIssue {
  return { tag: Tag.BitmarkIssue, assetId: i.assetId, owner: i.owner, nonce: i.nonce, signature: i.signature };
}

/** Bitmark.Transfer: unratified (tag 4) when the countersignature is empty, else countersigned (tag 5). */
export function transferRecord(t: TransferArg & { owner: Account }): BitmarkTransferUnratified | BitmarkTransferCountersigned {
  const base = { link: t.link, escrow: escrowOf(t.escrow), owner: t.owner, signature: t.signature };
  return t.countersignature.length === 0 ? { tag: Tag.BitmarkTransferUnratified, ...base } : { tag: Tag.BitmarkTransferCountersigned, ...base, countersignature: t.countersignature };
}

export function blockOwnerTransferRecord(t: BlockOwnerTransferArg & { owner: Account }): BlockOwnerTransfer {
  return {
    tag: Tag.BlockOwnerTransfer,
    link: t.link,
    escrow: escrowOf(t.escrow),
    version: t.version,
    payments: (t.payments ?? new Map()) as CurrencyMap,
    owner: t.owner,
    signature: t.signature,
    countersignature: t.countersignature,
  };
}

// ---- reply values ---------------------------------------------------------------------------------------

const rawJSON = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

/** A JsonValue ready for goStringify: 64-bit integers (bigints) become exact JSON numbers. */
export function goValue(v: JsonValue): unknown {
  if (typeof v === "bigint") return rawJSON(v.toString());
  if (Array.isArray(v)) return v.map(goValue);
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = goValue(x);
    return out;
  }
  return v;
}

const MAX_ACCOUNT_TEXTS = 10_000;
const accountTexts = new Map<string, string>();

/**
 * accountToString through a bounded memo: a listing or a provenance names a few accounts many times, and each
 * text costs a base58 encoding and a SHA3 (the largest part of an Owner.Bitmarks page without it).
 */
function accountText(a: Account): string {
  const key = `${a.algorithm}${a.testnet ? 1 : 0}${Buffer.from(a.publicKey).toString("latin1")}`;
  let text = accountTexts.get(key);
  if (text === undefined) {
    if (accountTexts.size >= MAX_ACCOUNT_TEXTS) accountTexts.clear();
    text = accountToString(a);
    accountTexts.set(key, text);
  }
  return text;
}

/** A record's `data` object (rpc.md §5.1). */
export function recordData(rec: TxRecord): unknown {
  return goValue(recordJSON(rec, accountText));
}

/** `map[string]PaymentAlternative` keyed by currency text (Go sorts map keys: BTC before LTC). */
export function paymentsJSON(alternatives: readonly PaymentAlternative[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // an alternative's currency is its payments' (the reservoir never makes an empty one, which would have none)
  const keyed = alternatives.flatMap((alt) => (alt[0] === undefined ? [] : [{ currency: alt[0].currency, alt }]));
  for (const { currency, alt } of keyed.sort((a, b) => a.currency - b.currency)) {
    out[currencyText(currency)] = alt.map((p) => ({ currency: currencyText(p.currency), address: p.address, amount: p.amount.toString() }));
  }
  return out;
}
