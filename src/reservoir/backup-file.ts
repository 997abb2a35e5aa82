/**
 * bitmarkd 8.2's reservoir backup file (reservoir/store.go), for moving pending items between an 8.2 node
 * and bunmark: a sequence of `tag(1) ‖ BE16(length) ‖ data` with tags `A` (a packed asset), `I` (the
 * concatenated issues of one pay id), `T` (one transfer), `P` (pay id ‖ client nonce). bunmark itself keeps
 * its pools in LMDB; this file is only an exchange format.
 *
 * See docs/records.md §14.9.
 */
import { concatBytes, toHex } from "../encoding/hex.ts";
import { unpackRecord, unpackRecords } from "../chain/types/records/unpack.ts";
import { isFault } from "../base/fault.ts";
import { logger } from "../base/log.ts";
import { PAY_ID_LENGTH } from "./pay-id.ts";
import type { Bytes } from "./ports.ts";
import type { Reservoir } from "./reservoir.ts";
import { TrackingStatus, trackingText } from "./status.ts";

const log = logger("reservoir");

export type BackupTag = "A" | "I" | "T" | "P";

export interface BackupEntry {
  tag: BackupTag;
  data: Bytes;
}

const MAX_ENTRY = 0xffff;

export function encodeBackup(entries: readonly BackupEntry[]): Bytes {
  const parts: Buffer[] = [];
  for (const { tag, data } of entries) {
    if (data.length > MAX_ENTRY) throw new Error(`reservoir backup: entry of ${data.length} bytes > ${MAX_ENTRY}`);
    const head = Buffer.alloc(3);
    head.write(tag, 0, "latin1");
    head.writeUInt16BE(data.length, 1);
    parts.push(head, Buffer.from(data));
  }
  return new Uint8Array(Buffer.concat(parts));
}

/** Parses a backup file; a truncated entry or unknown tag throws. */
export function decodeBackup(file: Bytes): BackupEntry[] {
  const out: BackupEntry[] = [];
  let n = 0;
  while (n < file.length) {
    if (n + 3 > file.length) throw new Error("reservoir backup: truncated entry header");
    const tag = String.fromCharCode(file[n]!);
    if (tag !== "A" && tag !== "I" && tag !== "T" && tag !== "P") throw new Error(`reservoir backup: unknown tag ${JSON.stringify(tag)}`);
    const length = (file[n + 1]! << 8) | file[n + 2]!;
    if (n + 3 + length > file.length) throw new Error("reservoir backup: truncated entry");
    out.push({ tag, data: file.subarray(n + 3, n + 3 + length) });
    n += 3 + length;
  }
  return out;
}

/**
 * What 8.2 writes on shutdown, in its order: the cached assets of pooled issues, then every unverified item,
 * then every verified one (a proven issue batch followed by its proof).
 */
export function backupEntries(r: Reservoir): BackupEntry[] {
  const items = [...r.items()].filter((i) => i.confirmed.size === 0);
  const assets = new Map<string, Bytes>();
  for (const item of items) {
    for (const id of item.assetIds) {
      const packed = r.assets.get(id);
      if (packed !== undefined) assets.set(toHex(id), packed);
    }
  }
  const entries: BackupEntry[] = [...assets.values()].map((data) => ({ tag: "A" as const, data }));
  for (const verified of [false, true]) {
    for (const item of items.filter((i) => i.verified === verified)) {
      entries.push({ tag: item.kind === "transfer" ? "T" : "I", data: concatBytes(...item.records) });
      if (item.kind === "issues" && item.nonce !== null) entries.push({ tag: "P", data: concatBytes(item.payId, item.nonce) });
    }
  }
  return entries;
}

/** Replays a backup through the reservoir's rules, as 8.2 does on start-up; each refused entry is logged. */
export function restoreBackup(r: Reservoir, entries: readonly BackupEntry[]): { accepted: number; refused: number } {
  let accepted = 0;
  let refused = 0;
  for (const { tag, data } of entries) {
    try {
      if (tag === "A") {
        const { record } = unpackRecord(data, r.testnet);
        if (record.tag !== 2) throw new Error("not an asset");
        r.assets.cache(record);
      } else if (tag === "I") {
        r.storeIssues([...unpackRecords(data, r.testnet)]);
      } else if (tag === "T") {
        r.storeTransfer(unpackRecord(data, r.testnet).record);
      } else {
        const status = r.tryProof(data.subarray(0, PAY_ID_LENGTH), data.subarray(PAY_ID_LENGTH));
        if (status !== TrackingStatus.Accepted) throw new Error(`proof ${trackingText(status)}`);
      }
      accepted++;
    } catch (e) {
      refused++;
      log.warn("backup entry refused", { tag, error: isFault(e) ? e.text : e });
    }
  }
  return { accepted, refused };
}
