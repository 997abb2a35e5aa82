/**
 * Processing of the broadcast-type commands a peer pushes to the listener (peer/process.go, docs/wire.md
 * §5). The listener acknowledges every push with `A` at once and hands it here; this dispatcher is the one
 * place that checks the mode, queues, and catches (as Lodestar's gossip handlers do). The work itself is
 * done by the owning subsystem's handler table, installed with `install`:
 *
 * - `peer` / `rpc`: announce table update, relayed (same three frames) only when the update was new;
 * - `block`: only in Normal mode, handed at once to the chain's handler (src/chain/pushed-block.ts), which
 *   waits in the chain store's serial section: that section alone orders blocks; here the blocks handed over
 *   and not yet finished are bounded by 8.2's Blockstore queue size;
 * - `assets` / `issues` / `transfer` / `proof`: only in Normal mode, queued for the reservoir's handlers
 *   (src/reservoir/process.ts), run one at a time in arrival order;
 * - a queued item is relayed (first frame only) when its handler reports it as new and valid;
 * - `heart` and unknown commands: logged.
 *
 * The mode is checked once, on arrival: Normal is left only for Stopped, and the stopping node calls `stop()`,
 * which drops the items still waiting (in the reservoir queue, or in the store for blocks), as 8.2's queues
 * are dropped at shutdown.
 *
 * Bad input is logged (the logger cuts long byte fields, so a peer cannot flood the log) and dropped: a
 * handler's Fault as a warning with bitmarkd's text, anything else as an error. Nothing here throws into the
 * listener. `peer`/`rpc` pushes whose
 * timestamp frame is shorter than 8 bytes (which crash 8.2) are ignored, as later bitmarkd versions do.
 */
import { readBe64 } from "../../chain/types/header.ts";
import { isFault } from "../../base/fault.ts";
import { logger } from "../../base/log.ts";

const log = logger("push");

const QUEUED_COMMANDS = ["block", "assets", "issues", "transfer", "proof"] as const;
export type QueuedCommand = (typeof QUEUED_COMMANDS)[number];

/**
 * Handles the first parameter of a queued push (the remaining frames are passed for information; 8.2 ignores
 * them). Resolves true when the item was accepted as new: it is then relayed as `[command][item]`; false when
 * it is dropped quietly. A thrown error (a Fault naming the refusal) counts as refused and is logged here.
 * `stopped` is aborted by `stop()`: a handler whose item waits elsewhere (a block, in the store) drops it then.
 */
export type PushHandler = (item: Uint8Array, parameters: readonly Uint8Array[], stopped: AbortSignal) => boolean | Promise<boolean>;
/** A subsystem's handlers, one per queued command it owns. */
export type PushHandlers = Partial<Record<QueuedCommand, PushHandler>>;

export interface PushContext {
  isNormal(): boolean;
  announce: {
    addPeer(publicKey: Uint8Array, listeners: Uint8Array, timestamp: bigint): boolean;
    addRpc(fingerprint: Uint8Array, addresses: Uint8Array, timestamp: bigint): boolean;
    /** Whether this node itself reached the peer recently: only such `peer` records are relayed (issue 17). */
    isReached?(publicKey: Uint8Array): boolean;
  };
  /** The node's Broadcast queue. */
  broadcast: { send(command: string, parameters: readonly Uint8Array[]): void };
}

/** bitmarkd's Blockstore queue size; reservoir pushes are processed as fast as they come, so allow more. */
export const BLOCK_QUEUE_CAPACITY = 50;
const RESERVOIR_QUEUE_CAPACITY = 1000;
/**
 * 8.2 processes reservoir pushes before it replies, so a sender waits; here the listener acknowledges at once,
 * so the bytes waiting are bounded too: a thousand 5 MB frames would otherwise be held in memory.
 */
export const RESERVOIR_QUEUE_BYTES = 64 * 1024 * 1024;

/**
 * Runs tasks one at a time in order; refuses new ones beyond `capacity` waiting tasks or `maxBytes` waiting
 * bytes. Once `stopped` is aborted, the tasks still waiting are dropped.
 */
class SerialQueue {
  #tail: Promise<void> = Promise.resolve();
  #waiting = 0;
  #waitingBytes = 0;

  constructor(
    readonly name: string,
    readonly stopped: AbortSignal,
    readonly capacity: number,
    readonly maxBytes = Number.POSITIVE_INFINITY,
  ) {}

  enqueue(task: () => Promise<void>, bytes: number): boolean {
    if (this.#waiting >= this.capacity || this.#waitingBytes + bytes > this.maxBytes) return false;
    this.#waiting++;
    this.#waitingBytes += bytes;
    this.#tail = this.#tail.then(async () => {
      this.#waiting--;
      this.#waitingBytes -= bytes;
      if (!this.stopped.aborted) await task();
    });
    return true;
  }

  /** Resolves once every task queued so far has finished. */
  idle(): Promise<void> {
    return this.#tail;
  }
}

/**
 * Starts each task without waiting for the others (it orders itself: the block handler waits in the store's
 * serial section); refuses new ones while `capacity` tasks are unfinished. Like SerialQueue's, a task starts
 * after the `push` that queued it has returned.
 */
class Backlog {
  readonly #unfinished = new Set<Promise<void>>();

  constructor(
    readonly name: string,
    readonly capacity: number,
  ) {}

