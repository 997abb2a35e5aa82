/**
 * The submission socket (bitmarkd 8.2 proof/submission.go, docs/proof.md §3.4): a CURVE REP server (ZAP domain
 * `submit`, any client key) answering each request with one JSON frame. A verified block goes through the
 * normal StoreIncoming path and, once stored, to every peer as `block`.
 *
 * Deviation: the reply waits for the store, so ok:true means "block stored" (8.2 replies before storing,
 * docs/proof.md §3.4); a block the store refuses is answered ok:false with the store's text in `error`.
 */
import { logger } from "../base/log.ts";
import { isFault } from "../base/fault.ts";
import { toDisplayHex } from "../encoding/hex.ts";
import { ReplyServer, type Frames } from "../transport/reply-server.ts";
import type { CurveKeyPair } from "../transport/curve.ts";
import { replyText, verifySubmission, type JobQueue, type SubmissionContext } from "./submission.ts";

const log = logger("proof");
const te = new TextEncoder();

export interface SubmitServerOptions {
  addresses: readonly string[];
  keys: CurveKeyPair;
  queue: JobQueue;
  context: SubmissionContext;
  /** stores the block (StoreIncoming with the digest already known); rejects with the store's Fault */
  store(packed: Uint8Array, digest: Uint8Array): Promise<void>;
  /** hands a stored block to the peers */
  broadcast(packed: Uint8Array): void;
}

export function openSubmitServer(o: SubmitServerOptions): ReplyServer {
  const handler = async (frames: Frames): Promise<Frames> => {
    const outcome = await verifySubmission(o.queue, frames[0] ?? new Uint8Array(0), o.context);
    let reply = outcome.reply;
    const found = outcome.block;
    if (found === undefined) log.info("submission refused", { job: reply.job, reason: outcome.reason });
    else {
      try {
        await o.store(found.packed, found.digest);
        o.broadcast(found.packed);
        log.info("block found", { job: reply.job, block: Number(found.job.header.number), digest: toDisplayHex(found.digest), transactions: found.job.header.transactionCount });
      } catch (e) {
        const text = isFault(e) ? e.text : e instanceof Error ? e.message : String(e);
        log.warn("found block not stored", { job: reply.job, error: text });
        reply = { job: reply.job, ok: false, error: `block not stored: ${text}` };
      }
    }
    return [te.encode(replyText(reply))];
  };
  return ReplyServer.open({
    addresses: o.addresses,
    publicKey: o.keys.publicKey,
    secretKey: o.keys.secretKey,
    handler,
    zapDomain: "submit",
    fallbackReply: [te.encode(replyText({ job: "", ok: false }))],
  });
}
