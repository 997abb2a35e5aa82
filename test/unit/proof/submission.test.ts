/**
 * Submission verification (proof.md §5.2) without sockets: every error path with 8.2's reply bytes, what each
 * does to the job queue, and bunmark's refusal of jobs built on an old tip. The digest is injected: a fake
 * returning a chosen digest stands for Argon2d, and on `local` (checksDifficulty false) none is compared.
 */
import { describe, expect, test } from "bun:test";
import { ONE_BITS } from "../../../src/chain/rules/difficulty.ts";
import { unpackHeader } from "../../../src/chain/types/header.ts";
import { activeBackend } from "../../../src/crypto/index.ts";
import { toHex } from "../../../src/encoding/hex.ts";
import type { Job } from "../../../src/proof/job.ts";
import { JobQueue, parseSubmission, replyText, verifySubmission, type SubmissionContext } from "../../../src/proof/submission.ts";

const hash = activeBackend();

const tip = { height: 4, digest: new Uint8Array(32).fill(3) };
const job = (): Job => ({
  header: { version: 2, transactionCount: 2, number: 5, previousBlock: tip.digest, merkleRoot: new Uint8Array(32).fill(1), timestamp: 1_800_000_000, bits: ONE_BITS, nonce: 7n },
  txZero: Uint8Array.of(6, 1),
  txIds: [],
  assetIds: [],
  transactions: Uint8Array.of(3, 3),
});
const LOW = new Uint8Array(32); // 0: meets any target
const HIGH = new Uint8Array(32).fill(0xff); // above difficulty 1's target

function context(over: Partial<SubmissionContext> & { digestValue?: Uint8Array } = {}): SubmissionContext & { digested: Uint8Array[] } {
  const digested: Uint8Array[] = [];
  return {
    isNormal: () => true,
    tip: () => tip,
    digest: async (h) => (digested.push(h), over.digestValue ?? LOW),
    checksDifficulty: true,
    meetsDifficulty: hash.meetsDifficulty,
    ...over,
    digested,
  };
}
const frame = (o: unknown) => new TextEncoder().encode(typeof o === "string" ? o : JSON.stringify(o));
const nonce8 = Buffer.from("0102030405060708", "hex").toString("base64");
const request = (job: string, packed = nonce8, req = "block.nonce") => frame({ Request: req, Job: job, Packed: packed });

describe("error paths: 8.2's reply, nothing stored", () => {
  const rows: { name: string; frame: (id: string) => Uint8Array; ctx?: Parameters<typeof context>[0]; reply: string; queueAfter: number }[] = [
    { name: "malformed JSON", frame: () => frame("{not json"), reply: '{"job":"","ok":false}', queueAfter: 1 },
    { name: "not an object", frame: () => frame("[1,2]"), reply: '{"job":"","ok":false}', queueAfter: 1 },
    { name: "Packed not Base64", frame: (id) => request(id, "***"), reply: '{"job":"0001","ok":false}', queueAfter: 1 },
    { name: "unknown job", frame: () => request("beef"), reply: '{"job":"beef","ok":false}', queueAfter: 1 },
    { name: "wrong nonce length", frame: (id) => request(id, Buffer.from("0102").toString("base64")), reply: '{"job":"0001","ok":false}', queueAfter: 1 },
    { name: "no nonce", frame: (id) => frame({ Request: "block.nonce", Job: id }), reply: '{"job":"0001","ok":false}', queueAfter: 1 },
    { name: "digest above the target", frame: (id) => request(id), ctx: { digestValue: HIGH }, reply: '{"job":"0001","ok":false}', queueAfter: 1 },
    { name: "not Normal (drops every job)", frame: (id) => request(id), ctx: { isNormal: () => false }, reply: '{"job":"0001","ok":false}', queueAfter: 0 },
    { name: "unknown Request (drops every job)", frame: (id) => request(id, nonce8, "block.other"), reply: '{"job":"0001","ok":false}', queueAfter: 0 },
    {
      name: "job on an old tip (bunmark: refused with a reason)",
      frame: (id) => request(id),
      ctx: { tip: () => ({ height: 5, digest: new Uint8Array(32).fill(8) }) },
      reply: '{"job":"0001","ok":false,"error":"stale job: built on block 4, the tip is now block 5"}',
      queueAfter: 1,
    },
  ];
  for (const r of rows) {
    test(r.name, async () => {
      const queue = new JobQueue();
      const id = queue.add(job());
      const outcome = await verifySubmission(queue, r.frame(id), context(r.ctx));
      expect(replyText(outcome.reply)).toBe(r.reply);
      expect(outcome.block).toBeUndefined();
      expect(queue.size).toBe(r.queueAfter);
    });
  }

  test("a job cleared by a found block is unknown afterwards (stale)", async () => {
    const queue = new JobQueue();
    const first = queue.add(job());
    const second = queue.add(job());
    expect((await verifySubmission(queue, request(second), context())).reply.ok).toBe(true);
    const again = await verifySubmission(queue, request(first), context());
    expect(replyText(again.reply)).toBe('{"job":"0001","ok":false}');
  });

  test("a job superseded while its digest ran is refused", async () => {
    const queue = new JobQueue();
    const id = queue.add(job());
    const ctx = context();
    ctx.digest = async () => (queue.clear(), LOW);
    const o = await verifySubmission(queue, request(id), ctx);
    expect(o.reply).toEqual({ job: id, ok: false, error: "stale job: another block was found meanwhile" });
  });
});

describe("success", () => {
  test("header with the submitted nonce, the block, the queue cleared", async () => {
    const queue = new JobQueue();
    const id = queue.add(job());
    queue.add(job());
    const ctx = context();
    const o = await verifySubmission(queue, request(id), ctx);
    expect(replyText(o.reply)).toBe('{"job":"0001","ok":true}');
    expect(queue.size).toBe(0);
    expect(toHex(ctx.digested[0]!.subarray(92))).toBe("0102030405060708"); // Packed bytes are the header's nonce bytes
    expect(unpackHeader(o.block!.packed).nonce).toBe(0x0807060504030201n);
    expect(toHex(o.block!.packed.subarray(100))).toBe("06010303");
  });

  test("on local the digest is not compared with the target", async () => {
    const queue = new JobQueue();
    const id = queue.add(job());
    const o = await verifySubmission(queue, request(id), context({ digestValue: HIGH, checksDifficulty: false }));
    expect(o.reply.ok).toBe(true);
  });

  test("keys are matched case-insensitively, as Go does", () => {
    expect(parseSubmission(frame({ request: "block.nonce", JOB: "0001", packed: nonce8 }))).toEqual({ request: "block.nonce", job: "0001", packed: new Uint8Array(Buffer.from(nonce8, "base64")) });
  });

  test("job ids run 0001, 0002, … and the queue keeps the newest 16", () => {
    const queue = new JobQueue();
    const ids = Array.from({ length: 300 }, () => queue.add(job()));
    expect(ids.slice(0, 3)).toEqual(["0001", "0002", "0003"]);
    expect(queue.size).toBe(16);
    expect(queue.get("0001")).toBeUndefined();
    expect(queue.get(ids[299]!)).toBeDefined();
  });
});
