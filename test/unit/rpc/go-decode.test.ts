/**
 * Argument decoding with Go 1.19 encoding/json semantics (rpc.md §4.2, §5): each row is a method argument and
 * the error text bitmarkd 8.2 answers for it (Go's UnmarshalTypeError with struct and field path, the
 * `,string` texts, the UnmarshalText texts of bitmarkd's types, Go's hex errors), or the decoded value.
 * The first row is observed (rpc.md §11.3); the others follow Go's decoder and bitmarkd's UnmarshalText.
 */
import { describe, expect, test } from "bun:test";
import { decodeArgument, go, goHexDecode, JsonNumber, parseJsonExact } from "../../../src/rpc/go-decode.ts";
import { RpcError } from "../../../src/rpc/method.ts";
import { ASSET_DATA, BLOCK_OWNER_TRANSFER, TRANSFER_COUNTERSIGNED, account, digest, payId } from "../../../src/rpc/records.ts";

const NODE_ARGS = go.struct("rpc.NodeArguments", { start: go.uint64String, count: go.int });
const STATUS_ARGS = go.struct("rpc.TransactionArguments", { txId: digest });
const OWNER_ARGS = go.struct("rpc.OwnerBitmarksArguments", { owner: account, start: go.uint64String, count: go.int });
const CREATE_ARGS = go.struct("rpc.CreateArguments", { assets: go.slice("[]*transactionrecord.AssetData", ASSET_DATA) });
const PROOF_ARGS = go.struct("rpc.ProofArguments", { payId, nonce: go.string });
const BLOCK_ARGS = go.struct("rpc.TxIdForBlockArguments", { blockNumber: go.uint64 });
const FP = go.struct("rpc.AssetGetArguments", { fingerprints: go.slice("[]string", go.string) });

const HEX64 = "ab".repeat(32);

function errorOf(schema: Parameters<typeof decodeArgument>[1], json: string): string | null {
  try {
    decodeArgument(parseJsonExact(json), schema);
    return null;
  } catch (e) {
    if (!(e instanceof RpcError)) throw e;
    return e.message;
  }
}

