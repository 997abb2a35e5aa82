/** The connector state machine without sockets: transitions of protocol.md §7.4, fork protection, vote, cool-down. */
import { describe, expect, test } from "bun:test";
import { connectorConfig, type ConnectorConfig } from "../../../src/peer/sync/constants.ts";
import { connectorTiming } from "../../../src/node/timing.ts";
import {
  type Action,
  type ConnectorState,
  type Failure,
  failureText,
  initialState,
  isIoAction,
  type IoAction,
  type Observation,
  type PeerView,
  probePoints,
  type Result,
  step,
  vote,
} from "../../../src/peer/sync/fsm.ts";

const cfg = connectorConfig();
const D = (c: string) => c.repeat(64); // a hex digest made of one character

function peer(key: string, height: number, digest = D("a"), registered = true): PeerView {
  return { key, registered, height, digest };
}

const three = (height: number, digest = D("a")) => [peer("p1", height, digest), peer("p2", height, digest), peer("p3", height, digest)];

/** A simulated node: local height, which local blocks match the remote chain, and how fetches behave. */
interface World {
  local: number;
  /** Highest local block that equals the remote chain's block. */
  common: number;
  peers: PeerView[];
  now: number;
  /** Decides a fetch's outcome; default stores everything requested. */
  fetch?: (a: Extract<IoAction, { type: "fetch" }>, w: World) => Result;
  probeFailure?: Failure;
  deleteFailure?: Failure;
  ios: IoAction[];
}

function world(over: Partial<World> = {}): World {
  return { local: 1, common: 1, peers: three(1), now: 0, ios: [], ...over };
}

function perform(a: IoAction, w: World): Result {
  w.ios.push(a);
  switch (a.type) {
    case "probe":
      if (w.probeFailure) return { kind: "probe", matches: [], failure: w.probeFailure };
      return { kind: "probe", matches: a.numbers.map((n) => ({ number: n, equal: n <= w.common })) };
    case "delete":
      if (w.deleteFailure) return { kind: "delete", failure: w.deleteFailure };
      w.local = a.from - 1;
      w.common = Math.min(w.common, w.local);
      return { kind: "delete" };
    case "fetch": {
      if (w.fetch) return w.fetch(a, w);
      w.local = a.to;
      w.common = a.to;
      return { kind: "fetch" };
    }
  }
}

const obs = (w: World, result?: Result): Observation => ({ now: w.now, localHeight: w.local, peers: w.peers, ...(result ? { result } : {}) });

/** One connector cycle as the driver runs it: step, perform the I/O, feed the result, until a pause. */
function cycle(state: ConnectorState, w: World): { state: ConnectorState; actions: Action[]; steps: number } {
  const actions: Action[] = [];
  let result: Result | undefined;
  for (let steps = 1; steps <= 50; steps++) {
    const r = step(cfg, state, obs(w, result));
    state = r.state;
    actions.push(...r.actions);
    const io = r.actions.filter(isIoAction);
    expect(io.length).toBeLessThanOrEqual(1);
    if (io.length === 0) return { state, actions, steps };
    result = perform(io[0]!, w);
  }
  throw new Error("cycle did not pause: busy loop");
}

const logs = (actions: readonly Action[], level?: string) =>
  actions.filter((a): a is Extract<Action, { type: "log" }> => a.type === "log" && (!level || a.level === level)).map((a) => a.message);

/** A state past Connecting (mode Resynchronise, HighestBlock). */
function afterConnecting(w: World): ConnectorState {
  const r = cycle(initialState(), w);
  expect(r.state.name).toBe("HighestBlock");
  return r.state;
}

describe("Connecting", () => {
  const table: { name: string; peers: PeerView[]; next: string; reconnect: boolean }[] = [
    { name: "no clients", peers: [], next: "Connecting", reconnect: true },
    { name: "two registered", peers: [peer("p1", 5), peer("p2", 5), peer("p3", 5, D("a"), false)], next: "Connecting", reconnect: true },
    { name: "three registered", peers: three(5), next: "HighestBlock", reconnect: false },
    { name: "duplicates count (8.2)", peers: [peer("p1", 5), peer("p1", 5), peer("p2", 5)], next: "HighestBlock", reconnect: false },
  ];
  for (const t of table)
    test(t.name, () => {
      const w = world({ peers: t.peers, local: 1 });
      const r = cycle(initialState(), w);
      expect(r.state.name).toBe(t.next as ConnectorState["name"]);
      expect(r.state.mode).toBe("Resynchronise");
      expect(r.actions.some((a) => a.type === "reconnect")).toBe(t.reconnect);
      expect(w.ios).toEqual([]); // Connecting always pauses
      expect(r.steps).toBe(1);
    });
});

