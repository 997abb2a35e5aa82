/** The logger: line format, JSON lines, and byte fields cut so that a peer's frames cannot flood the log. */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { logger, setLogLevel, setLogSink } from "../../../src/base/log.ts";

const lines: string[] = [];
const log = logger("test");

afterEach(() => {
  lines.length = 0;
  setLogLevel("info");
});
afterAll(setLogSink((l) => lines.push(l))); // each test below sets the format it checks; the sink before is restored at the end

describe("byte fields", () => {
  test.each([
    ["empty", 0, ""],
    ["a key (32 bytes) in full", 32, "ab".repeat(32)],
    ["64 bytes in full", 64, "ab".repeat(64)],
    ["65 bytes cut to 32", 65, `${"ab".repeat(32)}…(65 bytes)`],
    ["a 5 MB frame cut to 32", 5_000_000, `${"ab".repeat(32)}…(5000000 bytes)`],
  ])("%s", (_name, size, shown) => {
    setLogSink((l) => lines.push(l), false);
    log.info("frame", { data: new Uint8Array(size).fill(0xab) });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith(` INFO  test: frame data=${shown}`)).toBe(true);
  });

  test("JSON lines cut them the same way", () => {
    setLogSink((l) => lines.push(l), true);
    log.warn("frame", { data: new Uint8Array(1000).fill(1), n: 3 });
    const obj = JSON.parse(lines[0]!);
    expect(obj).toMatchObject({ level: "warn", sub: "test", msg: "frame", n: 3, data: `${"01".repeat(32)}…(1000 bytes)` });
  });
});

test("levels below the threshold are not written", () => {
  setLogSink((l) => lines.push(l), false);
  setLogLevel("warn");
  log.info("hidden");
  log.error("shown", { why: "a b" });
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(' ERROR test: shown why="a b"');
});