describe("Go decoding errors", () => {
  const rows: [string, Parameters<typeof decodeArgument>[1], string, string][] = [
    ["observed: ,string field sent as a number", NODE_ARGS, `{"start":0,"count":10}`, "json: invalid use of ,string struct tag, trying to unmarshal unquoted value into uint64"],
    [",string field with a non-number text", NODE_ARGS, `{"start":"abc","count":1}`, 'json: invalid use of ,string struct tag, trying to unmarshal "abc" into uint64'],
    [",string field with an empty text", NODE_ARGS, `{"start":"","count":1}`, 'json: invalid use of ,string struct tag, trying to unmarshal "" into uint64'],
    [",string field negative", NODE_ARGS, `{"start":"-1","count":1}`, "json: cannot unmarshal number -1 into Go struct field NodeArguments.start of type uint64"],
    [",string field as a bool", NODE_ARGS, `{"start":true}`, "json: invalid use of ,string struct tag, trying to unmarshal unquoted value into uint64"],
    ["int field as a string", NODE_ARGS, `{"count":"1"}`, "json: cannot unmarshal string into Go struct field NodeArguments.count of type int"],
    ["int field with a fraction", NODE_ARGS, `{"count":1.5}`, "json: cannot unmarshal number 1.5 into Go struct field NodeArguments.count of type int"],
    ["int field with an exponent", NODE_ARGS, `{"count":1e2}`, "json: cannot unmarshal number 1e2 into Go struct field NodeArguments.count of type int"],
    ["int field overflowing int64", NODE_ARGS, `{"count":9223372036854775808}`, "json: cannot unmarshal number 9223372036854775808 into Go struct field NodeArguments.count of type int"],
    ["int field as an object", NODE_ARGS, `{"count":{}}`, "json: cannot unmarshal object into Go struct field NodeArguments.count of type int"],
    ["int field as an array", NODE_ARGS, `{"count":[]}`, "json: cannot unmarshal array into Go struct field NodeArguments.count of type int"],
    ["a fatal ,string error wins over an earlier mismatch", NODE_ARGS, `{"count":"x","start":"abc"}`, 'json: invalid use of ,string struct tag, trying to unmarshal "abc" into uint64'],
    ["the first mismatch is the one reported", NODE_ARGS, `{"count":"x","start":5}`, "json: cannot unmarshal string into Go struct field NodeArguments.count of type int"],
    ["argument not an object", NODE_ARGS, `"x"`, "json: cannot unmarshal string into Go value of type rpc.NodeArguments"],
    ["argument a number", NODE_ARGS, `5`, "json: cannot unmarshal number into Go value of type rpc.NodeArguments"],
    ["argument an array", NODE_ARGS, `[1]`, "json: cannot unmarshal array into Go value of type rpc.NodeArguments"],
    ["digest of the wrong length (observed text)", STATUS_ARGS, `{"txId":"ba86"}`, "not link"],
    ["digest with a bad digit", STATUS_ARGS, `{"txId":"${"z".repeat(64)}"}`, "encoding/hex: invalid byte: U+007A 'z'"],
    ["digest of 65 digits", STATUS_ARGS, `{"txId":"${HEX64}a"}`, "encoding/hex: odd length hex string"],
    ["digest of 65 with a bad last digit", STATUS_ARGS, `{"txId":"${HEX64}g"}`, "encoding/hex: invalid byte: U+0067 'g'"],
    ["digest as a number", STATUS_ARGS, `{"txId":5}`, "json: cannot unmarshal number into Go struct field TransactionArguments.txId of type merkle.Digest"],
    ["digest as an object", STATUS_ARGS, `{"TXID":{}}`, "json: cannot unmarshal object into Go struct field TransactionArguments.txId of type merkle.Digest"],
    ["account as a number", OWNER_ARGS, `{"owner":5,"count":1}`, "json: cannot unmarshal number into Go struct field OwnerBitmarksArguments.owner of type *account.Account"],
    ["account empty", OWNER_ARGS, `{"owner":"","count":1}`, "cannot decode account"],
    ["pay id of the wrong length", PROOF_ARGS, `{"payId":"ab"}`, "not a pay id"],
    ["pay id with a non-ASCII byte", PROOF_ARGS, `{"payId":"é${"0".repeat(94)}"}`, "encoding/hex: invalid byte: U+00C3 'Ã'"],
    ["pay id with a control byte", PROOF_ARGS, `{"payId":"\\u0001${"0".repeat(95)}"}`, "encoding/hex: invalid byte: U+0001"],
    ["nested field: struct name is the innermost, path from the top", CREATE_ARGS, `{"assets":[{"name":5}]}`, "json: cannot unmarshal number into Go struct field AssetData.assets.name of type string"],
    ["slice as a number", CREATE_ARGS, `{"assets":5}`, "json: cannot unmarshal number into Go struct field CreateArguments.assets of type []*transactionrecord.AssetData"],
    ["slice element not an object", CREATE_ARGS, `{"assets":[5]}`, "json: cannot unmarshal number into Go struct field CreateArguments.assets of type transactionrecord.AssetData"],
    ["signature with a bad digit", CREATE_ARGS, `{"assets":[{"signature":"0x"}]}`, "encoding/hex: invalid byte: U+0078 'x'"],
    ["escrow currency unknown", TRANSFER_COUNTERSIGNED, `{"escrow":{"currency":"xyz"}}`, "invalid currency"],
    ["escrow amount as a number", TRANSFER_COUNTERSIGNED, `{"escrow":{"amount":5}}`, "json: invalid use of ,string struct tag, trying to unmarshal unquoted value into uint64"],
    ["escrow amount too large", TRANSFER_COUNTERSIGNED, `{"escrow":{"amount":"18446744073709551616"}}`, "json: cannot unmarshal number 18446744073709551616 into Go struct field Payment.escrow.amount of type uint64"],
    ["escrow as a string", TRANSFER_COUNTERSIGNED, `{"escrow":"x"}`, "json: cannot unmarshal string into Go struct field BitmarkTransferCountersigned.escrow of type transactionrecord.Payment"],
    ["payments key unknown", BLOCK_OWNER_TRANSFER, `{"payments":{"xyz":"a"}}`, "invalid currency"],
    ["payments as a number", BLOCK_OWNER_TRANSFER, `{"payments":5}`, "json: cannot unmarshal number into Go struct field BlockOwnerTransfer.payments of type currency.Map"],
    ["payments value as a number", BLOCK_OWNER_TRANSFER, `{"payments":{"BTC":5}}`, "json: cannot unmarshal number into Go struct field BlockOwnerTransfer.payments of type string"],
    ["uint64 negative", BLOCK_ARGS, `{"blockNumber":-1}`, "json: cannot unmarshal number -1 into Go struct field TxIdForBlockArguments.blockNumber of type uint64"],
    ["uint64 above 2^64 - 1", BLOCK_ARGS, `{"blockNumber":18446744073709551616}`, "json: cannot unmarshal number 18446744073709551616 into Go struct field TxIdForBlockArguments.blockNumber of type uint64"],
    ["slice element of the wrong type", FP, `{"fingerprints":["a",1]}`, "json: cannot unmarshal number into Go struct field AssetGetArguments.fingerprints of type string"],
  ];
  for (const [name, schema, json, text] of rows) test(name, () => expect(errorOf(schema, json)).toBe(text));
});

