/**
 * Fetching numbered items (`B` blocks, `H` digests) from several peers at once for the connector.
 *
 * Every source runs its own worker that takes the lowest item of the window nobody is fetching yet, so fast
 * peers serve more. When the consumer waits for an item that is still in flight, idle sources fetch it as
 * well once it has been in flight for `hedgeMs`, and the first answer wins: a dead or slow peer delays nothing
 * much. An item failed by every live source is
 * reported lost with the last error. A source whose request timed out (or lost its connection) stops taking
 * work for this fetch.
 */
import { at, IndexError } from "../../base/at.ts";
import { FetchLostError } from "../errors.ts";

export interface Source<T> {
  /** Peer key (hex). */
  readonly id: string;
  get(n: number): Promise<T>;
}

export type Taken<T> = { readonly value: T; readonly source: string } | { readonly error: unknown };

interface Slot<T> {
  readonly n: number;
  value?: { value: T; source: string };
  lost?: unknown;
  /** Last failure, reported if the item is lost. */
  error?: unknown;
  wanted: boolean;
  /** When the first request for it went out (ms). */
  startedAt: number;
  readonly inflight: Set<string>;
  readonly failedBy: Set<string>;
  readonly waiters: ((t: Taken<T>) => void)[];
}

export class SpreadFetch<T> {
  readonly #slots: Slot<T>[];
  readonly #index = new Map<number, number>();
  readonly #window: number;
  readonly #isDead: (e: unknown) => boolean;
  readonly #alive: Set<string>;
  readonly #hedgeMs: number;
  #base = 0;
  #stopped = false;
  #idle: (() => void)[] = [];

  /**
   * `window`: how many items past the oldest unreleased one may be fetched ahead; `hedgeMs`: how long an
   * awaited item may be in flight before idle sources ask for it too.
   */
  constructor(numbers: readonly number[], sources: readonly Source<T>[], window: number, hedgeMs: number, isDead: (e: unknown) => boolean) {
    this.#slots = numbers.map((n, i) => {
      this.#index.set(n, i);
      return { n, wanted: false, startedAt: 0, inflight: new Set(), failedBy: new Set(), waiters: [] };
    });
    this.#window = Math.max(1, window);
    this.#hedgeMs = hedgeMs;
    this.#isDead = isDead;
    this.#alive = new Set(sources.map((s) => s.id));
    for (const s of sources) void this.#work(s);
    this.#settleLost();
  }

  /** Item n once fetched (or lost); fetching it becomes urgent. */
  take(n: number): Promise<Taken<T>> {
    const slot = at(this.#slots, this.#position(n));
    if (slot.value) return Promise.resolve(slot.value);
    if (slot.lost !== undefined) return Promise.resolve({ error: slot.lost });
    slot.wanted = true;
    this.#wake();
    if (slot.inflight.size > 0) {
      const wait = Math.max(0, slot.startedAt + this.#hedgeMs - Date.now());
      setTimeout(() => this.#wake(), wait).unref?.();
    }
    return new Promise((resolve) => slot.waiters.push(resolve));
  }

  /** Items up to and including n are consumed: the window moves on. */
  release(n: number): void {
    this.#base = Math.max(this.#base, this.#position(n) + 1);
    this.#wake();
  }

  /** Where item n sits in the window; an n this fetch was not made for is the caller's bug. */
  #position(n: number): number {
    const i = this.#index.get(n);
    if (i === undefined) throw new IndexError({ code: "INDEX_OUT_OF_RANGE", index: n, length: this.#slots.length });
    return i;
  }

  /** Ends the workers; items still awaited resolve as lost. */
  stop(): void {
    this.#stopped = true;
    for (const s of this.#slots) {
      if (s.value || s.lost !== undefined) continue;
      s.lost = new FetchLostError({ code: "FETCH_STOPPED" }, "fetch stopped");
      for (const w of s.waiters.splice(0)) w({ error: s.lost });
    }
    this.#wake();
  }

  async #work(source: Source<T>): Promise<void> {
    while (!this.#stopped && this.#alive.has(source.id)) {
      const slot = this.#pick(source.id);
      if (!slot) {
        await new Promise<void>((resolve) => this.#idle.push(resolve));
        continue;
      }
      if (slot.inflight.size === 0) slot.startedAt = Date.now();
      slot.inflight.add(source.id);
      try {
        const value = await source.get(slot.n);
        if (!slot.value && slot.lost === undefined) {
          slot.value = { value, source: source.id };
          for (const w of slot.waiters.splice(0)) w(slot.value);
        }
      } catch (e) {
        slot.failedBy.add(source.id);
        slot.error = e;
        if (this.#isDead(e)) this.#alive.delete(source.id);
      } finally {
        slot.inflight.delete(source.id);
        this.#settleLost();
        this.#wake();
      }
    }
    this.#settleLost();
  }

  /**
   * Wanted items first, wherever they are (idle sources duplicate them), then the lowest unclaimed item of
   * the window.
   */
  #pick(id: string): Slot<T> | undefined {
    const open = (s: Slot<T>) => !s.value && s.lost === undefined && !s.failedBy.has(id) && !s.inflight.has(id);
    const late = Date.now() - this.#hedgeMs;
    for (let i = this.#base; i < this.#slots.length; i++) {
      const s = at(this.#slots, i);
      if (s.wanted && open(s) && (s.inflight.size === 0 || s.startedAt <= late)) return s;
    }
    const end = Math.min(this.#slots.length, this.#base + this.#window);
    for (let i = this.#base; i < end; i++) {
      const s = at(this.#slots, i);
      if (s.inflight.size === 0 && open(s)) return s;
    }
    return undefined;
  }

  /** An item nobody is fetching and no live source may still try is lost. */
  #settleLost(): void {
    for (const s of this.#slots) {
      if (s.value || s.lost !== undefined || s.inflight.size > 0) continue;
      if ([...this.#alive].some((id) => !s.failedBy.has(id))) continue;
      s.lost = s.error ?? new FetchLostError({ code: "NO_PEER_LEFT" }, "no peer left to ask");
      for (const w of s.waiters.splice(0)) w({ error: s.lost });
    }
  }

  #wake(): void {
    for (const w of this.#idle.splice(0)) w();
  }
}
