/** Difficulty: bits ↔ target, reciprocal → bits/exact target, header window, ScaledDifficulty tables. */
import { describe, expect, test } from "bun:test";
import fixture from "../../fixtures/difficulty.json";
import {
  bitsJSON,
  bitsToTarget,
  fromReciprocal,
  HEADER_WINDOW,
  ONE,
  scaledDifficulty,
  targetBytes,
  withinHeaderWindow,
} from "../../../src/chain/rules/difficulty.ts";
import { faultOf } from "../../support/fault.ts";

type Case = { id: string; op: string; input: Record<string, any>; expected: Record<string, any> };
const cases = fixture.cases as Case[];
const byOp = (op: string) => cases.filter((c) => c.op === op);

const hexTarget = (t: bigint) => Buffer.from(targetBytes(t)).toString("hex");
const leBits = (hex: string) => Buffer.from(hex, "hex").readBigUInt64LE(0);

describe("bits → target", () => {
  for (const c of byOp("bits_to_target")) {
    test(c.id, () => {
      const bits = leBits(c.input.header_bytes_le);
      if (c.input.bits_hex) expect(bits).toBe(BigInt("0x" + c.input.bits_hex));
      if (c.expected.bits_hex) expect(bits.toString(16).padStart(16, "0")).toBe(c.expected.bits_hex);
      if (c.expected.target_hex) expect(hexTarget(bitsToTarget(bits))).toBe(c.expected.target_hex);
      if (c.expected.json) expect(JSON.stringify(bitsJSON(bits))).toBe(c.expected.json);
    });
  }
});

describe("reciprocal → bits and exact target", () => {
  for (const c of byOp("reciprocal_to_bits")) {
    test(c.id, () => {
      const r = new DataView(Buffer.from(c.input.reciprocal_float64_bits, "hex").buffer).getFloat64(0);
      const d = fromReciprocal(r);
      expect(d.bits.toString(16).padStart(16, "0")).toBe(c.expected.bits_hex);
      expect(hexTarget(d.target)).toBe(c.expected.exact_target_hex);
    });
  }
  test("below 1 → difficulty 1", () => {
    for (const r of [0, 0.5, -3, Number.NaN]) expect(fromReciprocal(r)).toEqual({ ...ONE });
  });
});

test("initial current difficulty", () => {
  const c = byOp("constant")[0]!;
  expect(ONE.bits.toString(16).padStart(16, "0")).toBe(c.expected.current_bits_hex);
  expect(ONE.reciprocal).toBe(Number(c.expected.current_reciprocal));
});

test("header window", () => {
  const c = byOp("header_difficulty_window")[0]!;
  expect(hexTarget(HEADER_WINDOW.lower)).toBe(c.expected.lower_target_hex);
  expect(hexTarget(HEADER_WINDOW.upper)).toBe(c.expected.upper_target_hex);
  for (const ok of [c.expected.smallest_accepted_bits_hex, c.expected.largest_accepted_bits_hex]) {
    expect(withinHeaderWindow(bitsToTarget(BigInt("0x" + ok)))).toBe(true);
  }
  for (const bad of c.expected.rejected_examples_bits_hex as string[]) {
    expect(withinHeaderWindow(bitsToTarget(BigInt("0x" + bad)))).toBe(false);
  }
});

test("exponent ≥ 0xc0 is invalid block header difficulty (8.2 panics)", () => {
  for (const bits of [0xc000000000000000n, 0xffffffffffffffffn, 0xc0ffffffffffffffn]) {
    expect(faultOf(() => bitsToTarget(bits))).toBe("invalid block header difficulty");
  }
  expect(() => bitsToTarget(0xbfffffffffffffffn)).not.toThrow();
});

describe("ScaledDifficulty", () => {
  for (const c of byOp("scaled_difficulty")) {
    const chain = c.input.chain === "bitmark" ? "bitmark" : "testing";
    test(`${c.id} (${c.expected.table.length} counts)`, () => {
      for (const row of c.expected.table as { count: number; reciprocal: string; bits_hex: string; exact_target_hex: string }[]) {
        const d = scaledDifficulty(row.count, chain);
        expect(d.reciprocal).toBe(Number(row.reciprocal));
        expect(d.bits.toString(16).padStart(16, "0")).toBe(row.bits_hex);
        expect(hexTarget(d.target)).toBe(row.exact_target_hex);
      }
    });
  }
  test("local equals testing", () => {
    for (const n of [1, 7, 42, 100]) expect(scaledDifficulty(n, "local")).toEqual(scaledDifficulty(n, "testing"));
  });
});
