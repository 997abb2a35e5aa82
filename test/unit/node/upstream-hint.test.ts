/** Issue 12 item 5: the too-few-upstreams warning says what to do, and comes less and less often. */
import { expect, test } from "bun:test";
import { HINT_START, upstreamHint, type HintState } from "../../../src/node/upstream-hint.ts";

const MIN = 60_000;

test("warnings at 1, 3, 7, 15 … minutes of a shortage, at most hourly, with the counts and the remedy", () => {
  let s: HintState = HINT_START;
  const warned: number[] = [];
  for (let t = 0; t <= 300 * MIN; t += 5_000) {
    const r = upstreamHint(s, t, 1, 3);
    s = r.state;
    if (r.warn) {
      warned.push(t / MIN);
      expect(r.warn).toBe("connections below minimum client count: 3 upstreams needed; have 1; set timing.minimum_clients for a small test network");
    }
  }
  expect(warned.slice(0, 6)).toEqual([1, 3, 7, 15, 31, 63]);
  const gaps = warned.slice(1).map((w, i) => w - warned[i]!);
  expect(Math.max(...gaps)).toBe(60);
});

test("enough upstreams: silent; a shortage that ends says so once and starts over", () => {
  expect(upstreamHint(HINT_START, 0, 3, 3)).toEqual({ state: HINT_START });
  let s = upstreamHint(HINT_START, 0, 0, 3).state;
  s = upstreamHint(s, MIN, 0, 3).state;
  const over = upstreamHint(s, 2 * MIN, 3, 3);
  expect(over.info).toBe("upstreams: 3 registered, minimum 3 reached");
  expect(over.state).toEqual(HINT_START);
});
