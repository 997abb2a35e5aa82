/** Sync progress: formatting, rate over a window, in-place terminal line vs plain log lines. */
import { describe, expect, test } from "bun:test";
import type { Logger } from "../../../src/base/log.ts";
import { eta, formatDuration, formatProgress, SyncProgress } from "../../../src/peer/sync/progress.ts";

describe("formatting", () => {
  const durations: [number, string][] = [
    [0, "0s"],
    [12.4, "12s"],
    [59.6, "1m00s"],
    [306, "5m06s"],
    [3720, "1h02m"],
    [90_000, "25h00m"],
  ];
  for (const [s, want] of durations) test(`${s} s → ${want}`, () => expect(formatDuration(s)).toBe(want));

  const lines: [height: number, target: number, rate: number, want: string][] = [
    [1234, 5000, 3.1, "sync 1234/5000 (24.7%)  3.10 blocks/s  ETA 20m15s"],
    [10, 200, 0, "sync 10/200 (5.0%)  0.00 blocks/s  ETA ?"],
    [200, 200, 2, "sync 200/200 (100.0%)  2.00 blocks/s  ETA 0s"],
  ];
  for (const [height, target, rate, want] of lines) test(want, () => expect(formatProgress({ height, target, rate })).toBe(want));

  test("eta", () => {
    expect(eta({ height: 10, target: 20, rate: 2 })).toBe(5);
    expect(eta({ height: 10, target: 20, rate: 0 })).toBeUndefined();
  });
});

function capture(): { log: Logger; infos: [string, Record<string, unknown> | undefined][] } {
  const infos: [string, Record<string, unknown> | undefined][] = [];
  const noop = () => {};
  return { infos, log: { trace: noop, debug: noop, warn: noop, error: noop, info: (m, f) => infos.push([m, f]) } };
}

describe("SyncProgress", () => {
  test("terminal: redrawn in place, throttled, newline at the end", () => {
    let now = 0;
    const out: string[] = [];
    const { log, infos } = capture();
    const p = new SyncProgress({ tty: true, write: (s) => out.push(s), log, now: () => now });
    for (let h = 2; h <= 41; h++) {
      now += 50; // 20 blocks/s
      p.update(h, 41);
    }
    p.finish(41);
    expect(out.length).toBeGreaterThan(5);
    expect(out.length).toBeLessThan(20); // not one per block
    expect(out.slice(0, -1).every((s) => s.startsWith("\r\x1b[2Ksync "))).toBe(true);
    expect(out.at(-2)).toContain("sync 41/41 (100.0%)  20.00 blocks/s");
    expect(out.at(-1)).toBe("\n");
    expect(infos).toEqual([["synchronised", { height: 41 }]]);
  });

  test("not a terminal: a log line per interval with rate and ETA", () => {
    let now = 0;
    const out: string[] = [];
    const { log, infos } = capture();
    const p = new SyncProgress({ tty: false, write: (s) => out.push(s), log, now: () => now, logEveryMs: 1000, windowMs: 5000 });
    for (let h = 2; h <= 100; h++) {
      now += 100; // 10 blocks/s
      p.update(h, 200);
    }
    expect(out).toEqual([]);
    const progress = infos.filter(([m]) => m === "sync progress");
    expect(progress.length).toBe(10);
    expect(progress.at(-1)![1]).toEqual({ height: 92, target: 200, rate: 10, eta: "11s" }); // lines at t = 0.1, 1.1 … 9.1 s
  });

  test("phases (issue 17): logged once per change with the time since the first, fetching/verifying once per sync; snapshot for /status", () => {
    let now = 1000;
    const { log, infos } = capture();
    const p = new SyncProgress({ tty: false, log, now: () => now });
    expect(p.phaseSnapshot()).toBeUndefined();
    p.phase("registering", "0/3");
    now += 40;
    p.phase("registering", "2/3"); // detail only
    expect(p.phaseSnapshot()).toEqual({ phase: "registering 2/3", inPhaseMs: 40, enteredAfterMs: 0 });
    now += 10;
    p.phase("choosing chain");
    for (let batch = 0; batch < 5; batch++) {
      now += 100;
      p.phase("fetching", `${batch * 8}/40`);
      now += 300;
      p.phase("verifying", `${batch * 8}/40`);
    }
    now += 5;
    p.phase("Normal");
    now += 1000;
    expect(p.phaseSnapshot()).toEqual({ phase: "Normal", inPhaseMs: 1000, enteredAfterMs: 2055 });
    expect(infos.filter(([m]) => m === "sync phase")).toEqual([
      ["sync phase", { phase: "registering", detail: "0/3", afterMs: 0 }],
      ["sync phase", { phase: "choosing chain", afterMs: 50 }],
      ["sync phase", { phase: "fetching", detail: "0/40", afterMs: 150 }],
      ["sync phase", { phase: "verifying", detail: "0/40", afterMs: 450 }],
      ["sync phase", { phase: "Normal", afterMs: 2055 }],
    ]);
    // a later sync (behind again) logs its fetching and verifying anew
    p.phase("choosing chain");
    p.phase("fetching", "40/41");
    expect(infos.filter(([m]) => m === "sync phase").length).toBe(7);
  });
});
