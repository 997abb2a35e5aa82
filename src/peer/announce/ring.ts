/**
 * The peer ring: peer entries kept sorted by public key (byte-wise, shorter key first on a common prefix, as
 * Go's bytes.Compare), the node's own entry included. Ring order drives target selection (docs/wire.md §6.5).
 * A sorted array: rings stay small (hundreds of entries) and index access is what selection needs.
 */
import { at } from "../../base/at.ts";

export interface PeerEntry {
  readonly publicKey: Uint8Array;
  /** Packed listener entries as received (docs/wire.md §6.1). */
  readonly listeners: Uint8Array;
  /** When the record was made, Unix milliseconds (whole seconds for received records). */
  readonly timestamp: number;
}

function compareKeys(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

export function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  return compareKeys(a, b) === 0;
}

export class PeerRing {
  #entries: PeerEntry[] = [];

  get size(): number {
    return this.#entries.length;
  }

  /** Entries in key order. */
  entries(): readonly PeerEntry[] {
    return this.#entries;
  }

  /** Position of `key`, or -(insertion point) - 1 when absent. */
  search(key: Uint8Array): number {
    let lo = 0;
    let hi = this.#entries.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = compareKeys(at(this.#entries, mid).publicKey, key);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -lo - 1;
  }

  get(key: Uint8Array): PeerEntry | undefined {
    const i = this.search(key);
    return i >= 0 ? this.#entries[i] : undefined;
  }

  /** Inserts or replaces the entry for its key; true when the key was new. */
  put(entry: PeerEntry): boolean {
    const i = this.search(entry.publicKey);
    if (i >= 0) {
      this.#entries[i] = entry;
      return false;
    }
    this.#entries.splice(-i - 1, 0, entry);
    return true;
  }

  delete(key: Uint8Array): boolean {
    const i = this.search(key);
    if (i < 0) return false;
    this.#entries.splice(i, 1);
    return true;
  }
}
