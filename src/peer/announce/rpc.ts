/**
 * The RPC table (announce/rpc.go, docs/wire.md §6.3): client-RPC endpoints announced by nodes, keyed by the
 * 32-byte certificate fingerprint and listed to wallets in table order. The own entry is local and never
 * expires.
 */
import { at } from "../../base/at.ts";
import { isSafeFor82 } from "../address.ts";
import { type AnnounceTiming, recordTime } from "./timing.ts";

export interface RpcEntry {
  readonly fingerprint: Uint8Array;
  /** Packed RPC addresses (docs/wire.md §6.1), at most 100 bytes. */
  readonly addresses: Uint8Array;
  /** Unix ms: the record time when new, then the local time of the latest update. */
  readonly timestamp: number;
  readonly local: boolean;
}

const FINGERPRINT_LENGTH = 32;
const MAX_RPC_ADDRESS_BYTES = 100;
/**
 * Most records the table holds (8.2 has no bound), as many as the peer table: a node has one RPC record. New
 * fingerprints are refused while full, so a flood of records under made-up fingerprints cannot grow memory
 * until the 55-minute expiry; known records keep updating and the own record is always kept.
 */
export const MAX_RPCS = 4096;

export class RpcTable {
  #list: RpcEntry[] = [];
  readonly #index = new Map<string, number>();

  constructor(private readonly timing: AnnounceTiming) {}

  entries(): readonly RpcEntry[] {
    return this.#list;
  }

  /**
   * AddRPC: true when the record is new, or known and last updated more than the rebroadcast time ago (the
   * caller relays it then). Malformed records (fingerprint not 32 bytes, addresses over 100 bytes, or
   * addresses that would crash 8.2's decoder) are refused, and so are new non-local ones while the table is full.
   */
  add(fingerprint: Uint8Array, addresses: Uint8Array, timestamp: bigint, now: number, local = false): boolean {
    if (fingerprint.length !== FINGERPRINT_LENGTH || addresses.length > MAX_RPC_ADDRESS_BYTES || !isSafeFor82(addresses)) return false;
    const key = Buffer.from(fingerprint).toString("hex");
    const i = this.#index.get(key);
    if (i === undefined) {
      if (!local && this.#list.length >= MAX_RPCS) return false;
      const ts = recordTime(timestamp, now);
      if (now - ts >= this.timing.expiryMs) return false;
      this.#index.set(key, this.#list.length);
      this.#list.push({ fingerprint, addresses, timestamp: ts, local });
      return true;
    }
    const old = at(this.#list, i);
    // Known record: the stored time becomes local now, whatever the record said.
    this.#list[i] = { fingerprint: old.fingerprint, addresses, timestamp: now, local: old.local || local };
    return now - old.timestamp > this.timing.rebroadcastMs;
  }

  /** Removes non-local entries last updated more than the expiry time ago (8.2's swap-with-last removal order). */
  expire(now: number): void {
    for (let i = this.#list.length - 1; i >= 0; i--) {
      const e = at(this.#list, i);
      if (e.local || now - e.timestamp <= this.timing.expiryMs) continue;
      this.#index.delete(Buffer.from(e.fingerprint).toString("hex"));
      const last = this.#list.pop()!;
      if (i < this.#list.length) {
        this.#list[i] = last;
        this.#index.set(Buffer.from(last.fingerprint).toString("hex"), i);
      }
    }
  }
}
