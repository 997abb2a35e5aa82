/**
 * Persistence of the peer ring across restarts. 8.2 writes a peer file it can never read back (its loader
 * rejects normal listener lengths, docs/wire.md §6.7); bunmark's file reloads. Entries are restored through the
 * normal insertion rules, so records older than the expiry time are dropped on load.
 *
 * File format (JSON): {"peers":[{"publicKey":"<hex>","listeners":"<hex>","timestamp":<Unix seconds>},…]}
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { logger } from "../../base/log.ts";
import type { PeerEntry } from "./ring.ts";

const log = logger("announce");

/** A stored peer: the timestamp is Unix seconds, as received on the wire. */
export interface StoredPeer {
  readonly publicKey: Uint8Array;
  readonly listeners: Uint8Array;
  readonly timestamp: bigint;
}

export interface PeerStore {
  load(): Promise<StoredPeer[]>;
  save(peers: readonly PeerEntry[]): Promise<void>;
}

/** bunmark's default peer file name in the data directory (bitmarkd's default is `peers-<chain>.json`). */
export function peerFilePath(dataDirectory: string, chain: string): string {
  return join(dataDirectory, `bunmark-peers-${chain}.json`);
}

const HEX = /^(?:[0-9a-f]{2})*$/;

function decodeItem(item: unknown): StoredPeer | null {
  if (typeof item !== "object" || item === null) return null;
  const { publicKey, listeners, timestamp } = item as Record<string, unknown>;
  if (typeof publicKey !== "string" || typeof listeners !== "string" || !HEX.test(publicKey) || !HEX.test(listeners)) return null;
  if (typeof timestamp !== "number" || !Number.isSafeInteger(timestamp) || timestamp < 0) return null;
  return { publicKey: new Uint8Array(Buffer.from(publicKey, "hex")), listeners: new Uint8Array(Buffer.from(listeners, "hex")), timestamp: BigInt(timestamp) };
}

/** The peer table as a JSON file, written atomically (temporary file + rename). */
export class JsonPeerFile implements PeerStore {
  constructor(readonly path: string) {}

  /** The stored peers; a missing file is an empty table, an unreadable one is logged and treated as empty. */
  async load(): Promise<StoredPeer[]> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") log.warn("peer file unreadable", { path: this.path, error: e as Error });
      return [];
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      log.warn("peer file is not JSON", { path: this.path, error: e as Error });
      return [];
    }
    const items = (doc as { peers?: unknown } | null)?.peers;
    if (!Array.isArray(items)) {
      log.warn("peer file has no peer list", { path: this.path });
      return [];
    }
    const peers: StoredPeer[] = [];
    for (const item of items) {
      const p = decodeItem(item);
      if (p === null) log.warn("peer file: bad entry skipped", { path: this.path });
      else peers.push(p);
    }
    return peers;
  }

  async save(peers: readonly PeerEntry[]): Promise<void> {
    const doc = {
      peers: peers.map((p) => ({
        publicKey: Buffer.from(p.publicKey).toString("hex"),
        listeners: Buffer.from(p.listeners).toString("hex"),
        timestamp: Math.floor(p.timestamp / 1000),
      })),
    };
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    await writeFile(tmp, JSON.stringify(doc) + "\n", { mode: 0o600 });
    await rename(tmp, this.path);
  }
}
