/**
 * Our own edge cases, derived from transactionrecord/unpack.go and pack.go at b013d5e: every error text of
 * decoding (§5.5) and validation (§5.4) reached at least once, and the lenient forms 8.2 accepts.
 */
import { describe, expect, test } from "bun:test";
import txFixture from "../../fixtures/records-transactions.json";
import { account, newBaseData, privateKey } from "../../support/records.ts";
import { faultOf } from "../../support/fault.ts";
import { ALGORITHM_NOTHING, type Account, makeAccount } from "../../../src/chain/types/account.ts";
import type { Currency, CurrencyMap } from "../../../src/chain/types/currency.ts";
import {
  encodeRecord,
  escrow,
  newAssetData,
  newBitmarkIssue,
  newBlockFoundation,
  newBlockOwnerTransfer,
  newTransferCountersigned,
  newTransferUnratified,
  packRecord,
  signRecord,
  txIdOf,
  unpackRecord,
  type TxRecord,
} from "../../../src/chain/types/records/index.ts";
import { fromHex, toHex } from "../../support/hex.ts";

const vector = (id: string) => txFixture.cases.find((c) => c.id === id)! as any;
const ISSUE = vector("TestPackBitmarkIssue").expected.packed_hex as string;
const ASSET_ID = "59d06155d25dffdb982729de8dce9d7855ca094d8bab8124b347c40668477056b3c27ccb7d71b54043d207ccd187642bf9c8466f9a8d0dbefb4c41633a7e39ef";
const ISSUER = "9fc486a2534f17e36707fa4b953e3b3400e2729f656116dd7b018df34698bdc2";
const LINK = "79a67be2b3d313bd490363fb0d27901c46ed53d3f7b21f60d48bc42439b06084";
const SIG = "40" + "11".repeat(64);
const BTC_T = "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn";
const LTC_T = "mmCKZS7toE69QgXNs1JZcjW6LFj8LfUbz6";
const BTC_L = "17VZNX1SN5NtKa8UQFxwQbFeFc3iqRYhem";
const LTC_L = "LdwLvykqj2nUH3MWcut6mtjHxVxVFC7st5";
const ascii = (s: string) => Buffer.from(s).toString("hex");
const lp = (h: string) => (h.length / 2).toString(16).padStart(2, "0") + h;
const entry = (c: number, a: string) => "0" + c + lp(ascii(a));
const PAYMENTS_T = entry(1, BTC_T) + entry(2, LTC_T);
const OWNER_T = "2113" + ISSUER;
const payments = (btc: string, ltc: string): CurrencyMap => new Map<Currency, string>([[1, btc], [2, ltc]]);