describe("vote", () => {
  const table: { name: string; peers: PeerView[]; cooldown?: Record<string, number>; want?: { height: number; digest: string; peers: string[] } }[] = [
    { name: "nobody", peers: [] },
    { name: "unregistered and heightless peers do not vote", peers: [peer("a", 9, D("1"), false), peer("b", 0), { key: "c", registered: true, height: 7 }] },
    {
      name: "majority beats a single higher peer",
      peers: [peer("a", 10, D("1")), peer("b", 10, D("1")), peer("c", 50, D("2"))],
      want: { height: 10, digest: D("1"), peers: ["a", "b"] },
    },
    {
      name: "same height, different digests: majority digest",
      peers: [peer("a", 10, D("1")), peer("b", 10, D("2")), peer("c", 10, D("2"))],
      want: { height: 10, digest: D("2"), peers: ["b", "c"] },
    },
    {
      name: "tie goes to the higher height",
      peers: [peer("a", 10, D("1")), peer("b", 11, D("2")), peer("c", 9, D("3"))],
      want: { height: 11, digest: D("2"), peers: ["b"] },
    },
    {
      name: "tie at equal height: smaller digest (deterministic)",
      peers: [peer("a", 10, D("9")), peer("b", 10, D("3"))],
      want: { height: 10, digest: D("3"), peers: ["b"] },
    },
    {
      name: "a node behind several upstreams votes once",
      peers: [peer("a", 20, D("1")), peer("a", 20, D("1")), peer("a", 20, D("1")), peer("b", 10, D("2")), peer("c", 10, D("2"))],
      want: { height: 10, digest: D("2"), peers: ["b", "c"] },
    },
    {
      name: "cooling peers do not vote",
      peers: [peer("a", 10, D("1")), peer("b", 10, D("1")), peer("c", 12, D("2"))],
      cooldown: { a: 100, b: 5 },
      want: { height: 12, digest: D("2"), peers: ["c"] },
    },
  ];
  for (const t of table)
    test(t.name, () => {
      const got = vote(t.peers, t.cooldown ?? {}, 50);
      if (!t.want) expect(got).toBeUndefined();
      else expect({ height: got!.height, digest: got!.digest, peers: [...got!.peers] }).toEqual(t.want);
    });
});

describe("probePoints", () => {
  const table: [lo: number, hi: number, k: number, want: number[]][] = [
    [5, 6, 8, []],
    [5, 9, 8, [6, 7, 8]],
    [1, 10, 8, [2, 3, 4, 5, 6, 7, 8, 9]],
    [40, 100, 8, [47, 53, 60, 67, 73, 80, 87, 93]],
    [0, 1000, 3, [250, 500, 750]],
  ];
  for (const [lo, hi, k, want] of table) test(`(${lo}, ${hi}) × ${k}`, () => expect(probePoints(lo, hi, k)).toEqual(want));
});

