/**
 * Synchronisation progress: on a terminal one line updated in place (height/target, blocks/s, ETA), otherwise
 * a plain log line every few seconds. The rate is measured over a sliding window of recent samples.
 *
 * It also keeps the sync phase (registering, choosing chain, fetching n/m, verifying, Normal) with the time it
 * began and the time since the start: logged at every change and shown by `/status`, so a slow start says
 * which step it waits on. bitmarkd 8.2 shows none of this (its log names connector states only).
 */
import { at } from "../../base/at.ts";
import { logger, type Logger } from "../../base/log.ts";

export interface ProgressFigures {
  readonly height: number;
  readonly target: number;
  /** Blocks per second (0 = not known yet). */
  readonly rate: number;
}

/** `1h02m`, `5m06s`, `12s`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, "0");
  if (h > 0) return `${h}h${pad(m)}m`;
  if (m > 0) return `${m}m${pad(s % 60)}s`;
  return `${s}s`;
}

/** Seconds until `target` at `rate`; undefined when the rate is unknown. */
export function eta(f: ProgressFigures): number | undefined {
  return f.rate > 0 ? Math.max(0, f.target - f.height) / f.rate : undefined;
}

/** `sync 1234/5000 (24.7%)  3.10 blocks/s  ETA 20m15s` */
export function formatProgress(f: ProgressFigures): string {
  const pct = f.target > 0 ? ((100 * Math.min(f.height, f.target)) / f.target).toFixed(1) : "0.0";
  const left = eta(f);
  return `sync ${f.height}/${f.target} (${pct}%)  ${f.rate.toFixed(2)} blocks/s  ETA ${left === undefined ? "?" : formatDuration(left)}`;
}

export type SyncPhase = "registering" | "choosing chain" | "fetching" | "verifying" | "Normal";

/** The phase as `/status` shows it. */
export interface PhaseSnapshot {
  /** e.g. `registering 2/3`, `fetching 120/5000`, `Normal`. */
  readonly phase: string;
  /** Milliseconds spent in this phase so far. */
  readonly inPhaseMs: number;
  /** Milliseconds from the first phase (start-up) to the start of this one. */
  readonly enteredAfterMs: number;
}

export interface SyncProgressOptions {
  /** Draw in place (default: whether stderr is a terminal). */
  readonly tty?: boolean;
  /** Where the in-place line goes (default stderr). */
  readonly write?: (s: string) => void;
  readonly log?: Logger;
  /** Milliseconds (default Date.now). */
  readonly now?: () => number;
  /** Plain mode: at most one log line per this many ms (default 10 s). */
  readonly logEveryMs?: number;
  /** Rate window in ms (default 30 s). */
  readonly windowMs?: number;
}

const REDRAW_MS = 200;

export class SyncProgress {
  readonly #tty: boolean;
  readonly #write: (s: string) => void;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #logEveryMs: number;
  readonly #windowMs: number;
  #samples: { t: number; height: number }[] = [];
  #phase: { name: SyncPhase; at: number; detail: string } | undefined;
  #firstPhaseAt: number | undefined;
  readonly #loggedBatchPhases = new Set<SyncPhase>();
  #lastOutput = -Infinity;
  #drawn = false;

  constructor(o: SyncProgressOptions = {}) {
    this.#tty = o.tty ?? process.stderr.isTTY === true;
    this.#write = o.write ?? ((s) => process.stderr.write(s));
    this.#log = o.log ?? logger("sync");
    this.#now = o.now ?? Date.now;
    this.#logEveryMs = o.logEveryMs ?? 10_000;
    this.#windowMs = o.windowMs ?? 30_000;
  }

  /**
   * Enters `name` (`detail` such as `2/3` is shown after it). Logged only when the phase itself changes, with
   * the time since the first phase; the detail of the current phase is just updated.
   */
  phase(name: SyncPhase, detail = ""): void {
    const t = this.#now();
    this.#firstPhaseAt ??= t;
    if (this.#phase?.name === name) {
      this.#phase.detail = detail;
      return;
    }
    this.#phase = { name, at: t, detail };
    // Fetching and verifying alternate batch by batch: each is logged once per sync, not per batch.
    const batchPhase = name === "fetching" || name === "verifying";
    if (!batchPhase) this.#loggedBatchPhases.clear();
    else if (this.#loggedBatchPhases.has(name)) return;
    else this.#loggedBatchPhases.add(name);
    this.#log.info("sync phase", { phase: name, ...(detail ? { detail } : {}), afterMs: t - this.#firstPhaseAt });
  }

  /** The current phase (undefined before the first). */
  phaseSnapshot(): PhaseSnapshot | undefined {
    const p = this.#phase;
    if (p === undefined) return undefined;
    const t = this.#now();
    return { phase: p.detail ? `${p.name} ${p.detail}` : p.name, inPhaseMs: t - p.at, enteredAfterMs: p.at - this.#firstPhaseAt! };
  }

  /** Current figures (rate over the window). */
  figures(target: number): ProgressFigures {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    const dt = first && last ? (last.t - first.t) / 1000 : 0;
    return { height: last?.height ?? 0, target, rate: dt > 0 ? (last!.height - first!.height) / dt : 0 };
  }

  /** A block was stored: local height is now `height` of `target`. */
  update(height: number, target: number): void {
    const t = this.#now();
    this.#samples.push({ t, height });
    while (this.#samples.length > 2 && t - at(this.#samples, 0).t > this.#windowMs) this.#samples.shift();
    const every = this.#tty ? REDRAW_MS : this.#logEveryMs;
    if (t - this.#lastOutput < every && height < target) return;
    this.#lastOutput = t;
    const f = this.figures(target);
    if (this.#tty) {
      this.#write(`\r\x1b[2K${formatProgress(f)}`);
      this.#drawn = true;
    } else {
      const left = eta(f);
      this.#log.info("sync progress", { height, target, rate: Number(f.rate.toFixed(2)), eta: left === undefined ? "?" : formatDuration(left) });
    }
  }

  /** Synchronisation reached its target: ends the in-place line and logs once. */
  finish(height: number): void {
    if (this.#drawn) this.#write("\n");
    if (this.#samples.length > 0) this.#log.info("synchronised", { height });
    this.#drawn = false;
    this.#samples = [];
    this.#lastOutput = -Infinity;
  }
}