  enqueue(task: () => Promise<void>): boolean {
    if (this.#unfinished.size >= this.capacity) return false;
    const run = Promise.resolve()
      .then(task)
      .finally(() => this.#unfinished.delete(run));
    this.#unfinished.add(run);
    return true;
  }

  /** Resolves once every task started so far has finished. */
  async idle(): Promise<void> {
    await Promise.all(this.#unfinished);
  }
}

export class PushDispatcher {
  readonly #handlers = new Map<QueuedCommand, PushHandler>();
  readonly #stop = new AbortController();
  // 8.2 holds 50 blocks in its channel while its goroutine stores one more; here every unfinished block counts.
  readonly #blocks = new Backlog("block", BLOCK_QUEUE_CAPACITY + 1);
  readonly #reservoir = new SerialQueue("reservoir", this.#stop.signal, RESERVOIR_QUEUE_CAPACITY, RESERVOIR_QUEUE_BYTES);

  constructor(private readonly ctx: PushContext) {}

  /** Installs a subsystem's handler table. */
  install(handlers: PushHandlers): void {
    for (const [command, handler] of Object.entries(handlers) as [QueuedCommand, PushHandler][]) this.register(command, handler);
  }

  /** Installs the handler for a queued command (replacing any earlier one). */
  register(command: QueuedCommand, handler: PushHandler): void {
    this.#handlers.set(command, handler);
  }

  /**
   * Takes one push; returns at once (queued work runs later). Never throws: all of it runs inside `#guarded`'s
   * try, and an async function cannot throw to its caller.
   */
  push(command: string, parameters: readonly Uint8Array[]): void {
    void this.#guarded(command, () => this.#dispatch(command, parameters));
  }

  /**
   * For the stopping node: drops the items still waiting (the reservoir queue's, and blocks waiting in the store,
   * through their handler's signal). Items being handled finish, and are relayed if new.
   */
  stop(): void {
    this.#stop.abort();
  }

  /** The error boundary of every push, whether handled at once or from a queue; resolves what `fn` returned. */
  async #guarded<T>(command: string, fn: () => T | Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (e) {
      if (isFault(e)) log.warn(`failed ${command}`, { error: e.text });
      else log.error(`failed ${command}`, { error: e as Error });
      return undefined;
    }
  }

  /** Resolves when all queued work has finished (for shutdown and tests). */
  async idle(): Promise<void> {
    await Promise.all([this.#blocks.idle(), this.#reservoir.idle()]);
  }

  #dispatch(command: string, p: readonly Uint8Array[]): void {
    switch (command) {
      case "peer":
      case "rpc":
        return this.#announcement(command, p);
      case "block":
      case "assets":
      case "issues":
      case "transfer":
      case "proof":
        return this.#queued(command, p);
      case "heart": {
        const [data] = p;
        if (data === undefined) log.warn("heart with too few data", { items: p.length });
        else log.info("received heart", { data });
        return;
      }
      default:
        log.warn("received unhandled command", { command: command.length > 64 ? `${command.slice(0, 64)}…(${command.length})` : command, items: p.length });
    }
  }

  #announcement(command: "peer" | "rpc", p: readonly Uint8Array[]): void {
    const [key, listeners, timestamp] = p;
    if (key === undefined || listeners === undefined || timestamp === undefined) {
      log.warn(`${command} with too few data`, { items: p.length });
      return;
    }
    if (timestamp.length < 8) {
      log.warn(`${command} with a short timestamp: ignored`, { bytes: timestamp.length });
      return;
    }
    const ts = readBe64(timestamp);
    const isNew = command === "peer" ? this.ctx.announce.addPeer(key, listeners, ts) : this.ctx.announce.addRpc(key, listeners, ts);
    // A peer this node has not reached itself is kept but not passed on: it may be dead (issue 17).
    const vouched = command === "rpc" || (this.ctx.announce.isReached?.(key) ?? true);
    log.info(`received ${command}`, { key, listeners, timestamp: ts, new: isNew, ...(isNew && !vouched ? { relayed: false } : {}) });
    if (isNew && vouched) this.ctx.broadcast.send(command, p.slice(0, 3));
  }

  #queued(command: QueuedCommand, p: readonly Uint8Array[]): void {
    const [item] = p;
    if (item === undefined) {
      log.warn(`${command} with too few data`, { items: p.length });
      return;
    }
    // The node's only mode check for pushed items (see the header): the handlers rely on it.
    if (!this.ctx.isNormal()) {
      log.warn(`${command} refused: not available during synchronise`, { item });
      return;
    }
    const handler = this.#handlers.get(command);
    if (handler === undefined) {
      log.warn(`${command} dropped: no handler`, { item });
      return;
    }
    const stopped = this.#stop.signal;
    const run = async () => {
      if ((await this.#guarded(command, () => handler(item, p, stopped))) === true) this.ctx.broadcast.send(command, [item]);
    };
    const [queue, queued] =
      command === "block"
        ? [this.#blocks.name, this.#blocks.enqueue(run)]
        : // A reservoir item holds every frame until its handler runs (it gets them all).
          [this.#reservoir.name, this.#reservoir.enqueue(run, p.reduce((n, f) => n + f.length, 0))];
    if (queued) log.info(`received ${command}`, { item });
    else log.warn(`${command} dropped: ${queue} queue full`, { item });
  }
}
