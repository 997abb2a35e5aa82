/**
 * Hostile arguments: every method gets every field set to values of every JSON type (and the §9 inputs that
 * crash 8.2). Each call must answer a result or an RpcError — never throw anything else — and leave the
 * node able to answer the next call.
 */
import { expect, test } from "bun:test";
import { parseJsonExact } from "../../../src/rpc/go-decode.ts";
import { goStringify } from "../../../src/rpc/go-json.ts";
import { RpcError } from "../../../src/rpc/method.ts";
import { METHODS } from "../../../src/rpc/methods/index.ts";
import { rpcFixture } from "./fixture.ts";

const rpc = rpcFixture();

const FIELDS: Record<string, string[]> = {
  "Assets.Get": ["fingerprints"],
  "Bitmarks.Create": ["assets", "issues"],
  "Bitmarks.Proof": ["payId", "nonce"],
  "Bitmark.Transfer": ["link", "escrow", "owner", "signature", "countersignature"],
  "Bitmark.Provenance": ["txId", "count"],
  "BlockOwner.TxIdForBlock": ["blockNumber"],
  "BlockOwner.Transfer": ["link", "escrow", "version", "payments", "owner", "signature", "countersignature"],
  "Owner.Bitmarks": ["owner", "start", "count"],
  "Transaction.Status": ["txId"],
  "Node.Info": [],
  "Node.List": ["start", "count"],
};

const VALUES = [
  "null", "0", "-1", "1.5", "1e400", "18446744073709551616", "true", `""`, `"x"`, `"-1"`, `"0"`, `"null"`, `"${"z".repeat(64)}"`,
  `"${"0".repeat(64)}"`, `"${"0".repeat(96)}"`, `"${"0".repeat(128)}"`, `"\\u0000\\ud800é"`, "[]", "[null]", "[{}]", "[1,\"a\"]", "{}",
  `{"currency":"btc","address":"x","amount":"1"}`, `{"BTC":"x","LTC":1}`, `{"name":{"x":[]}}`, `[{"registrant":"x","name":5}]`,
];

test("every field of every method with values of every type: a result or an RpcError", () => {
  let calls = 0;
  for (const [method, fields] of Object.entries(FIELDS)) {
    const args = ["null", "5", `"s"`, "[]", "{}", ...fields.flatMap((f) => VALUES.map((v) => `{"${f}":${v}}`))];
    if (fields.length > 1) args.push(`{${fields.map((f, i) => `"${f}":${VALUES[i % VALUES.length]}`).join(",")}}`);
    for (const arg of args) {
      for (const mode of ["Normal", "Resynchronise"] as const) {
        rpc.mode.set(mode);
        calls++;
        try {
          goStringify(METHODS[method]!(parseJsonExact(arg), rpc.deps));
        } catch (e) {
          if (!(e instanceof RpcError)) throw new Error(`${method} ${arg} (${mode}) threw ${e}`);
          expect(e.message.length).toBeGreaterThan(0);
        }
      }
    }
  }
  rpc.mode.set("Normal");
  expect(calls).toBeGreaterThan(1000);
  expect(rpc.result("Node.List", `{"count":1}`)).toBe(`{"nodes":null,"nextStart":"0"}`);
});

test("§9: the inputs that crash 8.2 get an error", () => {
  expect(rpc.result("Owner.Bitmarks", `{"count":1}`)).toBe("error: invalid item");
  expect(rpc.result("Owner.Bitmarks", `{"owner":null,"count":1}`)).toBe("error: invalid item");
  expect(rpc.result("BlockOwner.Transfer", `{}`)).toBe("error: invalid item");
  expect(rpc.result("BlockOwner.Transfer", `{"owner":null}`)).toBe("error: invalid item");
  expect(rpc.result("Bitmarks.Create", `{"assets":[null]}`)).toBe("error: invalid item");
  expect(rpc.result("Bitmarks.Create", `{"issues":[null]}`)).toBe("error: invalid item");
  expect(rpc.result("Bitmark.Transfer", "null")).toBe("error: invalid item");
});