describe("HighestBlock and ForkDetect", () => {
  test("no heights yet: stays and pauses", () => {
    const w = world({ peers: three(0) });
    const s = afterConnecting(w);
    const r = cycle(s, w);
    expect(r.state.name).toBe("HighestBlock");
    expect(w.ios).toEqual([]);
  });

  test("remote not ahead: Rebuild sets Normal, then Sampling (pause)", () => {
    const w = world({ peers: three(4), local: 4, common: 4 });
    const s = afterConnecting(w);
    const r = cycle(s, w);
    expect(r.state.name).toBe("Sampling");
    expect(r.state.mode).toBe("Normal");
    expect(r.actions).toContainEqual({ type: "setMode", mode: "Normal" });
    expect(w.ios).toEqual([]);
  });

  test("only genesis locally: fetch from block 2 without probing", () => {
    const w = world({ peers: three(30), local: 1 });
    const r = cycle(afterConnecting(w), w);
    expect(w.ios).toEqual([{ type: "fetch", from: 2, to: 30, peers: ["p1", "p2", "p3"] }]);
    expect(r.state.name).toBe("Sampling"); // all fetched in one batch, then HighestBlock → Rebuild
    expect(w.local).toBe(30);
  });

  test("remote extends local: one probe of the tip, then fetch", () => {
    const w = world({ peers: three(500), local: 100, common: 100 });
    const r = cycle(afterConnecting(w), w);
    expect(w.ios).toEqual([
      { type: "probe", numbers: [100], peers: ["p1", "p2", "p3"] },
      { type: "fetch", from: 101, to: 300, peers: ["p1", "p2", "p3"] },
    ]);
    expect(r.state.name).toBe("FetchBlocks"); // 200 per cycle, then pause
    const r2 = cycle(r.state, w);
    expect(w.ios.at(-1)).toEqual({ type: "fetch", from: 301, to: 500, peers: ["p1", "p2", "p3"] });
    expect(r2.state.name).toBe("Sampling");
    expect(w.local).toBe(500);
  });

  // Fork protection (8.2): refused when local height − common block ≥ 60.
  const forks: { name: string; local: number; common: number; refused: boolean }[] = [
    { name: "depth 1", local: 100, common: 99, refused: false },
    { name: "depth 59", local: 100, common: 41, refused: false },
    { name: "depth 60 (exactly the limit)", local: 100, common: 40, refused: true },
    { name: "depth 61", local: 100, common: 39, refused: true },
    { name: "depth 99 (only genesis common)", local: 100, common: 1, refused: true },
    { name: "short chain, only genesis common (depth 29)", local: 30, common: 1, refused: false },
    { name: "depth 59 down to genesis", local: 60, common: 1, refused: false },
    { name: "depth 60 down to genesis", local: 61, common: 1, refused: true },
  ];
  for (const f of forks)
    test(`fork ${f.name}: ${f.refused ? "refused" : "followed"}`, () => {
      const w = world({ peers: three(f.local + 5, D("b")), local: f.local, common: f.common });
      const r = cycle(afterConnecting(w), w);
      const probes = w.ios.filter((a) => a.type === "probe");
      const probed = probes.flatMap((a) => (a.type === "probe" ? a.numbers : []));
      expect(probes.length).toBeLessThanOrEqual(3); // rounds
      expect(probed.length).toBeLessThanOrEqual(1 + 2 * cfg.probesPerRound);
      expect(Math.min(...probed)).toBeGreaterThan(f.local - cfg.forkProtection); // never looks below the window
      if (f.refused) {
        expect(r.state.name).toBe("HighestBlock");
        expect(logs(r.actions, "error").some((m) => m.startsWith("fork protection"))).toBe(true);
        expect(w.ios.some((a) => a.type === "delete" || a.type === "fetch")).toBe(false);
        expect(w.local).toBe(f.local);
      } else {
        expect(w.ios.filter((a) => a.type === "delete")).toEqual([{ type: "delete", from: f.common + 1 }]);
        expect(w.ios.at(-1)).toEqual({ type: "fetch", from: f.common + 1, to: f.local + 5, peers: ["p1", "p2", "p3"] });
        expect(w.local).toBe(f.local + 5);
      }
    });

  test("refused fork does not busy-loop: every cycle pauses after one search", () => {
    const w = world({ peers: three(200, D("b")), local: 100, common: 10 });
    let s = afterConnecting(w);
    for (let i = 0; i < 3; i++) {
      const before = w.ios.length;
      const r = cycle(s, w);
      s = r.state;
      expect(s.name).toBe("HighestBlock");
      expect(w.ios.length - before).toBeLessThanOrEqual(3);
      expect(r.steps).toBeLessThanOrEqual(4);
    }
  });

  const failures: { name: string; over: Partial<World> }[] = [
    { name: "digest comparison fails", over: { probeFailure: { kind: "unanswered", block: 100, text: "block not found" } } },
    { name: "delete down fails", over: { deleteFailure: { kind: "local-error", text: "disk full" }, common: 90 } },
  ];
  for (const f of failures)
    test(`${f.name}: HighestBlock and pause, no loop`, () => {
      const w = world({ peers: three(120), local: 100, common: 100, ...f.over });
      const r = cycle(afterConnecting(w), w);
      expect(r.state.name).toBe("HighestBlock");
      expect(r.state.pending).toBeUndefined();
      expect(w.ios.some((a) => a.type === "fetch")).toBe(false);
      expect(logs(r.actions, "warn").length + logs(r.actions, "error").length).toBeGreaterThan(0);
    });

  test("inconsistent peer answers: HighestBlock and pause", () => {
    const w = world({ peers: three(120), local: 100, common: 100 });
    const s = afterConnecting(w);
    const r1 = step(cfg, s, obs(w));
    expect(r1.actions.filter(isIoAction)).toEqual([{ type: "probe", numbers: [100], peers: ["p1", "p2", "p3"] }]);
    const r2 = step(cfg, r1.state, obs(w, { kind: "probe", matches: [{ number: 100, equal: false }] }));
    const second = r2.actions.find(isIoAction);
    expect(second?.type).toBe("probe");
    // a lower block differs while a higher one matches
    const nums = second!.type === "probe" ? second!.numbers : [];
    const top = Math.max(...nums);
    const r3 = step(cfg, r2.state, obs(w, { kind: "probe", matches: nums.map((n) => ({ number: n, equal: n === top })) }));
    expect(r3.state.name).toBe("HighestBlock");
    expect(r3.actions.some(isIoAction)).toBe(false);
  });

  test("local height changed during the search: restart next cycle", () => {
    const w = world({ peers: three(120), local: 100, common: 100 });
    const r1 = step(cfg, afterConnecting(w), obs(w));
    w.local = 101;
    const r2 = step(cfg, r1.state, obs(w, { kind: "probe", matches: [{ number: 100, equal: true }] }));
    expect(r2.state.name).toBe("HighestBlock");
    expect(r2.actions.some(isIoAction)).toBe(false);
  });

  test("a result the state does not wait for is ignored", () => {
    const w = world({ peers: three(5) });
    const s = afterConnecting(w);
    const r = step(cfg, s, obs(w, { kind: "delete" }));
    expect(r.state).toBe(s);
    expect(logs(r.actions, "warn")).toEqual(["unexpected result ignored"]);
  });
});

