/**
 * The built-in miner, usable instead of recorderd (command/recorderd, docs/proof.md §3.5): a CURVE SUB for jobs and a
 * CURVE REQ for submissions, with its own key pair; hashes with the process's digest backend in `threads`
 * independent loops (native: on the addon's threads; TypeScript twin: on worker threads), so the event loop stays
 * free.
 *
 *   const miner = new Miner({ target, threads: 2, anyDigest: chain === "local" });
 *   miner.start();  miner.stats();  await miner.stop();
 *
 * Differences from recorderd (docs/proof.md §3.5): the digest is compared with the job's full target (recorderd only
 * tests the top byte); on `local` (`anyDigest`) the first nonce is submitted, as the node does not compare there.
 * Nonces start at the published nonce + 1, as recorderd's. A job is hashed until a newer one arrives or its
 * nonce was submitted (the node clears its queue on a block, so further nonces of that job would be refused).
 * A submission waits at most 60 s for its reply.
 */
import { logger } from "../base/log.ts";
import { bitsToTarget, targetBytes } from "../chain/rules/difficulty.ts";
import { activeBackend, type HashBackend } from "../crypto/index.ts";
import { parseJobMessage } from "../proof/job-message.ts";
import { submissionText } from "../proof/submission.ts";
import { curveKeyPair } from "../transport/curve.ts";
import { RequestClient } from "../transport/request-client.ts";
import { Subscriber } from "../transport/subscriber.ts";
import type { CurveKeyPair } from "../transport/curve.ts";
import type { MinerTarget } from "./connect.ts";
import { MinerError } from "./errors.ts";
import { runSlots } from "./hash-slots.ts";

const log = logger("miner");
const SUBMIT_TIMEOUT_MS = 60_000;
const PROGRESS_MS = 5_000;
const NONCE_OFFSET = 92;

export interface MinerOptions {
  target: MinerTarget;
  threads: number;
  /** submit the first nonce tried (chain `local`, where the node compares no digest) */
  anyDigest: boolean;
  hash?: HashBackend;
  /** progress line interval; 0 = none */
  progressMs?: number;
}

interface CurrentJob {
  id: string;
  header: Uint8Array;
  target: Uint8Array;
  nonce: bigint;
  /** a nonce of this job was submitted (the others are not: the node clears its queue on a block) */
  submitted: boolean;
}

export interface MinerStats {
  hashes: number;
  jobs: number;
  submitted: number;
  blocks: number;
}

export class Miner {
  readonly #o: MinerOptions;
  readonly #hash: HashBackend;
  readonly #keys: CurveKeyPair;
  #sub: Subscriber | undefined;
  readonly #req: RequestClient;
  #job: CurrentJob | undefined;
  /** settles when a job arrives or the miner stops; the loops without a job wait on it */
  #jobWait = Promise.withResolvers<void>();
  #running = false;
  #loop: Promise<void> = Promise.resolve();
  #progress: ReturnType<typeof setInterval> | undefined;
  readonly #stats: MinerStats = { hashes: 0, jobs: 0, submitted: 0, blocks: 0 };

  constructor(o: MinerOptions) {
    if (!(o.threads >= 1)) throw new MinerError({ code: "THREADS_INVALID", threads: o.threads }, "miner: threads must be at least 1");
    this.#o = o;
    this.#hash = o.hash ?? activeBackend();
    this.#keys = curveKeyPair();
    this.#req = new RequestClient(this.#keys);
  }

