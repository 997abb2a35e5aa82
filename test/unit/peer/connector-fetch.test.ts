/** SpreadFetch: items spread over sources, window, hedging of awaited items, dead sources, lost items, stop. */
import { describe, expect, test } from "bun:test";
import { type Source, SpreadFetch } from "../../../src/peer/sync/fetch.ts";

class Dead extends Error {}
const isDead = (e: unknown) => e instanceof Dead;
const never = new Promise<number>(() => {});

/** A source answering n*10 after `ms`, or misbehaving for chosen items. */
function source(id: string, opts: { ms?: number; hang?: (n: number) => boolean; fail?: (n: number) => Error | undefined } = {}) {
  const asked: number[] = [];
  const s: Source<number> = {
    id,
    async get(n) {
      asked.push(n);
      if (opts.hang?.(n)) return never;
      await Bun.sleep(opts.ms ?? 1);
      const e = opts.fail?.(n);
      if (e) throw e;
      return n * 10;
    },
  };
  return { s, asked };
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe("SpreadFetch", () => {
  test("every item once, spread over the sources", async () => {
    const a = source("a");
    const b = source("b");
    const f = new SpreadFetch(range(1, 20), [a.s, b.s], 20, 10_000, isDead);
    const got = [];
    for (const n of range(1, 20)) {
      const t = await f.take(n);
      got.push("value" in t ? t.value : -1);
      f.release(n);
    }
    f.stop();
    expect(got).toEqual(range(1, 20).map((n) => n * 10));
    expect([...a.asked, ...b.asked].sort((x, y) => x - y)).toEqual(range(1, 20));
    expect(a.asked.length).toBeGreaterThan(0);
    expect(b.asked.length).toBeGreaterThan(0);
  });

  test("nothing beyond the window is fetched before release", async () => {
    const a = source("a");
    const f = new SpreadFetch(range(1, 10), [a.s], 3, 10_000, isDead);
    await Bun.sleep(30);
    expect(a.asked).toEqual([1, 2, 3]);
    f.release(2);
    await Bun.sleep(30);
    expect(a.asked).toEqual([1, 2, 3, 4, 5]);
    f.stop();
  });

  test("an awaited item held by a hung source is hedged after the delay, first answer wins", async () => {
    const slow = source("slow", { hang: (n) => n === 1 });
    const fast = source("fast", { ms: 5 });
    const f = new SpreadFetch([1, 2, 3], [slow.s, fast.s], 3, 40, isDead);
    const started = Date.now();
    const t = await f.take(1);
    const waited = Date.now() - started;
    expect(t).toEqual({ value: 10, source: "fast" });
    expect(waited).toBeGreaterThanOrEqual(35);
    expect(waited).toBeLessThan(400);
    f.stop();
  });

  test("not hedged while the request is young (no duplicate requests in normal operation)", async () => {
    const a = source("a", { ms: 20 });
    const b = source("b", { ms: 20 });
    const f = new SpreadFetch(range(1, 6), [a.s, b.s], 6, 10_000, isDead);
    for (const n of range(1, 6)) {
      expect("value" in (await f.take(n))).toBe(true);
      f.release(n);
    }
    f.stop();
    expect(a.asked.length + b.asked.length).toBe(6);
  });

  test("an item failed by one source is fetched from another; failed by all → lost with the error", async () => {
    const a = source("a", { fail: (n) => (n === 2 || n === 3 ? new Error(`a refuses ${n}`) : undefined) });
    const b = source("b", { fail: (n) => (n === 3 ? new Error(`b refuses ${n}`) : undefined) });
    const f = new SpreadFetch([1, 2, 3], [a.s, b.s], 3, 10_000, isDead);
    const [t1, t2, t3] = await Promise.all([f.take(1), f.take(2), f.take(3)]);
    expect("value" in t1!).toBe(true);
    expect(t2).toEqual({ value: 20, source: "b" });
    expect("error" in t3! && (t3.error as Error).message).toMatch(/refuses 3/);
    f.stop();
  });

  test("a dead source stops taking work; with no source left items are lost", async () => {
    const a = source("a", { fail: () => new Dead("timeout") });
    const f = new SpreadFetch(range(1, 5), [a.s], 5, 10_000, isDead);
    const all = await Promise.all(range(1, 5).map((n) => f.take(n)));
    expect(all.every((t) => "error" in t)).toBe(true);
    expect(a.asked).toEqual([1]);
    f.stop();
  });

  test("no sources: everything is lost at once", async () => {
    const f = new SpreadFetch([7], [], 1, 10, isDead);
    expect("error" in (await f.take(7))).toBe(true);
  });

  test("stop resolves items still awaited", async () => {
    const a = source("a", { hang: () => true });
    const f = new SpreadFetch([1, 2], [a.s], 2, 10_000, isDead);
    const pending = f.take(2);
    f.stop();
    const t = await pending;
    expect("error" in t && (t.error as Error).message).toBe("fetch stopped");
  });
});