describe("FetchBlocks and bad peers", () => {
  test("bad peer is cooled down and the rest of the batch is fetched from the others", () => {
    const w = world({ peers: three(50), local: 1 });
    w.fetch = (a, w) => {
      if (a.peers.includes("p2")) {
        w.local = a.from + 9; // ten blocks stored, then p2's block fails verification
        return { kind: "fetch", failure: { kind: "invalid-block", block: a.from + 10, peer: "p2", text: "previous block digest does not match" } };
      }
      w.local = a.to;
      return { kind: "fetch" };
    };
    const r = cycle(afterConnecting(w), w);
    expect(w.ios).toEqual([
      { type: "fetch", from: 2, to: 50, peers: ["p1", "p2", "p3"] },
      { type: "fetch", from: 12, to: 50, peers: ["p1", "p3"] },
    ]);
    expect(r.state.cooldown).toEqual({ p2: w.now + cfg.badPeerCooldownMs });
    expect(r.state.name).toBe("Sampling");
    expect(w.local).toBe(50);
  });

  test("cool-down expires: the peer votes again", () => {
    const w = world({ peers: [peer("p1", 10, D("1")), peer("p2", 20, D("2"))] });
    const s: ConnectorState = { ...initialState(), name: "HighestBlock", cooldown: { p2: 1000 } };
    w.now = 999;
    const r1 = step(cfg, s, obs(w));
    expect(r1.state.target?.peers).toEqual(["p1"]);
    w.now = 1000;
    const r2 = step(cfg, s, obs(w));
    expect(r2.state.target?.peers).toEqual(["p2"]);
    expect(r2.state.cooldown).toEqual({});
  });

  test("every peer of the chain bad: HighestBlock and pause, other chains vote next cycle", () => {
    const w = world({ peers: [peer("p1", 30, D("1")), peer("p2", 30, D("1")), peer("p3", 25, D("2"))], local: 1 });
    w.fetch = (a, w) => {
      if (a.peers.includes("p3")) {
        w.local = a.to;
        return { kind: "fetch" };
      }
      // each peer in turn serves an invalid block; the rest of the batch goes to the others
      return { kind: "fetch", failure: { kind: "invalid-block", block: a.from, peer: a.peers[0]!, text: "invalid block" } };
    };
    const r = cycle(afterConnecting(w), w);
    expect(r.state.name).toBe("HighestBlock");
    expect(Object.keys(r.state.cooldown).sort()).toEqual(["p1", "p2"]);
    const r2 = cycle(r.state, w);
    expect(r2.state.cooldown).toEqual(r.state.cooldown);
    expect(w.ios.at(-1)).toEqual({ type: "fetch", from: 2, to: 25, peers: ["p3"] });
    expect(r2.state.name).toBe("Sampling");
    expect(w.local).toBe(25);
  });

  test("fetch error without a culprit (timeouts): HighestBlock and pause", () => {
    const w = world({ peers: three(30), local: 1 });
    w.fetch = (a, w) => {
      w.local = a.from + 2;
      return { kind: "fetch", failure: { kind: "unanswered", block: a.from + 3, text: "resource temporarily unavailable" } };
    };
    const r = cycle(afterConnecting(w), w);
    expect(r.state.name).toBe("HighestBlock");
    expect(r.actions).toContainEqual({
      type: "log",
      level: "warn",
      message: "block fetch stopped, retrying next cycle",
      fields: { height: 4, error: "block 5: resource temporarily unavailable" },
    });
    expect(w.ios.filter((a) => a.type === "fetch").length).toBe(1);
    expect(w.local).toBe(4);
    expect(r.state.cooldown).toEqual({});
  });
});

