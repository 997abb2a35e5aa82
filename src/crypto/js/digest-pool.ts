/**
 * A pool of worker threads (digest-worker.ts) computing block digests off the main thread, in parallel.
 *
 * Each worker holds one 128 MiB Argon2 arena, so the pool is capped at the number of CPUs and idle workers are
 * ended after a while. A worker keeps the process alive only while it computes a digest (idle ones are unref'd);
 * close() (a stopping node) ends them all at once, rejecting the digests still asked for.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { workerUrl } from "../../base/worker-url.ts";
import { CryptoError } from "../errors.ts";

interface Job {
  header: Uint8Array;
  resolve: (digest: Uint8Array) => void;
  reject: (e: Error) => void;
}

export class DigestPool {
  readonly #queue: Job[] = [];
  readonly #idle: Worker[] = [];
  readonly #busy = new Map<Worker, Job>();
  #idleTimer: ReturnType<typeof setTimeout> | undefined;

  /** `size` workers at most; idle workers end after `idleMs`. */
  constructor(
    readonly size = availableParallelism(),
    readonly idleMs = 30_000,
  ) {}

  /** Block digests of `headers`, in order. */
  digest(headers: Uint8Array[]): Promise<Uint8Array[]> {
    const all = Promise.all(headers.map((header) => new Promise<Uint8Array>((resolve, reject) => this.#queue.push({ header, resolve, reject }))));
    this.#pump();
    return all;
  }

  /**
   * Ends every worker now (their arenas are freed) and rejects every digest not yet delivered, queued ones
   * included; later calls start new workers.
   */
  async close(): Promise<void> {
    clearTimeout(this.#idleTimer);
    const workers = [...this.#idle, ...this.#busy.keys()];
    const abandoned = [...this.#busy.values(), ...this.#queue.splice(0)];
    this.#idle.length = 0;
    this.#busy.clear();
    const closed = new CryptoError({ code: "DIGEST_POOL_CLOSED" }, "digest pool closed");
    for (const job of abandoned) job.reject(closed);
    await Promise.all(workers.map((w) => w.terminate()));
  }

  #pump(): void {
    clearTimeout(this.#idleTimer);
    while (this.#queue.length > 0) {
      const worker = this.#idle.pop() ?? (this.#busy.size < this.size ? this.#spawn() : undefined);
      if (!worker) return;
      const job = this.#queue.shift()!;
      this.#busy.set(worker, job);
      worker.ref();
      worker.postMessage(job.header);
    }
    if (this.#busy.size === 0 && this.#idle.length > 0) {
      this.#idleTimer = setTimeout(() => void this.close(), this.idleMs);
      this.#idleTimer.unref();
    }
  }

  #spawn(): Worker {
    const worker = new Worker(workerUrl("crypto/js/digest-worker.ts"));
    worker.on("message", (digest: Uint8Array) => {
      const job = this.#busy.get(worker);
      if (!job) return; // a late answer from a worker close() let go of
      this.#busy.delete(worker);
      worker.unref();
      this.#idle.push(worker);
      job.resolve(digest);
      this.#pump();
    });
    worker.on("error", (e: Error) => this.#forget(worker, e));
    worker.on("exit", () => this.#forget(worker, new CryptoError({ code: "DIGEST_WORKER_EXITED" }, "digest worker exited")));
    return worker;
  }

  #forget(worker: Worker, reason: Error): void {
    this.#busy.get(worker)?.reject(reason);
    this.#busy.delete(worker);
    const i = this.#idle.indexOf(worker);
    if (i >= 0) this.#idle.splice(i, 1);
    this.#pump();
  }
}
