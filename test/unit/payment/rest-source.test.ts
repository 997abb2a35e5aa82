/**
 * RestSource timing on an injected clock (ManualClock) against the fake REST server: chaininfo retried with
 * back-off (1 s, 2 s, …), the check interval, and 8.2's throttle (past 10 blocks in one walk at more than
 * 500 blocks/s, sleep 2 s).
 */
import { afterEach, expect, test } from "bun:test";
import { ManualClock } from "../../../src/base/clock.ts";
import { quietLogsWhileRunning } from "../../support/harness/profile.ts";
import { CURRENCY_BITCOIN } from "../../../src/chain/types/currency.ts";
import { RestSource } from "../../../src/payment/rest.ts";
import type { SourceEvents } from "../../../src/payment/source.ts";
import { FakeRest } from "../../support/fake-rest.ts";
import { until } from "../../support/until.ts";

const stops: { stop(): unknown }[] = [];
quietLogsWhileRunning("error");
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s.stop();
});

function source(rest: FakeRest, clock: ManualClock) {
  const seen = { states: [] as string[], blocks: [] as number[], txs: 0 };
  const events: SourceEvents = {
    transaction: () => void seen.txs++,
    block: (_c, height) => void seen.blocks.push(height),
    state: (_c, state) => void seen.states.push(state),
  };
  const s = new RestSource({ currency: CURRENCY_BITCOIN, url: rest.url, chain: "testing", clock, timing: { checkIntervalMs: 60_000, requestTimeoutMs: 2000 }, events });
  stops.push(rest, s);
  s.start();
  return seen;
}

/** Lets pending HTTP round trips finish. */
const settle = () => Bun.sleep(150);

test("chaininfo failures are retried after 1 s, 2 s, 4 s …", async () => {
  const rest = FakeRest.start({ old: 1, recent: 1 });
  rest.fault = () => new Response("", { status: 500 });
  const clock = new ManualClock(Date.now());
  const seen = source(rest, clock);
  await until(() => rest.count("/rest/chaininfo.json") === 1);
  for (const delay of [1000, 2000, 4000]) {
    const asked = rest.count("/rest/chaininfo.json");
    await settle();
    clock.advance(delay - 1);
    await settle();
    expect(rest.count("/rest/chaininfo.json")).toBe(asked);
    clock.advance(1);
    await until(() => rest.count("/rest/chaininfo.json") === asked + 1);
  }
  rest.fault = () => undefined;
  await settle();
  clock.advance(8000);
  await until(() => seen.states.at(-1) === "running");
});

test("checks every interval; a fast walk sleeps 2 s after its 11th block", async () => {
  const rest = FakeRest.start({ old: 1, recent: 40 });
  const clock = new ManualClock(Date.now());
  const seen = source(rest, clock);
  await until(() => seen.states.includes("running"));
  await settle();
  expect(rest.count("/rest/headers/")).toBe(0);
  clock.advance(60_000);
  // no time passes on the manual clock: the rate is above 500 blocks/s once past 10 blocks
  await until(() => rest.count("/rest/block/") >= 3 + 11);
  await settle();
  const walked = rest.count("/rest/block/");
  expect(walked).toBe(3 + 11); // 3 blocks skipped with ≤ 3 confirmations, 11 inspected
  clock.advance(2000);
  await until(() => seen.blocks.length > 1 + 11);
  await settle();
  expect(rest.count("/rest/block/")).toBeGreaterThan(walked);
});