describe("Sampling and modes", () => {
  function synced(height: number): { s: ConnectorState; w: World } {
    const w = world({ peers: three(height), local: height, common: height });
    const r = cycle(afterConnecting(w), w);
    expect(r.state.name).toBe("Sampling");
    return { s: r.state, w };
  }

  test("one block behind: resync on the 11th sample, not before", () => {
    const { s: s0, w } = synced(10);
    w.peers = three(11);
    let s = s0;
    for (let i = 1; i <= cfg.samplingLimit; i++) {
      s = cycle(s, w).state;
      expect(s.name).toBe("Sampling");
      expect(s.samples).toBe(i);
    }
    expect(w.ios).toEqual([]);
    const r = cycle(s, w);
    expect(w.ios.map((a) => a.type)).toEqual(["probe", "fetch"]);
    expect(r.state.name).toBe("Sampling");
    expect(r.state.samples).toBe(0); // Rebuild resets the counter
    expect(w.local).toBe(11);
  });

  test("two or more behind: resync at once", () => {
    const { s, w } = synced(10);
    w.peers = three(12);
    const r = cycle(s, w);
    expect(w.ios.map((a) => a.type)).toEqual(["probe", "fetch"]);
    expect(r.state.name).toBe("Sampling");
  });

  test("ahead of or level with the peers: stays", () => {
    const { s, w } = synced(10);
    w.peers = three(9);
    const r = cycle(s, w);
    expect(r.state).toEqual(s);
    expect(w.ios).toEqual([]);
  });

  test("mode: Resynchronise until the first sync completes, then Normal (also during later resyncs)", () => {
    expect(initialState().mode).toBe("Resynchronise");
    const w = world({ peers: three(500), local: 1 });
    const r = cycle(afterConnecting(w), w);
    expect(r.state.name).toBe("FetchBlocks");
    expect(r.state.mode).toBe("Resynchronise");
    const r2 = cycle(r.state, w);
    const r3 = cycle(r2.state, w);
    expect(r3.state.name).toBe("Sampling");
    expect(r3.state.mode).toBe("Normal");
    w.peers = three(900);
    const r4 = cycle(r3.state, w);
    expect(r4.state.name).toBe("FetchBlocks");
    expect(r4.state.mode).toBe("Normal");
    expect(r4.actions.some((a) => a.type === "setMode")).toBe(false);
  });
});

describe("configuration", () => {
  test("defaults are bitmarkd 8.2's constants", () => {
    const d = connectorConfig();
    expect([d.cycleMs, d.timeoutMs, d.samplingLimit, d.blocksPerCycle, d.forkProtection, d.minimumClients, d.dynamicClients, d.upstreamPollMs, d.upstreamQueue]).toEqual([
      15_000, 60_000, 10, 200, 60, 3, 10, 30_000, 50,
    ]);
  });

  test("timing keys of a node configuration; other subsystems' keys ignored", () => {
    const c = connectorConfig(connectorTiming({ connector_cycle: 500, upstream_poll: 250, minimum_clients: 2, fork_protection: 3, announce_interval: 1 }));
    expect([c.cycleMs, c.upstreamPollMs, c.minimumClients, c.forkProtection, c.timeoutMs]).toEqual([500, 250, 2, 3, 60_000]);
  });

  const invalid: Partial<ConnectorConfig>[] = [{ cycleMs: 0 }, { forkProtection: -1 }, { blocksPerCycle: 1.5 }];
  for (const o of invalid) test(`rejects ${JSON.stringify(o)}`, () => expect(() => connectorConfig(o)).toThrow(RangeError));
});

describe("failure texts (the connector's log lines, as before the failures were typed)", () => {
  const cases: [string, Failure, string][] = [
    ["stopping", { kind: "stopping" }, "stopping"],
    ["a block no peer delivered", { kind: "unanswered", block: 7, text: "resource temporarily unavailable" }, "block 7: resource temporarily unavailable"],
    ["a block that failed validation", { kind: "invalid-block", block: 8, peer: "p1", text: "previous block digest does not match" }, "block 8: previous block digest does not match"],
    ["the local chain changed", { kind: "local-changed", block: 9 }, "block 9: local chain changed during the fetch"],
    ["a store error on a block", { kind: "local-error", block: 10, text: "MDB_MAP_FULL" }, "block 10: MDB_MAP_FULL"],
    ["a store error before any block", { kind: "local-error", text: "store closed" }, "store closed"],
  ];
  test.each(cases)("%s", (_, failure, text) => {
    expect(failureText(failure)).toBe(text);
  });
});
