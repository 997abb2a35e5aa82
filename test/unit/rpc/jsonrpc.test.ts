import { describe, expect, test } from "bun:test";
import { argumentOf, compactJson, errorLine, findMethod, parseRequest, resultLine, servicesOf } from "../../../src/rpc/jsonrpc.ts";
import { JsonNumber } from "../../../src/rpc/go-decode.ts";

describe("parseRequest (Go jsonrpc serverRequest decoding)", () => {
  test.each([
    ["plain", '{"method":"Node.Info","params":[{}],"id":0}', { id: "0", method: "Node.Info", params: [{}] }],
    ["no id → null", '{"method":"Node.Info","params":[]}', { id: "null", method: "Node.Info", params: [] }],
    ["string id kept raw", '{"method":"M.m","params":[],"id":"x\\u0041"}', { id: '"x\\u0041"', method: "M.m", params: [] }],
    ["id compacted, HTML escaped", '{"id":[1, {"a" : "<&>"}],"method":"M.m","params":[]}', { id: '[1,{"a":"\\u003c\\u0026\\u003e"}]', method: "M.m", params: [] }],
    ["id number kept as written", '{"id":1.50e2,"method":"M.m"}', { id: "1.50e2", method: "M.m", params: undefined }],
    ["keys case-insensitive", '{"METHOD":"A.b","Params":[1],"iD":7}', { id: "7", method: "A.b", params: [new JsonNumber("1")] }],
    ["last duplicate wins", '{"method":"A.b","method":"C.d","id":1,"id":2}', { id: "2", method: "C.d", params: undefined }],
    ["params null = missing", '{"method":"A.b","params":null,"id":1}', { id: "1", method: "A.b", params: undefined }],
    ["method escaped", '{"method":"Node\\u002eInfo","params":[],"id":1}', { id: "1", method: "Node.Info", params: [] }],
    ["method null = empty", '{"method":null,"id":1}', { id: "1", method: "", params: undefined }],
    ["top-level null", "null", { id: "null", method: "", params: undefined }],
    ["unknown keys ignored", '{"jsonrpc":"2.0","method":"A.b","params":[],"id":1}', { id: "1", method: "A.b", params: [] }],
    ["id null", '{"method":"A.b","id":null}', { id: "null", method: "A.b", params: undefined }],
  ])("%s", (_name, text, expected) => {
    expect(parseRequest(text)).toEqual(expected);
  });

  test.each([
    ["not JSON", "garbage"],
    ["broken object", '{"method":"A.b",}'],
    ["mismatched brackets", '{"a":[}'],
    ["method not a string", '{"method":5,"id":1}'],
    ["array", "[1]"],
  ])("header cannot be decoded: %s", (_name, text) => {
    expect(parseRequest(text)).toBeUndefined();
  });
});

describe("findMethod (net/rpc texts)", () => {
  const table = { "Node.Info": () => 1, "Node.List": () => 2, "A.B.C": () => 3 };
  const services = servicesOf(table);
  test.each([
    ["Foo", "rpc: service/method request ill-formed: Foo"],
    ["", "rpc: service/method request ill-formed: "],
    ["Nope.Info", "rpc: can't find service Nope.Info"],
    ["Node.Foo", "rpc: can't find method Node.Foo"],
    ["node.Info", "rpc: can't find service node.Info"],
    ["Node.info", "rpc: can't find method Node.info"],
    ["Node.toString", "rpc: can't find method Node.toString"],
    ["A.B.D", "rpc: can't find method A.B.D"],
  ])("%s", (name, text) => {
    expect(findMethod(table, services, name)).toBe(text);
  });
  test("found", () => {
    expect(findMethod(table, services, "Node.List")).toBe(table["Node.List"]);
    expect(findMethod(table, services, "A.B.C")).toBe(table["A.B.C"]);
  });
});

describe("argumentOf (jsonrpc ReadRequestBody)", () => {
  test.each([
    ["missing", undefined, { error: "jsonrpc: request body missing params" }],
    ["object", {}, { error: "json: cannot unmarshal object into Go value of type [1]interface {}" }],
    ["string", "x", { error: "json: cannot unmarshal string into Go value of type [1]interface {}" }],
    ["number", 5, { error: "json: cannot unmarshal number into Go value of type [1]interface {}" }],
    ["bool", true, { error: "json: cannot unmarshal bool into Go value of type [1]interface {}" }],
    ["empty array", [], { arg: undefined }],
    ["first element", [{ a: 1 }, 2], { arg: { a: 1 } }],
    ["null element", [null], { arg: null }],
  ])("%s", (_name, params, expected) => {
    expect(argumentOf(params)).toEqual(expected);
  });
});

describe("reply lines", () => {
  test("result and error, keys in Go's order, one newline", () => {
    expect(resultLine('"x"', { b: 1, a: "<" })).toBe('{"id":"x","result":{"b":1,"a":"\\u003c"},"error":null}\n');
    expect(errorLine("null", "invalid count")).toBe('{"id":null,"result":null,"error":"invalid count"}\n');
  });
  test("compactJson", () => {
    expect(compactJson('{ "a" : [ 1 , 2 ] }')).toBe('{"a":[1,2]}');
    expect(compactJson('"a b\\" <"')).toBe('"a b\\" \\u003c"');
    expect(compactJson("12")).toBe("12");
  });
});
