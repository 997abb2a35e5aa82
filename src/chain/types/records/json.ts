/**
 * JSON rendering of records the way bitmarkd's RPC marshals them (Go encoding/json with the struct tags of
 * transactionrecord/transaction.go): accounts as account strings, links in storage-order hex, signatures and
 * asset ids in hex, `nonce`/`amount` as strings where the tags say so, 64-bit numbers exact.
 *
 * See docs/rpc.md §4.
 */
import { accountToString, type Account } from "../account.ts";
import { currencyText, type CurrencyMap } from "../currency.ts";
import { toHex } from "../../../encoding/hex.ts";
import { utf8Text } from "../../../encoding/utf8.ts";
import { Tag, type Escrow, type TxRecord } from "./types.ts";

export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | { [key: string]: JsonValue };

function escrowJSON(escrow: Escrow | null): JsonValue {
  if (escrow === null) return null;
  return { currency: currencyText(escrow.currency), address: utf8Text(escrow.address), amount: escrow.amount.toString() };
}

/** Go marshals map keys sorted by their text. */
function paymentsJSON(payments: CurrencyMap): JsonValue {
  const entries = [...payments].map(([c, a]) => [currencyText(c), a] as const).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return Object.fromEntries(entries);
}

/**
 * The record's fields as bitmarkd's JSON object (the `data` of RPC and dump output). `accountText` may be a
 * memoised `accountToString` (RPC listings name few accounts many times).
 */
export function recordJSON(rec: TxRecord, accountText: (a: Account) => string = accountToString): { [key: string]: JsonValue } {
  switch (rec.tag) {
    case Tag.BaseData:
      return {
        currency: currencyText(rec.currency),
        paymentAddress: utf8Text(rec.paymentAddress),
        owner: accountText(rec.owner),
        nonce: rec.nonce.toString(),
        signature: toHex(rec.signature),
      };
    case Tag.AssetData:
      return {
        name: utf8Text(rec.name),
        fingerprint: utf8Text(rec.fingerprint),
        metadata: utf8Text(rec.metadata),
        registrant: accountText(rec.registrant),
        signature: toHex(rec.signature),
      };
    case Tag.BitmarkIssue:
      return { assetId: toHex(rec.assetId), owner: accountText(rec.owner), nonce: rec.nonce, signature: toHex(rec.signature) };
    case Tag.BitmarkTransferUnratified:
      return { link: toHex(rec.link), escrow: escrowJSON(rec.escrow), owner: accountText(rec.owner), signature: toHex(rec.signature) };
    case Tag.BitmarkTransferCountersigned:
      return {
        link: toHex(rec.link),
        escrow: escrowJSON(rec.escrow),
        owner: accountText(rec.owner),
        signature: toHex(rec.signature),
        countersignature: toHex(rec.countersignature),
      };
    case Tag.BlockFoundation:
      return {
        version: rec.version,
        payments: paymentsJSON(rec.payments),
        owner: accountText(rec.owner),
        nonce: rec.nonce.toString(),
        signature: toHex(rec.signature),
      };
    case Tag.BlockOwnerTransfer:
      return {
        link: toHex(rec.link),
        escrow: escrowJSON(rec.escrow),
        version: rec.version,
        payments: paymentsJSON(rec.payments),
        owner: accountText(rec.owner),
        signature: toHex(rec.signature),
        countersignature: toHex(rec.countersignature),
      };
  }
}

/** Go's string escaping: HTML-safe <, >, &, and U+2028/2029 escaped; \n \r \t short; other controls \u00XX. */
function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || ch === "<" || ch === ">" || ch === "&" || c === 0x2028 || c === 0x2029) {
      out += "\\u" + c.toString(16).padStart(4, "0");
    } else out += ch;
  }
  return out + '"';
}

/** JSON text with bigints written as exact numbers; `indent` spaces per level (0 = compact, like Go's Marshal). */
export function stringifyJSON(value: JsonValue, indent = 0, depth = 0): string {
  if (value === null) return "null";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "string") return quote(value);
  const pad = indent ? "\n" + " ".repeat(indent * (depth + 1)) : "";
  const end = indent ? "\n" + " ".repeat(indent * depth) : "";
  const sep = indent ? ": " : ":";
  const items = Array.isArray(value)
    ? value.map((v) => stringifyJSON(v, indent, depth + 1))
    : Object.entries(value).map(([k, v]) => quote(k) + sep + stringifyJSON(v, indent, depth + 1));
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  return items.length === 0 ? open + close : open + pad + items.join("," + pad) + end + close;
}