  #signalJob(): void {
    const waiting = this.#jobWait;
    this.#jobWait = Promise.withResolvers<void>();
    waiting.resolve();
  }

  stats(): Readonly<MinerStats> {
    return { ...this.#stats };
  }

  start(): void {
    const t = this.#o.target;
    this.#running = true;
    this.#req.connect(t.submit, t.serverKey);
    this.#sub = Subscriber.open({
      address: t.publish,
      curve: { keys: this.#keys, serverKey: t.serverKey },
      onMessage: (frames) => this.#onJob(frames),
      onConnected: () => log.info("connected to the proofer's job feed", { publish: t.publish }),
    });
    this.#loop = this.#run();
    const every = this.#o.progressMs ?? PROGRESS_MS;
    if (every > 0) {
      let last = { at: Date.now(), hashes: 0 };
      this.#progress = setInterval(() => {
        const now = Date.now();
        const s = this.#stats;
        log.info("mining", { hashesPerSecond: Number((((s.hashes - last.hashes) * 1000) / (now - last.at)).toFixed(2)), jobs: s.jobs, blocks: s.blocks, threads: this.#o.threads, digest: this.#hash.name });
        last = { at: now, hashes: s.hashes };
      }, every);
      this.#progress.unref?.();
    }
    log.info("miner started", { publish: t.publish, submit: t.submit, threads: this.#o.threads, digest: this.#hash.name });
  }

  /** Stops after the digests in flight; closes the sockets. */
  async stop(): Promise<void> {
    this.#running = false;
    clearInterval(this.#progress);
    this.#signalJob();
    this.#sub?.close();
    this.#req.close();
    await this.#loop.catch(() => undefined);
  }

  #onJob(frames: Uint8Array[]): void {
    try {
      const { job, header } = parseJobMessage(new TextDecoder().decode(frames[0]));
      const view = new DataView(header.buffer);
      const target = targetBytes(bitsToTarget(view.getBigUint64(84, true)));
      this.#job = { id: job, header, target, nonce: view.getBigUint64(NONCE_OFFSET, true), submitted: false };
      this.#stats.jobs++;
      log.debug("job received", { job });
      this.#signalJob();
    } catch (e) {
      log.warn("job ignored", { error: e instanceof Error ? e.message : String(e) });
    }
  }

  /** One hashing loop per thread (runSlots): each hashes the current job's next nonce until the miner stops. */
  async #run(): Promise<void> {
    await runSlots(this.#o.threads, () => this.#hashNext());
  }

  async #hashNext(): Promise<boolean> {
    const job = this.#job;
    if (job === undefined) {
      await this.#jobWait.promise;
      return this.#running;
    }
    job.nonce = BigInt.asUintN(64, job.nonce + 1n);
    const nonce = job.nonce;
    const header = Uint8Array.from(job.header);
    new DataView(header.buffer).setBigUint64(NONCE_OFFSET, nonce, true);
    let digest: Uint8Array | undefined;
    try {
      [digest] = await this.#hash.blockDigestBatch([header]);
    } catch (e) {
      if (this.#running) log.error("digest failed", { error: e });
      await new Promise((resolve) => setTimeout(resolve, 1000)); // not a busy loop if it keeps failing
      return this.#running;
    }
    this.#stats.hashes++;
    const found = digest !== undefined && (this.#o.anyDigest || this.#hash.meetsDifficulty(digest, job.target));
    // One submission per job: on `local` every thread's first digest qualifies.
    if (!found || job.submitted || !this.#running) return this.#running;
    job.submitted = true;
    if (this.#job === job) this.#job = undefined;
    await this.#submit(job, nonce);
    return this.#running;
  }

  async #submit(job: CurrentJob, nonce: bigint): Promise<void> {
    const request = submissionText(job.id, nonce);
    this.#stats.submitted++;
    try {
      const [reply] = await this.#req.request([new TextEncoder().encode(request)], SUBMIT_TIMEOUT_MS);
      const answer = JSON.parse(new TextDecoder().decode(reply)) as { ok?: boolean; error?: string };
      if (answer.ok === true) this.#stats.blocks++;
      log.info(answer.ok === true ? "block accepted" : "nonce refused", { job: job.id, nonce: nonce.toString(16), ...(answer.error ? { reason: answer.error } : {}) });
    } catch (e) {
      if (this.#running) log.warn("submission failed", { job: job.id, error: e instanceof Error ? e.message : String(e) });
    }
  }
}