describe("unpack: every decoding error and the lenient forms", () => {
  // [name, hex, testnet, error | null = decodes and consumes the whole buffer]
  const table: [string, string, boolean, string | null][] = [
    ["tag 8192 (in range, unknown)", "8040" + ISSUE.slice(2), true, "not transaction pack"],
    ["tag above 8192", "818040" + ISSUE.slice(2), true, "not transaction pack"],
    ["truncated tag", "80", true, "not transaction pack"],
    ["non-minimal tag 83 00 is accepted", "8300" + ISSUE.slice(2), true, null],
    ["field length 0", "0300", true, "not transaction pack"],
    ["field length above 8192", "03818040" + ASSET_ID, true, "not transaction pack"],
    ["field past the end", "0340" + ASSET_ID.slice(0, 20), true, "not transaction pack"],
    ["asset id of 65 bytes", "0341" + ASSET_ID + "00" + OWNER_T + "63" + SIG, true, "not asset id"],
    ["truncated nonce", "0340" + ASSET_ID + OWNER_T + "80", true, "not transaction pack"],
    ["signature length 0", "0340" + ASSET_ID + OWNER_T + "6300", true, "not transaction pack"],
    ["signature of 1 byte is decoded (length checked only by validation)", "0340" + ASSET_ID + OWNER_T + "630100", true, null],
    ["private key variant", "0340" + ASSET_ID + "2112" + ISSUER + "63" + SIG, true, "not public key"],
    ["truncated variant", "0340" + ASSET_ID + "0180" + "63" + SIG, true, "not public key"],
    ["algorithm 2", "0340" + ASSET_ID + "2123" + ISSUER + "63" + SIG, true, "invalid key type"],
    ["Ed25519 key of 31 bytes", "0340" + ASSET_ID + "2013" + ISSUER.slice(2) + "63" + SIG, true, "invalid key length"],
    ["variant only", "0340" + ASSET_ID + "0113" + "63" + SIG, true, "invalid key length"],
    ["Nothing key of 3 bytes", "0340" + ASSET_ID + "0403123456" + "63" + SIG, true, "invalid key length"],
    ["Nothing key of 2 bytes is accepted (quirk #17)", "0340" + ASSET_ID + "03031234" + "63" + SIG, true, null],
    ["non-minimal variant 93 00 is accepted", "0340" + ASSET_ID + "229300" + ISSUER + "63" + SIG, true, null],
    ["spare variant bits are ignored", "0340" + ASSET_ID + "211f" + ISSUER + "63" + SIG, true, null],
    ["test key on live", ISSUE, false, "wrong network for public key"],
    ["live key on testnet", "0340" + ASSET_ID + "2111" + ISSUER + "63" + SIG, true, "wrong network for public key"],
    ["link of 31 bytes", "041f" + LINK.slice(2) + "00" + OWNER_T + SIG, true, "not link"],
    ["record ends before escrow", "0420" + LINK, true, "not transaction pack"],
    ["escrow flag 2", "0420" + LINK + "02" + OWNER_T + SIG, true, "not transaction pack"],
    ["escrow currency 3", "0420" + LINK + "0103" + lp(ascii(BTC_T)) + "01" + OWNER_T + SIG, true, "invalid currency"],
    ["escrow currency truncated", "0420" + LINK + "0180", true, "not transaction pack"],
    ["escrow address length 0", "0420" + LINK + "010100" + "01" + OWNER_T + SIG, true, "not transaction pack"],
    ["escrow amount truncated", "0420" + LINK + "0101" + lp(ascii(BTC_T)) + "80", true, "not transaction pack"],
    ["escrow in Nothing with any address (quirk #4)", "0420" + LINK + "0100" + "03414243" + "05" + OWNER_T + SIG, true, null],
    ["escrow address not validated on decoding", "0420" + LINK + "0101" + "03414243" + "05" + OWNER_T + SIG, true, null],
    ["countersignature missing", "0520" + LINK + "00" + OWNER_T + SIG, true, "not transaction pack"],
    ["BaseData currency 3", "0103" + lp(ascii(BTC_T)) + OWNER_T + "01" + SIG, true, "invalid currency"],
    ["BaseData currency truncated", "0180", true, "not transaction pack"],
    ["BaseData currency Nothing", "0100" + "03414243" + OWNER_T + "01" + SIG, true, null],
    ["asset name length 0", "0200" + lp(ascii("fp")) + "00" + OWNER_T + SIG, true, "not transaction pack"],
    ["asset metadata may be empty", "02" + lp(ascii("n")) + lp(ascii("fp")) + "00" + OWNER_T + SIG, true, null],
    ["foundation version 0", "0600" + lp(PAYMENTS_T) + OWNER_T + "01" + SIG, true, "invalid currency address"],
    ["foundation version 2", "0602" + lp(PAYMENTS_T) + OWNER_T + "01" + SIG, true, "invalid currency address"],
    ["foundation version truncated", "0680", true, "not transaction pack"],
    ["payments of 1 byte", "0601" + "0101" + OWNER_T + "01" + SIG, true, "invalid buffer"],
    ["payments BTC only", "0601" + lp(entry(1, BTC_T)) + OWNER_T + "01" + SIG, true, "invalid currency address"],
    ["payments with currency 3", "0601" + lp(entry(3, BTC_T) + entry(2, LTC_T)) + OWNER_T + "01" + SIG, true, "invalid currency"],
    ["payments address length 0", "0601" + lp("0100" + entry(2, LTC_T)) + OWNER_T + "01" + SIG, true, "invalid count"],
    ["payments invalid litecoin address", "0601" + lp(entry(1, BTC_L) + entry(2, LTC_L.replace("5", "6"))) + OWNER_T + "01" + SIG, false, "invalid litecoin address"],
    ["payments too long address", "0601" + lp("01" + lp("31".repeat(65)) + entry(2, LTC_T)) + OWNER_T + "01" + SIG, true, "payment address too long"],
    ["payments for the other network", "0601" + lp(entry(1, BTC_L) + entry(2, LTC_L)) + OWNER_T + "01" + SIG, true, "bitcoin address for wrong network"],
    ["payments field past the end", "060148" + PAYMENTS_T.slice(0, 40), true, "not transaction pack"],
    ["duplicate currencies in payments, last wins (quirk #3)", "0601" + lp(entry(1, BTC_T) + entry(2, LTC_T) + entry(1, BTC_T)) + OWNER_T + "01" + SIG, true, null],
    // 8.2 reads a map address through the end of the payments field into the following bytes: here the last
    // LTC byte lies outside the 71-byte field, the address still validates, and decoding goes on one byte
    // early, taking "6" (0x36) as the owner's length and failing on the owner bytes that follow.
    ["payments address overruns its field", "060147" + PAYMENTS_T + OWNER_T + "01" + SIG, true, "invalid key type"],
  ];
  test.each(table)("%s", (_name, h, testnet, want) => {
    const buf = fromHex(h);
    if (want !== null) expect(faultOf(() => unpackRecord(buf, testnet))).toBe(want);
    else expect(unpackRecord(buf, testnet).consumed).toBe(buf.length);
  });

  test("a non-minimal record decodes to the same fields but has its own txid", () => {
    const raw = fromHex("0340" + ASSET_ID + "229300" + ISSUER + "63" + ISSUE.slice(-130));
    const { record } = unpackRecord(raw, true);
    expect(toHex(encodeRecord(record))).toBe(ISSUE);
    expect(toHex(packRecord(record, account("issuer")))).toBe(ISSUE);
    expect(toHex(txIdOf(raw))).not.toBe(toHex(txIdOf(fromHex(ISSUE))));
  });

  test("trailing bytes are left to the caller", () => {
    const buf = fromHex(ISSUE + ISSUE);
    const first = unpackRecord(buf, true);
    expect(first.consumed).toBe(ISSUE.length / 2);
    expect(unpackRecord(buf.subarray(first.consumed), true).consumed).toBe(ISSUE.length / 2);
  });
});

