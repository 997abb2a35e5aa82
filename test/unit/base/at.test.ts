/**
 * at (src/base/at.ts): the element, or an IndexError naming the index and the length — including for the
 * falsy elements a careless `?? default` would confuse with a missing one.
 */
import { describe, expect, test } from "bun:test";
import { at, IndexError } from "../../../src/base/at.ts";

describe("at", () => {
  test("elements of arrays, typed arrays and strings, falsy ones included", () => {
    expect(at([3, 0, 5], 1)).toBe(0);
    expect(at([null, "x"], 0)).toBeNull();
    expect(at(Uint8Array.of(7, 0), 1)).toBe(0);
    expect(at("ab", 1)).toBe("b");
  });

  test("outside the array: IndexError INDEX_OUT_OF_RANGE with the index and the length", () => {
    for (const index of [-1, 3, 1.5]) {
      let caught: unknown;
      try {
        at([1, 2, 3], index);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(IndexError);
      expect((caught as IndexError).type).toEqual({ code: "INDEX_OUT_OF_RANGE", index, length: 3 });
      expect((caught as IndexError).message).toBe(`INDEX_OUT_OF_RANGE index=${index} length=3`);
    }
  });
});
