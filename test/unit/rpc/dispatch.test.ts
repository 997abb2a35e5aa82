import { afterAll, expect, test } from "bun:test";
import { setLogSink } from "../../../src/base/log.ts";
import { Fault } from "../../../src/base/fault.ts";
import { createDispatch } from "../../../src/rpc/dispatch.ts";
import { RpcStats } from "../../../src/rpc/stats.ts";
import { TEST_TABLE } from "../../support/rpc-table.ts";

const logged: string[] = [];
afterAll(setLogSink((line) => logged.push(line)));
const table = {
  ...TEST_TABLE,
  "Test.Fault": () => {
    throw new Fault("invalid count");
  },
  "Test.BigInt": () => ({ n: 1n }),
};
const stats = new RpcStats(new Set(Object.keys(table)));
const dispatch = createDispatch(table, { calls: 0 }, stats);

test.each([
  ["sync result, answered synchronously", '{"method":"Test.Echo","params":[5],"id":1}', '{"id":1,"result":5,"error":null}\n', false],
  ["a bitmarkd Fault's text", '{"method":"Test.Fault","params":[],"id":2}', '{"id":2,"result":null,"error":"invalid count"}\n', false],
  ["a result the encoder cannot write: logged, internal error", '{"method":"Test.BigInt","params":[],"id":3}', '{"id":3,"result":null,"error":"internal error"}\n', false],
  ["unknown method: codec error", '{"method":"Test.Nope","params":[],"id":4}', `{"id":4,"result":null,"error":"rpc: can't find method Test.Nope"}\n`, true],
  ["params not an array: codec error", '{"method":"Test.Echo","params":1,"id":5}', '{"id":5,"result":null,"error":"json: cannot unmarshal number into Go value of type [1]interface {}"}\n', true],
])("%s", (_name, text, line, codecError) => {
  const codec = { error: false };
  expect(dispatch(text, codec)).toBe(line);
  expect(codec.error).toBe(codecError);
});

test("async methods give a promise of the line; a header that cannot be decoded gives undefined", async () => {
  const p = dispatch('{"method":"Test.Sleep","params":[{"ms":1,"tag":"z"}],"id":6}');
  expect(p).toBeInstanceOf(Promise);
  expect(await p).toBe('{"id":6,"result":"z","error":null}\n');
  expect(dispatch("[]")).toBeUndefined();
});

test("counts per method and outcome; unknown names under `other`", () => {
  expect(stats.requests.get("Test.Echo")).toBe(2); // one of them with params that are not an array
  expect(stats.errors.get("Test.Fault")).toBe(1);
  expect(stats.requests.get("other")).toBe(1);
  expect(stats.errors.get("Test.Echo")).toBe(1);
  expect(logged.some((l) => l.includes("method failed") && l.includes("Test.BigInt"))).toBe(true);
});
