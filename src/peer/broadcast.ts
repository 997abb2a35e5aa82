/**
 * The node's Broadcast queue (messagebus Broadcast in bitmarkd, docs/wire.md §5): every item put on it
 * (accepted pushes, own announcements, stored blocks, reservoir re-broadcasts) is fanned out to each
 * subscriber (every upstream client). Each subscriber has its own bounded queue; when
 * it is full the item is dropped for that subscriber only, so a slow upstream never holds up the others.
 */
import { logger } from "../base/log.ts";
import { CONNECTOR_DEFAULTS } from "./sync/constants.ts";
import { PeerError } from "./errors.ts";

const log = logger("broadcast");

export interface BroadcastItem {
  readonly command: string;
  readonly parameters: readonly Uint8Array[];
}

export class BroadcastQueue {
  readonly #subscribers = new Set<BroadcastSubscription>();

  /** Fans the item out now; never blocks. */
  send(command: string, parameters: readonly Uint8Array[]): void {
    const item: BroadcastItem = { command, parameters };
    for (const s of this.#subscribers) s.offer(item);
  }

  /** A new subscriber, receiving every item sent from now on. */
  subscribe(name: string, capacity = CONNECTOR_DEFAULTS.upstreamQueue): BroadcastSubscription {
    const s = new BroadcastSubscription(name, capacity, () => this.#subscribers.delete(s));
    this.#subscribers.add(s);
    return s;
  }

  get subscriberCount(): number {
    return this.#subscribers.size;
  }
}

export class BroadcastSubscription {
  readonly #items: BroadcastItem[] = [];
  #waiter: ((item: BroadcastItem | null) => void) | null = null;
  #closed = false;
  #dropped = 0;

  constructor(
    readonly name: string,
    readonly capacity: number,
    private readonly detach: () => void,
  ) {}

  /** Queues the item, or drops it when the queue is full. Returns whether it was kept. */
  offer(item: BroadcastItem): boolean {
    if (this.#closed) return false;
    if (this.#waiter !== null) {
      const w = this.#waiter;
      this.#waiter = null;
      w(item);
      return true;
    }
    if (this.#items.length >= this.capacity) {
      this.#dropped++;
      log.debug("queue full: item dropped", { subscriber: this.name, command: item.command, dropped: this.#dropped });
      return false;
    }
    this.#items.push(item);
    return true;
  }

  /** The next item, waiting for one if necessary; null once closed. */
  next(): Promise<BroadcastItem | null> {
    const item = this.#items.shift();
    if (item !== undefined) return Promise.resolve(item);
    if (this.#closed) return Promise.resolve(null);
    if (this.#waiter !== null) throw new PeerError("broadcast subscription", "concurrent next()");
    return new Promise((resolve) => (this.#waiter = resolve));
  }

  /** The next item if one is queued. */
  tryNext(): BroadcastItem | undefined {
    return this.#items.shift();
  }

  /** Stops receiving; a pending next() resolves to null and queued items are discarded. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#items.length = 0;
    this.detach();
    const w = this.#waiter;
    this.#waiter = null;
    w?.(null);
  }

  get size(): number {
    return this.#items.length;
  }

  /** Items lost because the queue was full. */
  get dropped(): number {
    return this.#dropped;
  }
}
