/**
 * The job message (bitmarkd 8.2 proof/queue.go `PublishedItem`, docs/proof.md §3.3): one JSON frame, Go's field names
 * and encodings — header as blockrecord.Header's JSON (u64 as decimal strings, digests and difficulty/nonce as
 * hex of their header bytes), TxZero standard Base64, TxIds/AssetIds hex in storage order.
 *
 *   jobMessage(id, job) → the exact text bitmarkd would publish
 *   parseJobMessage(text) → { job, header } for a miner: the 100 header bytes rebuilt, or a ProofError (JOB_MESSAGE_INVALID)
 */
import { HEADER_SIZE, headerJSON, packHeader, unpackHeader } from "../chain/types/header.ts";
import { fromHex, toHex } from "../encoding/hex.ts";
import { goStringify } from "../rpc/go-json.ts";
import type { Job } from "./job.ts";
import { ProofError } from "./errors.ts";

/** Job ids: a 16-bit counter formatted `%04x` (the first is 0001; ffff wraps to 0000). */
export function jobId(counter: number): string {
  return (counter & 0xffff).toString(16).padStart(4, "0");
}

export function jobMessage(id: string, job: Job): string {
  return goStringify({
    Job: id,
    Header: headerJSON(unpackHeader(packHeader(job.header))),
    TxZero: Buffer.from(job.txZero).toString("base64"),
    TxIds: job.txIds.map(toHex),
    AssetIds: job.assetIds.map(toHex),
  });
}

const invalid = (field: string, message: string) => new ProofError({ code: "JOB_MESSAGE_INVALID", field }, message);

export interface ReceivedJob {
  job: string;
  /** 100 bytes with the published nonce */
  header: Uint8Array;
}

function decimal(v: unknown, what: string): bigint {
  if (typeof v !== "string" || !/^\d{1,20}$/.test(v) || BigInt(v) >= 1n << 64n) throw invalid(`Header.${what}`, `Header.${what} must be a decimal u64 string`);
  return BigInt(v);
}

function bytes(v: unknown, length: number, what: string): Uint8Array {
  const b = typeof v === "string" ? fromHex(v) : undefined;
  if (b === undefined || b.length !== length) throw invalid(`Header.${what}`, `Header.${what} must be ${length * 2} hex digits`);
  return b;
}

function u16(v: unknown, what: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 0xffff) throw invalid(`Header.${what}`, `Header.${what} must be a 16-bit number`);
  return v;
}

/** Rebuilds the header of a job message (only Job and Header are read, as recorderd does). */
export function parseJobMessage(text: string): ReceivedJob {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    throw invalid("message", "job message is not JSON");
  }
  const o = m as { Job?: unknown; Header?: Record<string, unknown> } | null;
  if (typeof o !== "object" || o === null || typeof o.Job !== "string" || typeof o.Header !== "object" || o.Header === null) {
    throw invalid("message", "job message needs Job and Header");
  }
  const h = o.Header;
  const header = new Uint8Array(HEADER_SIZE);
  const v = new DataView(header.buffer);
  v.setUint16(0, u16(h.version, "version"), true);
  v.setUint16(2, u16(h.transactionCount, "transactionCount"), true);
  v.setBigUint64(4, decimal(h.number, "number"), true);
  header.set(bytes(h.previousBlock, 32, "previousBlock"), 12);
  header.set(bytes(h.merkleRoot, 32, "merkleRoot"), 44);
  v.setBigUint64(76, decimal(h.timestamp, "timestamp"), true);
  header.set(bytes(h.difficulty, 8, "difficulty"), 84);
  header.set(bytes(h.nonce, 8, "nonce"), 92);
  return { job: o.Job, header };
}
