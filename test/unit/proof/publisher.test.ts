/**
 * The publisher's schedule (proof.md §3.1, with an injected job source and a recording PUB): the timer publishes
 * when there is a job and waits interval + pause after one, interval otherwise; kick() (a new tip) publishes at
 * once; nothing after stop(). Job ids in the frames are the queue's. Time is a ManualClock.
 */
import { expect, test } from "bun:test";
import { ManualClock } from "../../../src/base/clock.ts";
import { ONE_BITS } from "../../../src/chain/rules/difficulty.ts";
import type { Job } from "../../../src/proof/job.ts";
import { JobPublisher, publishTiming } from "../../../src/proof/publisher.ts";
import { JobQueue } from "../../../src/proof/submission.ts";
import type { PublishServer } from "../../../src/transport/publish-server.ts";
import { quietLogsWhileRunning } from "../../support/harness/profile.ts";

quietLogsWhileRunning();
const job: Job = {
  header: { version: 2, transactionCount: 2, number: 2, previousBlock: new Uint8Array(32), merkleRoot: new Uint8Array(32), timestamp: 1, bits: ONE_BITS, nonce: 1n },
  txZero: new Uint8Array(1),
  txIds: [],
  assetIds: [],
  transactions: new Uint8Array(0),
};

function recorder(clock: ManualClock) {
  const sent: { at: number; job: string }[] = [];
  const server = { publish: (frames: Uint8Array[]) => (sent.push({ at: clock.now(), job: JSON.parse(Buffer.from(frames[0]!).toString()).Job }), 1) } as unknown as PublishServer;
  return { sent, server };
}

test("8.2's schedule per chain", () => {
  expect(publishTiming("bitmark")).toEqual({ intervalMs: 60_000, pauseMs: 10_000 });
  expect(publishTiming("testing")).toEqual({ intervalMs: 15_000, pauseMs: 10_000 });
  expect(publishTiming("local", { intervalMs: 5 })).toEqual({ intervalMs: 5, pauseMs: 10_000 });
});

test("timer, pause after a job, kick, stop", () => {
  const clock = new ManualClock(0);
  const { sent, server } = recorder(clock);
  let work = false;
  const p = new JobPublisher(server, new JobQueue(), () => (work ? job : undefined), { intervalMs: 100, pauseMs: 200 }, clock);
  p.start();
  clock.advance(250);
  expect(sent).toEqual([]); // empty pool: nothing, whatever the timer does
  work = true;
  p.kick();
  expect(sent).toEqual([{ at: 250, job: "0001" }]); // at once
  expect(clock.pending).toBe(1); // the kick replaced the running timer
  clock.advance(299);
  expect(sent.length).toBe(1); // within interval + pause of the last job
  clock.advance(1);
  expect(sent[1]).toEqual({ at: 550, job: "0002" });
  p.stop();
  expect(clock.pending).toBe(0);
  clock.advance(10_000);
  p.kick();
  expect(sent.length).toBe(2);
});