describe("validation: every error of Pack", () => {
  const issuer = account("issuer");
  const ownerOne = account("ownerOne");
  const zero = makeAccount(new Uint8Array(32), true);
  const nothing = makeAccount(fromHex("12fa"), true, ALGORITHM_NOTHING);
  const sig = (n: number) => new Uint8Array(n).fill(1);
  // records that fail a check cannot be signed: they carry a placeholder signature
  const asset = (name: string | Uint8Array, fingerprint: string, metadata: string | Uint8Array) => ({
    ...newAssetData(name, fingerprint, metadata, account("registrant")),
    signature: sig(64),
  });
  const signedAsset = (name: string, fingerprint: string, metadata: string) =>
    signRecord(newAssetData(name, fingerprint, metadata, account("registrant")), privateKey("registrant"));
  const issue = signRecord(newBitmarkIssue(fromHex(ASSET_ID), issuer, 99n), privateKey("issuer"));
  const transfer = (owner: Account, e = escrow(1, BTC_T, 5n)) => signRecord(newTransferUnratified(fromHex(LINK), owner, e), privateKey("issuer"));
  const unsignedTransfer = (owner: Account, e: ReturnType<typeof escrow>) => ({ ...newTransferUnratified(fromHex(LINK), owner, e), signature: sig(64) });
  const foundation = (p: CurrencyMap, version = 1n) => ({ ...newBlockFoundation(p, issuer, 1n, version), signature: sig(64) });

  // [name, record, signer, expected error or undefined]
  const table: [string, TxRecord, Account | undefined, string | undefined][] = [
    ["signature of 1025 bytes", { ...issue, signature: sig(1025) }, issuer, "signature too long"],
    ["signature of 1024 bytes is only invalid", { ...issue, signature: sig(1024) }, issuer, "invalid signature"],
    ["countersignature of 1025 bytes (tag 5)", { ...newTransferCountersigned(fromHex(LINK), ownerOne), signature: sig(64), countersignature: sig(1025) }, issuer, "signature too long"],
    ["countersignature length is not checked on tag 7", { ...newBlockOwnerTransfer(fromHex(LINK), payments(BTC_T, LTC_T), ownerOne), signature: sig(64), countersignature: sig(1025) }, issuer, "invalid signature"],
    ["unknown signer", issue, undefined, "invalid owner or registrant"],
    ["zero signer", issue, zero, "invalid owner or registrant"],
    ["zero owner", { ...issue, owner: zero }, issuer, "invalid owner or registrant"],
    ["unratified transfer to the zero key (destroy)", transfer(zero), issuer, undefined],
    ["unratified transfer to a Nothing account", transfer(nothing), issuer, undefined],
    ["Nothing signer never verifies", issue, nothing, "invalid signature"],
    ["wrong signer", issue, ownerOne, "invalid signature"],
    ["63-byte signature", { ...issue, signature: issue.signature.subarray(0, 63) }, issuer, "invalid signature"],
    ["name of 64 two-byte code points", signedAsset("é".repeat(64), "fp", ""), account("registrant"), undefined],
    ["name of 65 code points", asset("n".repeat(65), "fp", ""), account("registrant"), "name too long"],
    ["name of 65 invalid bytes", asset(new Uint8Array(65).fill(0xff), "fp", ""), account("registrant"), "name too long"],
    ["fingerprint of 1025 code points", asset("n", "f".repeat(1025), ""), account("registrant"), "fingerprint too long"],
    ["metadata of 2049 code points", asset("n", "fp", "k\u0000" + "v".repeat(2047)), account("registrant"), "metadata too long"],
    ["metadata of 2048 code points", signedAsset("n", "fp", "k\u0000" + "v".repeat(2046)), account("registrant"), undefined],
    ["metadata without NUL", asset("n", "fp", "key"), account("registrant"), "metadata is not map"],
    ["metadata with a trailing NUL", asset("n", "fp", "k\u0000v\u0000"), account("registrant"), "metadata is not map"],
    ["metadata with an empty key", asset("n", "fp", "\u0000v"), account("registrant"), "metadata is not map"],
    ["metadata with an empty value inside", asset("n", "fp", "a\u0000\u0000b\u0000c"), account("registrant"), "metadata is not map"],
    ["metadata of two pairs", signedAsset("n", "fp", "a\u0000b\u0000c\u0000d"), account("registrant"), undefined],
    ["BaseData address checked on the signer's network", signRecord(newBaseData(1, BTC_T, issuer, 1n), privateKey("issuer")), account("issuer", false), "bitcoin address for wrong network"],
    ["BaseData invalid address", { ...newBaseData(1, "1111", issuer, 1n), signature: sig(64) }, issuer, "invalid bitcoin address"],
    ["BaseData address too long", { ...newBaseData(2, "L".repeat(65), issuer, 1n), signature: sig(64) }, issuer, "payment address too long"],
    ["BaseData in Nothing takes any address", signRecord(newBaseData(0, "anything", issuer, 1n), privateKey("issuer")), issuer, undefined],
    ["escrow address validated", unsignedTransfer(ownerOne, escrow(2, BTC_L, 5n)), issuer, "invalid litecoin address"],
    ["escrow on the other network", unsignedTransfer(ownerOne, escrow(2, LTC_L, 5n)), issuer, "litecoin address for wrong network"],
    ["escrow in Nothing (quirk #4)", transfer(ownerOne, escrow(0, "x", 5n)), issuer, undefined],
    ["foundation payment version 2", foundation(payments(BTC_T, LTC_T), 2n), issuer, "invalid Payment version"],
    ["foundation without LTC", foundation(new Map<Currency, string>([[1, BTC_T]])), issuer, "invalid currency address"],
    ["foundation live addresses, test signer", foundation(payments(BTC_L, LTC_L)), issuer, "bitcoin address for wrong network"],
    ["block owner transfer escrow checked after payments", { ...newBlockOwnerTransfer(fromHex(LINK), payments(BTC_T, LTC_T), ownerOne, escrow(1, "bad", 1n)), signature: sig(64) }, issuer, "invalid bitcoin address"],
    ["block owner transfer bad countersignature", signRecord(newBlockOwnerTransfer(fromHex(LINK), payments(BTC_T, LTC_T), ownerOne), privateKey("issuer"), privateKey("ownerTwo")), issuer, "invalid signature"],
    ["block owner transfer signed and countersigned", signRecord(newBlockOwnerTransfer(fromHex(LINK), payments(BTC_T, LTC_T), ownerOne), privateKey("issuer"), privateKey("ownerOne")), issuer, undefined],
  ];
  test.each(table)("%s", (_name, rec, signer, want) => {
    expect(faultOf(() => packRecord(rec, signer))).toBe(want);
    if (want === undefined) expect(unpackRecord(packRecord(rec, signer), true).consumed).toBe(encodeRecord(rec).length);
  });

  test("signing a record that fails its checks throws the check's fault", () => {
    expect(faultOf(() => signRecord(newAssetData("", "fp", "", account("registrant")), privateKey("registrant")))).toBe("name too short");
  });
});
