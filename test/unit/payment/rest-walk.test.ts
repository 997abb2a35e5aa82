/**
 * The REST walk as transitions (payment/bitcoin.go `checkLatestBlock`/`process`, proof.md §8.2), driven over a
 * hand-made chain: which blocks are inspected in backward then forward mode, the >3-confirmation rule, the
 * 72 h stop, and the parsing bounds.
 */
import { describe, expect, test } from "bun:test";
import { afterBlock, afterHeader, type BlockView, initialWalk, LOOK_BACK_MS, MAX_BLOCK_TXS, parseBlock, parseChainInfo, parseHeaders, type WalkState } from "../../../src/payment/rest-walk.ts";

const NOW = 1_800_000_000_000;
const HOUR_S = 3600;
const hash = (n: number) => n.toString(16).padStart(64, "0");

/** A chain of `tip` blocks, one per hour ending now; confirmations as bitcoind reports them. */
function chain(tip: number): Map<string, BlockView> {
  const m = new Map<string, BlockView>();
  for (let h = 1; h <= tip; h++) {
    m.set(hash(h), {
      hash: hash(h),
      height: h,
      confirmations: tip - h + 1,
      time: NOW / 1000 - (tip - h) * HOUR_S,
      previousblockhash: h > 1 ? hash(h - 1) : undefined,
      nextblockhash: h < tip ? hash(h + 1) : undefined,
      tx: [],
    });
  }
  return m;
}

/** One check as rest.ts runs it; returns the inspected heights and the new state. */
function check(blocks: Map<string, BlockView>, s: WalkState, now = NOW): { inspected: number[]; state: WalkState } {
  const h = blocks.get(s.latestHash);
  const d = afterHeader(s, h);
  let state = d.state;
  const inspected: number[] = [];
  if (!d.walk) return { inspected, state };
  for (let next: string | undefined = state.latestHash; next !== undefined; ) {
    const step = afterBlock(state, blocks.get(next)!, now);
    state = step.state;
    if (step.inspect) inspected.push(blocks.get(next)!.height);
    next = step.next;
  }
  return { inspected, state };
}

describe("walk", () => {
  test("backward from the tip, skipping ≤ 3 confirmations, down to the first block older than 72 h", () => {
    const blocks = chain(100);
    const r = check(blocks, initialWalk(hash(100)));
    // 100..98 have 1..3 confirmations; block 28 is 72 h old (not older), block 27 is the first older one
    expect(r.inspected).toEqual(Array.from({ length: 97 - 27 + 1 }, (_, i) => 97 - i));
    expect(r.state).toEqual({ latestHash: hash(97), forward: true });
  });

  test("then forward: nothing until the next block has more than 3 confirmations, then only that block", () => {
    let blocks = chain(100);
    let s = check(blocks, initialWalk(hash(100))).state;
    // forward from 97 (re-inspected, as 8.2 does) to 98 (3 confirmations): stop there
    let r = check(blocks, s);
    expect(r.inspected).toEqual([97]);
    expect(r.state).toEqual({ latestHash: hash(98), forward: true });
    s = r.state;
    expect(check(blocks, s).inspected).toEqual([]); // 98 still has 3 confirmations
    blocks = chain(101); // 98 now has 4
    r = check(blocks, s);
    expect(r.inspected).toEqual([98]);
    expect(r.state.latestHash).toBe(hash(99));
    blocks = chain(105);
    expect(check(blocks, r.state).inspected).toEqual([99, 100, 101, 102]);
  });

  test("a young chain: the backward walk ends at its first block", () => {
    const r = check(chain(10), initialWalk(hash(10)));
    expect(r.inspected).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(r.state.forward).toBe(true);
  });

  test("a chain of only unconfirmed blocks: nothing inspected, still backward", () => {
    const r = check(chain(3), initialWalk(hash(3)));
    expect(r.inspected).toEqual([]);
    expect(r.state.forward).toBe(false);
  });

  test("72 h boundary: older than now − 72 h stops", () => {
    const b = chain(200).get(hash(100))!;
    const at = (seconds: number) => afterBlock(initialWalk(b.hash), { ...b, time: seconds }, NOW);
    expect(at((NOW - LOOK_BACK_MS) / 1000).next).toBe(b.previousblockhash);
    expect(at((NOW - LOOK_BACK_MS) / 1000 - 1)).toEqual({ state: { latestHash: b.hash, forward: true }, inspect: true, next: undefined });
  });

  test("forward: a block that left the best chain (−1 confirmations) sends the walk back to its parent", () => {
    const h = { hash: hash(50), height: 50, confirmations: -1, previousblockhash: hash(49) };
    expect(afterHeader({ latestHash: hash(50), forward: true }, h)).toEqual({ state: { latestHash: hash(49), forward: true }, walk: false });
  });

  test("no header (empty list): nothing", () => {
    expect(afterHeader(initialWalk(hash(1)), undefined).walk).toBe(false);
  });
});

describe("parsing", () => {
  const good = { hash: hash(5), height: 5, confirmations: 4, time: 1, previousblockhash: hash(4), nextblockhash: hash(6), tx: [{}] };
  test("block", () => expect(parseBlock(good)).toEqual({ ...good }));
  test("tip block without nextblockhash", () => expect(parseBlock({ ...good, nextblockhash: undefined }).nextblockhash).toBeUndefined());
  const bad: [string, unknown, string][] = [
    ["not an object", [good], "not an object"],
    ["hash with a path in it", { ...good, hash: "../../x" }, "hash is not a block hash"],
    ["previousblockhash with a query", { ...good, previousblockhash: `${hash(1).slice(2)}?a` }, "previousblockhash is not a block hash"],
    ["confirmations a string", { ...good, confirmations: "9" }, "confirmations is not an integer"],
    ["height fractional", { ...good, height: 1.5 }, "height is not an integer"],
    ["time missing", { ...good, time: undefined }, "time is not an integer"],
    ["tx an object", { ...good, tx: {} }, "tx is not a list"],
    ["too many transactions", { ...good, tx: new Array(MAX_BLOCK_TXS + 1).fill(0) }, "more than"],
  ];
  for (const [name, v, message] of bad) test(`block: ${name}`, () => expect(() => parseBlock(v)).toThrow(message));
  test("headers", () => {
    expect(parseHeaders([])).toBeUndefined();
    expect(parseHeaders([good])?.height).toBe(5);
    expect(() => parseHeaders({})).toThrow("headers: not a list");
  });
  test("chaininfo", () => {
    expect(parseChainInfo({ blocks: 5, bestblockhash: hash(5), chain: "main" })).toEqual({ blocks: 5, bestblockhash: hash(5), chain: "main" });
    expect(() => parseChainInfo({ blocks: "5", bestblockhash: hash(5) })).toThrow("blocks");
    expect(() => parseChainInfo({ blocks: 5, bestblockhash: "x" })).toThrow("bestblockhash");
  });
});
