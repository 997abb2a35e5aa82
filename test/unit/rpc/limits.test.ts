import { describe, expect, test } from "bun:test";
import { ConnectionCounter, expiry, sweepInterval } from "../../../src/rpc/limits.ts";
import { goDuration, goTimeJson } from "../../../src/rpc/go-time.ts";

describe("ConnectionCounter", () => {
  test("total and per-IP limits; slots come back on close", () => {
    const c = new ConnectionCounter({ total: 3, perIp: 2 });
    expect([c.tryOpen("a"), c.tryOpen("a"), c.tryOpen("a")]).toEqual([true, true, false]);
    expect(c.tryOpen("b")).toBe(true);
    expect(c.tryOpen("c")).toBe(false); // total reached
    c.close("a");
    expect(c.open).toBe(2);
    expect(c.tryOpen("c")).toBe(true);
    c.close("zzz"); // never opened: no effect
    expect(c.open).toBe(3);
  });
});

describe("expiry", () => {
  const policy = { handshakeMs: 10_000, idleMs: 300_000 };
  test.each([
    ["handshake pending, in time", { openedAt: 0, handshaken: false, lastActivity: 0, running: 0 }, 9_999, undefined],
    ["handshake pending, too long", { openedAt: 0, handshaken: false, lastActivity: 5_000, running: 0 }, 10_000, "handshake timeout"],
    ["idle, in time", { openedAt: 0, handshaken: true, lastActivity: 1_000, running: 0 }, 300_999, undefined],
    ["idle, too long", { openedAt: 0, handshaken: true, lastActivity: 1_000, running: 0 }, 301_000, "idle timeout"],
    ["a call is running: not idle", { openedAt: 0, handshaken: true, lastActivity: 0, running: 1 }, 1_000_000, undefined],
  ])("%s", (_name, clock, now, expected) => {
    expect(expiry(clock, now, policy)).toBe(expected as never);
  });
  test("sweep interval: a quarter of the shorter timeout within 50 ms … 5 s", () => {
    expect(sweepInterval(policy)).toBe(2500);
    expect(sweepInterval({ handshakeMs: 100, idleMs: 400 })).toBe(50);
    expect(sweepInterval({ handshakeMs: 60_000, idleMs: 600_000 })).toBe(5000);
  });
});

describe("Go time texts", () => {
  test.each([
    [0n, "0s"],
    [1n, "1ns"],
    [1_500n, "1.5µs"],
    [1_500_000n, "1.5ms"],
    [55_234_163_602n, "55.234163602s"], // rpc.md §11.1
    [127_910_331_502n, "2m7.910331502s"], // rpc.md §11.4
    [3_600_000_000_000n, "1h0m0s"],
    [90_061_000_000_000n, "25h1m1s"],
  ])("Duration %p", (ns, text) => {
    expect(goDuration(ns)).toBe(text);
  });
  test.each([
    [Date.UTC(2026, 11, 6, 2, 48, 44, 482), "2026-12-06T02:48:44.482Z"],
    [Date.UTC(2026, 11, 6, 2, 48, 44, 480), "2026-12-06T02:48:44.48Z"],
    [Date.UTC(2026, 11, 6, 2, 48, 44), "2026-12-06T02:48:44Z"],
  ])("time.Time JSON %p", (ms, text) => {
    expect(goTimeJson(ms)).toBe(text);
  });
});
