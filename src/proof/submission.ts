/**
 * Submissions (bitmarkd 8.2 proof/submission.go `process`, proof/queue.go `matchToJobQueue`, docs/proof.md §3.4):
 * the job queue and the verification of a `block.nonce` request, pure but for the injected digest.
 *
 *   const queue = new JobQueue();  const id = queue.add(job);          // ids 0001, 0002, … (%04x, wraps)
 *   const outcome = await verifySubmission(queue, frame0, context);    // { reply, block? }
 *   replyText(outcome.reply) → `{"job":"0001","ok":true}`
 *
 * 8.2's order: request not JSON → {"job":"","ok":false}; unknown job → false; not Normal → clear queue, false;
 * Request ≠ "block.nonce" → clear queue, false; Packed not 8 bytes → false; digest above the target → false;
 * otherwise the block, and the queue is cleared (every other job is now stale).
 *
 * Deviations (docs/proof.md §3.4): a job built on a tip that is no longer the tip is refused before any
 * digest, with an `error` field in the reply (8.2 says ok:true and its store then fails the block); a job
 * superseded while its digest ran (another winner, a peer's block) is refused the same way. On `local` the
 * digest-vs-target comparison is skipped, as the store skips it. The queue keeps the newest QUEUE_LIMIT jobs
 * (8.2 keeps every job until a block is found).
 */
import { targetBytes, bitsToTarget } from "../chain/rules/difficulty.ts";
import { goStringify } from "../rpc/go-json.ts";
import { blockOf, builtOn, headerWithNonce, type Job } from "./job.ts";
import { jobId } from "./job-message.ts";

/** Jobs kept: recorderd abandons a job after 120 s, and each job holds a whole block's transactions. */
const QUEUE_LIMIT = 16;
const NONCE_SIZE = 8;
const BLOCK_NONCE = "block.nonce";

export class JobQueue {
  #count = 0;
  readonly #entries = new Map<string, Job>();

  /** Queues a job under the next id. */
  add(job: Job): string {
    this.#count = (this.#count + 1) & 0xffff;
    const id = jobId(this.#count);
    this.#entries.delete(id); // a wrapped id names the new job
    this.#entries.set(id, job);
    if (this.#entries.size > QUEUE_LIMIT) this.#entries.delete(this.#entries.keys().next().value!);
    return id;
  }

  get(id: string): Job | undefined {
    return this.#entries.get(id);
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}

export interface SubmissionReply {
  job: string;
  ok: boolean;
  /** bunmark only: why a job built on an old tip was refused */
  error?: string;
}

/** The reply frame's text: Go's encoding of {job, ok} (plus `error` where bunmark adds one). */
export function replyText(r: SubmissionReply): string {
  return goStringify(r.error === undefined ? { job: r.job, ok: r.ok } : { job: r.job, ok: r.ok, error: r.error });
}

/** A miner's request for `nonce` on job `job`, as recorderd sends it. */
export function submissionText(job: string, nonce: bigint): string {
  const packed = Buffer.alloc(NONCE_SIZE);
  packed.writeBigUInt64LE(BigInt.asUintN(64, nonce));
  return goStringify({ Request: BLOCK_NONCE, Job: job, Packed: packed.toString("base64") });
}

export interface SubmittedItem {
  request: string;
  job: string;
  /** decoded Packed; null when absent or JSON null */
  packed: Uint8Array | null;
}

/**
 * Decodes a request frame as Go's json.Unmarshal fills SubmittedItem: keys matched case-insensitively (the last
 * match wins), Packed standard Base64. Anything that would make Unmarshal fail → { error, job } with the job
 * text if one was read.
 */
export function parseSubmission(frame: Uint8Array): SubmittedItem | { error: string; job: string } {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(frame));
  } catch {
    return { error: "request is not JSON", job: "" };
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return { error: "request is not a JSON object", job: "" };
  const fields: Record<string, unknown> = {};
  for (const [k, value] of Object.entries(v)) fields[k.toLowerCase()] = value;
  const job = typeof fields.job === "string" ? fields.job : "";
  const request = fields.request ?? "";
  if ((fields.job !== undefined && fields.job !== null && typeof fields.job !== "string") || (request !== null && typeof request !== "string")) {
    return { error: "Request and Job must be strings", job };
  }
  const p = fields.packed;
  let packed: Uint8Array | null = null;
  if (p !== undefined && p !== null) {
    if (typeof p !== "string" || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(p)) return { error: "Packed is not standard Base64", job };
    packed = new Uint8Array(Buffer.from(p, "base64"));
  }
  return { request: request ?? "", job, packed };
}

export interface SubmissionContext {
  isNormal(): boolean;
  tip(): { height: number; digest: Uint8Array };
  /** Argon2d block digest of a 100-byte header (off the event loop in the node) */
  digest(header: Uint8Array): Promise<Uint8Array>;
  /** false on `local`: the store does not compare digests with the target there */
  checksDifficulty: boolean;
  meetsDifficulty(digest: Uint8Array, target: Uint8Array): boolean;
}

export interface Found {
  job: Job;
  nonce: bigint;
  packed: Uint8Array;
  digest: Uint8Array;
}

export interface Outcome {
  reply: SubmissionReply;
  /** why the reply is ok:false (for the log) */
  reason?: string;
  block?: Found;
}

const staleText = (job: Job, tip: { height: number }) => `stale job: built on block ${BigInt(job.header.number) - 1n}, the tip is now block ${tip.height}`;

export async function verifySubmission(queue: JobQueue, frame: Uint8Array, ctx: SubmissionContext): Promise<Outcome> {
  const item = parseSubmission(frame);
  if ("error" in item) return { reply: { job: item.job, ok: false }, reason: item.error };
  const refuse = (reason: string, error?: string): Outcome => ({ reply: { job: item.job, ok: false, ...(error ? { error } : {}) }, reason });
  const job = queue.get(item.job);
  if (job === undefined) return refuse("unknown job");
  if (!ctx.isNormal()) {
    queue.clear();
    return refuse("not in Normal mode: every job dropped");
  }
  if (item.request !== BLOCK_NONCE) {
    queue.clear();
    return refuse(`unknown request ${JSON.stringify(item.request)}: every job dropped`);
  }
  if (item.packed === null || item.packed.length !== NONCE_SIZE) return refuse("nonce is not 8 bytes");
  if (!builtOn(job, ctx.tip())) {
    const text = staleText(job, ctx.tip());
    return refuse(text, text);
  }
  const nonce = new DataView(item.packed.buffer, item.packed.byteOffset, NONCE_SIZE).getBigUint64(0, true);
  const digest = await ctx.digest(headerWithNonce(job, nonce));
  if (ctx.checksDifficulty && !ctx.meetsDifficulty(digest, targetBytes(bitsToTarget(job.header.bits)))) return refuse("digest above the target");
  // the digest ran off the event loop: another winner or a peer's block may have come meanwhile
  if (queue.get(item.job) !== job || !builtOn(job, ctx.tip())) {
    const text = queue.get(item.job) !== job ? "stale job: another block was found meanwhile" : staleText(job, ctx.tip());
    return refuse(text, text);
  }
  queue.clear();
  return { reply: { job: item.job, ok: true }, block: { job, nonce, packed: blockOf(job, nonce), digest } };
}
