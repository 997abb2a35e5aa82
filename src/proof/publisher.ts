/**
 * The job publisher (bitmarkd 8.2 proof/publisher.go `Run`, docs/proof.md §3.1): on each timer firing build a job
 * from the verified pool, queue it and send its JSON on the PUB socket(s); after a job, wait `pauseMs` more.
 * 8.2: 60 s on bitmark, 15 s on testing/local, 10 s pause.
 *
 * Deviation (issue 15): `kick()` — called on every new tip — publishes at once and restarts the timer, so miners
 * never hash a job the node can no longer store for up to a minute. The schedule runs on an injected `Clock`
 * (src/base/clock.ts; the system clock by default) so that it is tested without sleeping.
 */
import { type Clock, systemClock } from "../base/clock.ts";
import { logger } from "../base/log.ts";
import type { ChainName } from "../chain/types/chains.ts";
import type { PublishServer } from "../transport/publish-server.ts";
import type { Job } from "./job.ts";
import { jobMessage } from "./job-message.ts";
import type { JobQueue } from "./submission.ts";

const log = logger("proof");

export const PUBLISH_TIMING = {
  bitmarkIntervalMs: 60_000,
  testingIntervalMs: 15_000,
  pauseMs: 10_000,
} as const;

export interface PublishTiming {
  intervalMs: number;
  pauseMs: number;
}

/** 8.2's schedule for `chain`, with any overrides. */
export function publishTiming(chain: ChainName, overrides: Partial<PublishTiming> = {}): PublishTiming {
  return {
    intervalMs: overrides.intervalMs ?? (chain === "bitmark" ? PUBLISH_TIMING.bitmarkIntervalMs : PUBLISH_TIMING.testingIntervalMs),
    pauseMs: overrides.pauseMs ?? PUBLISH_TIMING.pauseMs,
  };
}

export class JobPublisher {
  #cancelTimer = () => {};
  #stopped = false;
  /** jobs published so far */
  published = 0;

  constructor(
    readonly server: PublishServer,
    readonly queue: JobQueue,
    readonly makeJob: () => Job | undefined,
    readonly timing: PublishTiming,
    readonly clock: Clock = systemClock,
  ) {}

  start(): void {
    this.#schedule(this.timing.intervalMs);
  }

  /** Publishes now if there is work, then continues on the schedule. */
  kick(): void {
    if (this.#stopped) return;
    this.#cancelTimer();
    this.#tick();
  }

  stop(): void {
    this.#stopped = true;
    this.#cancelTimer();
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#cancelTimer = this.clock.setTimer(ms, () => this.#tick());
  }

  #tick(): void {
    let sent = false;
    try {
      sent = this.publishOnce() !== undefined;
    } catch (e) {
      log.error("job not built", { error: e });
    }
    this.#schedule(sent ? this.timing.intervalMs + this.timing.pauseMs : this.timing.intervalMs);
  }

  /** Builds, queues and sends one job; its id, or undefined when there was nothing to do. */
  publishOnce(): string | undefined {
    const job = this.makeJob();
    if (job === undefined) return undefined;
    const id = this.queue.add(job);
    const text = jobMessage(id, job);
    this.server.publish([new TextEncoder().encode(text)]);
    this.published++;
    log.info("job published", { job: id, block: Number(job.header.number), transactions: job.header.transactionCount });
    return id;
  }
}