describe("Go decoding values", () => {
  test("keys match case-insensitively (Go's folding of ſ and K included), later keys win, unknown keys are ignored", () => {
    expect(decodeArgument(parseJsonExact(`{"COUNT":1,"Start":"7","count":3,"other":[1]}`), NODE_ARGS)).toEqual({ start: 7n, count: 3n });
    expect(decodeArgument(parseJsonExact(`{"\u017ftart":"2","\u212aount":1}`), go.struct("rpc.X", { start: go.uint64String, kount: go.int }))).toEqual({ start: 2n, kount: 1n });
  });
  test("missing keys, [] and [null] give zero values; null leaves values, nils pointers and slices", () => {
    expect(decodeArgument(undefined, NODE_ARGS)).toEqual({ start: 0n, count: 0n });
    expect(decodeArgument(null, NODE_ARGS)).toEqual({ start: 0n, count: 0n });
    expect(decodeArgument(parseJsonExact(`{"start":null,"count":null}`), NODE_ARGS)).toEqual({ start: 0n, count: 0n });
    expect(decodeArgument(parseJsonExact(`{"start":"null"}`), NODE_ARGS)).toEqual({ start: 0n, count: 0n });
    expect(decodeArgument(parseJsonExact(`{"txId":null}`), STATUS_ARGS)).toEqual({ txId: new Uint8Array(32) });
    expect(decodeArgument(parseJsonExact(`{"owner":null,"count":2}`), OWNER_ARGS)).toEqual({ owner: null, start: 0n, count: 2n });
    expect(decodeArgument(parseJsonExact(`{"assets":null}`), CREATE_ARGS)).toEqual({ assets: null });
    expect(decodeArgument(parseJsonExact(`{"assets":[null]}`), CREATE_ARGS)).toEqual({ assets: [null] });
  });
  test("u64 values keep all 64 bits through parseJsonExact; upper-case hex is accepted", () => {
    expect(decodeArgument(parseJsonExact(`{"blockNumber":18446744073709551615}`), BLOCK_ARGS)).toEqual({ blockNumber: 2n ** 64n - 1n });
    expect(decodeArgument({ blockNumber: new JsonNumber("12") }, BLOCK_ARGS)).toEqual({ blockNumber: 12n });
    expect(decodeArgument(parseJsonExact(`{"txId":"${HEX64.toUpperCase()}"}`), STATUS_ARGS)).toEqual({ txId: new Uint8Array(32).fill(0xab) });
    expect(goHexDecode("")).toEqual(new Uint8Array(0));
  });
});
