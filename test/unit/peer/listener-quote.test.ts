/** Go strconv.Quote rules (protocol.md §9) as used in the `invalid chain` error text. */
import { expect, test } from "bun:test";
import { goQuote } from "../../../src/encoding/go-quote.ts";
import { fromHex } from "../../support/hex.ts";

const cases: [string, Uint8Array | string, string][] = [
  ["plain ASCII", "bitmark", '"bitmark"'],
  ["empty", "", '""'],
  ["quote and backslash", 'a"b\\c', '"a\\"b\\\\c"'],
  ["space stays, single quote stays", "a b'c", `"a b'c"`],
  ["named control escapes", fromHex("0708090a0b0c0d"), '"\\a\\b\\t\\n\\v\\f\\r"'],
  ["other C0 controls and DEL as \\x", fromHex("00011b1f7f"), '"\\x00\\x01\\x1b\\x1f\\x7f"'],
  ["invalid bytes", fromHex("fffe"), '"\\xff\\xfe"'],
  ["bad continuation keeps the next byte", fromHex("c328"), '"\\xc3("'],
  ["encoded surrogate is three bad bytes", fromHex("eda080"), '"\\xed\\xa0\\x80"'],
  ["overlong form", fromHex("c0af"), '"\\xc0\\xaf"'],
  ["overlong three-byte form", fromHex("e08080"), '"\\xe0\\x80\\x80"'],
  ["above U+10FFFF", fromHex("f4908080"), '"\\xf4\\x90\\x80\\x80"'],
  ["truncated sequence", fromHex("61e282"), '"a\\xe2\\x82"'],
  ["printable Unicode kept", "héllo 世界 😀", '"héllo 世界 😀"'],
  ["valid U+FFFD is printable", "\ufffd", '"\ufffd"'],
  ["C1 control", "\u0085", '"\\u0085"'],
  ["no-break space", "\u00a0", '"\\u00a0"'],
  ["ideographic space", "\u3000", '"\\u3000"'],
  ["zero width space (format)", "\u200b", '"\\u200b"'],
  ["byte order mark", "\ufeff", '"\\ufeff"'],
  ["line separator", "\u2028", '"\\u2028"'],
  ["private use", "\ue000", '"\\ue000"'],
  ["astral format character", "\u{e0001}", '"\\U000e0001"'],
  ["astral private use", "\u{f0000}", '"\\U000f0000"'],
  ["noncharacter U+10FFFF", "\u{10ffff}", '"\\U0010ffff"'],
  ["mixed", fromHex("74657374696e6700ff"), '"testing\\x00\\xff"'],
];

for (const [name, input, want] of cases) {
  test(name, () => expect(goQuote(input)).toBe(want));
}
