import { describe, expect, test } from "bun:test";
import { JsonStreamSplitter } from "../../../src/rpc/json-stream.ts";

/** Feeds `chunks` and collects what the splitter yields: value texts, then the error if one comes. */
function split(chunks: string[], max = 1000): string[] {
  const s = new JsonStreamSplitter(max);
  const out: string[] = [];
  for (const c of chunks) {
    s.push(Buffer.from(c, "latin1")); // one char = one byte, so chunks can split UTF-8 sequences
    for (;;) {
      const v = s.next();
      if (v === null) break;
      if (typeof v === "string") return [...out, `ERROR ${v}`];
      out.push(v.toString("latin1"));
    }
  }
  return out;
}

describe("JsonStreamSplitter", () => {
  test.each([
    ["one object", ['{"a":1}'], ['{"a":1}']],
    ["back to back", ['{"a":1}{"b":2}'], ['{"a":1}', '{"b":2}']],
    ["white space between and around", [' \n\t{"a":1}\r\n {"b":2}\n'], ['{"a":1}', '{"b":2}']],
    ["split at every byte", [..."{\"a\":[1,{\"b\":\"}\"}]}"], ['{"a":[1,{"b":"}"}]}']],
    ["braces and escaped quotes inside strings", ['{"a":"\\"}{\\\\"}{"b":1}'], ['{"a":"\\"}{\\\\"}', '{"b":1}']],
    ["top-level null", ["null{}"], ["null", "{}"]],
    ["null split over chunks", ["nu", "ll"], ["null"]],
    ["not an object: array", ['{}[1]'], ["{}", "ERROR not an object"]],
    ["not an object: garbage", ["garbage\n"], ["ERROR not an object"]],
    ["not an object: number", ["5"], ["ERROR not an object"]],
    ["bad literal", ["nul!"], ["ERROR not an object"]],
    ["multi-byte UTF-8 split across chunks", ['{"a":"\xe2', '\x82\xac"}'], ['{"a":"\xe2\x82\xac"}']],
    ["incomplete value waits", ['{"a":'], []],
  ])("%s", (_name, chunks, expected) => {
    expect(split(chunks)).toEqual(expected);
  });

  test("a value longer than the limit is an error as soon as it gets that long", () => {
    expect(split(['{"a":"' + "x".repeat(20)], 16)).toEqual(["ERROR too large"]);
    expect(split(['{"a":"' + "x".repeat(8) + '"}'], 16)).toEqual(['{"a":"xxxxxxxx"}']); // exactly 16 bytes
    expect(split(['{"a":"' + "x".repeat(9) + '"}'], 16)).toEqual(["ERROR too large"]);
  });

  test("an error sticks: nothing after it is returned", () => {
    const s = new JsonStreamSplitter(100);
    s.push(Buffer.from("x{}"));
    expect(s.next()).toBe("not an object");
    s.push(Buffer.from("{}"));
    expect(s.next()).toBe("not an object");
  });

  test("only the partial value is kept between pushes", () => {
    const s = new JsonStreamSplitter(100);
    s.push(Buffer.from('{"a":1}   {"b"'));
    expect(s.next()!.toString()).toBe('{"a":1}');
    expect(s.next()).toBeNull();
    expect(s.buffered).toBe(4);
    s.push(Buffer.from(":2}"));
    expect(s.next()!.toString()).toBe('{"b":2}');
    expect(s.buffered).toBe(0);
  });
});
