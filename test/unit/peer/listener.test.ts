/**
 * The listener handler frame by frame: every row of observed-bitmarkd-8.2.md, every `E` text of protocol.md
 * §5/§9, and the inputs that crash 8.2 (§10). No sockets, no store.
 */
import { describe, expect, test } from "bun:test";
import { Fault } from "../../../src/base/fault.ts";
import { setLogSink } from "../../../src/base/log.ts";
import { handleRequest } from "../../../src/peer/listener/listener.ts";
import { PushDispatcher } from "../../../src/peer/listener/push.ts";
import { quietLogsWhileRunning } from "../../support/harness/profile.ts";
import { fakeContext, T0, TEST_GENESIS_DIGEST } from "../../support/listener-context.ts";
import { be64, frame, OBSERVED, type Row, show } from "../../support/listener-rows.ts";

quietLogsWhileRunning("error");

const f = frame;

const BLOCK2 = "0x0200" + "0200" + "0200000000000000" + "ab".repeat(88) + "cafe";
const DIGEST2 = "0x" + "d2".repeat(32);

const rows: (Row & { setup?: (ctx: ReturnType<typeof fakeContext>) => void })[] = [
  ...OBSERVED,
  { name: "I while resynchronising", request: ["testing", "I"], reply: ["I", '{"version":"8.2","chain":"testing","normal":false,"height":1}'], setup: (c) => void (c.normal = false) },
  { name: "I ignores parameters", request: ["testing", "I", "x", "y"], reply: ["I", '{"version":"8.2","chain":"testing","normal":true,"height":1}'] },
  { name: "N large height", request: ["testing", "N"], reply: ["N", be64(12345n)], setup: (c) => void (c.heightValue = 12345) },
  { name: "H 0 = genesis too", request: ["testing", "H", be64(0n)], reply: ["H", "0x" + TEST_GENESIS_DIGEST] },
  { name: "H 9-byte parameter", request: ["testing", "H", "0x000000000000000001"], reply: ["E", "block not found"] },
  { name: "H u64 max", request: ["testing", "H", be64((1n << 64n) - 1n)], reply: ["E", "block not found"] },
  { name: "H two parameters", request: ["testing", "H", be64(1n), "x"], reply: ["E", "missing parameters"] },
  { name: "H stored block", request: ["testing", "H", be64(2n)], reply: ["H", DIGEST2], setup: (c) => void c.blocks.set(2, { block: f(BLOCK2), digest: f(DIGEST2) }) },
  { name: "B two parameters", request: ["testing", "B", be64(2n), be64(3n)], reply: ["E", "missing parameters"] },
  { name: "B 0", request: ["testing", "B", be64(0n)], reply: ["E", "block not found"] },
  { name: "B beyond height", request: ["testing", "B", be64(2n)], reply: ["E", "block not found"] },
  { name: "B 7-byte parameter", request: ["testing", "B", "0x00000000000002"], reply: ["E", "block not found"] },
  { name: "B u64 max", request: ["testing", "B", be64((1n << 64n) - 1n)], reply: ["E", "block not found"] },
  { name: "B stored block", request: ["testing", "B", be64(2n)], reply: ["B", BLOCK2], setup: (c) => void c.blocks.set(2, { block: f(BLOCK2), digest: f(DIGEST2) }) },
  { name: "wrong chain before I", request: ["local", "I"], reply: ["E", 'invalid chain: actual: "local"  expect: testing'] },
  { name: "wrong chain, Go-quoted", request: ["0x74650a22ff5c", "N"], reply: ["E", 'invalid chain: actual: "te\\n\\"\\xff\\\\"  expect: testing'] },
  { name: "empty chain frame", request: ["0x", "N"], reply: ["E", 'invalid chain: actual: ""  expect: testing'] },
  { name: "chain with a suffix", request: ["testing2", "N"], reply: ["E", 'invalid chain: actual: "testing2"  expect: testing'] },
  { name: "one frame of another chain", request: ["bitmark"], reply: ["E", "packet too short"] },
  { name: "no frames", request: [], reply: ["E", "packet too short"] },
  { name: "lower-case i is a push", request: ["testing", "i"], reply: ["i", "A"] },
  { name: "BOM + I is a push", request: ["testing", "0xefbbbf49"], reply: ["0xefbbbf49", "A"] },
  { name: "empty command is a push", request: ["testing", "0x"], reply: ["0x", "A"] },
  { name: "block push", request: ["testing", "block", "0x0102"], reply: ["block", "A"] },
  { name: "block push without data", request: ["testing", "block"], reply: ["block", "A"] },
  { name: "peer push with short timestamp", request: ["testing", "peer", "0x" + "11".repeat(32), "0x", "0x01"], reply: ["peer", "A"] },
  { name: "R three parameters", request: ["testing", "R", "testing", "0x" + "11".repeat(32), "0x"], reply: ["E", "missing parameters"] },
  { name: "R for the bitmark chain", request: ["testing", "R", "bitmark", "0x" + "11".repeat(32), "0x", be64(1n)], reply: ["E", "incorrect chain"] },
  { name: "R short timestamp (8.2 panics)", request: ["testing", "R", "testing", "0x" + "11".repeat(32), "0x", "0x0102"], reply: ["E", "missing parameters"] },
];

describe("listener replies", () => {
  for (const row of rows) {
    test(row.name, async () => {
      const ctx = fakeContext();
      row.setup?.(ctx);
      expect(show(await handleRequest(ctx, row.request.map(f)))).toEqual(show(row.reply.map(f)));
    });
  }
});

describe("pushes are handed over with their parameters", () => {
  const cases: [string[], string, string[]][] = [
    [["testing", "Z"], "Z", []],
    [["testing", "heart", "x"], "heart", ["x"]],
    [["testing", "block", "0x0102", "0x03"], "block", ["0x0102", "0x03"]],
    [["testing", "0xefbbbf49"], "\ufeffI", []],
  ];
  for (const [request, command, parameters] of cases) {
    test(command, async () => {
      const ctx = fakeContext();
      await handleRequest(ctx, request.map(f));
      expect(ctx.pushes.map((p) => [p.command, show(p.parameters)])).toEqual([[command, show(parameters.map(f))]]);
    });
  }

  test("E replies hand nothing over", async () => {
    const ctx = fakeContext();
    for (const r of rows.filter((r) => r.reply[0] === "E")) await handleRequest(ctx, r.request.map(f));
    expect(ctx.pushes).toEqual([]);
  });

  test("a push whose processing throws at once still gets A: the dispatcher's boundary logs it", async () => {
    const ctx = fakeContext();
    const dispatcher = new PushDispatcher({
      isNormal: () => {
        throw new Error("boom");
      },
      announce: { addPeer: () => false, addRpc: () => false },
      broadcast: { send: () => undefined },
    });
    ctx.push = (command, parameters) => dispatcher.push(command, parameters);
    const lines: string[] = [];
    const restoreSink = setLogSink((line) => lines.push(line));
    try {
      expect(show(await handleRequest(ctx, ["testing", "assets", "x"].map(f)))).toEqual(["assets", "A"]);
    } finally {
      restoreSink();
    }
    expect(lines.length).toBe(1);
    expect(lines[0]).toContain("failed assets");
    expect(lines[0]).toContain("boom");
  });
});

describe("R (registration)", () => {
  const asker = "0x" + "11".repeat(32);
  const third = new Uint8Array(32).fill(0x22);
  const thirdListeners = f("0x1304d200000000000000000000ffff7f000001");

  test("the asker is recorded even when no peer can be offered, and offered to the next asker", async () => {
    const ctx = fakeContext();
    const ts = BigInt(T0 / 1000 - 60);
    expect(show(await handleRequest(ctx, ["testing", "R", "testing", asker, "0x070858c0000211", be64(ts)].map(f)))).toEqual(["E", "invalid public key"]);
    expect(ctx.ring.peers().length).toBe(2);
    const reply = await handleRequest(ctx, ["testing", "R", "testing", "0x" + "22".repeat(32), "0x", be64(0n)].map(f));
    expect(show(reply)).toEqual(show(["R", "testing", asker, "0x070858c0000211", be64(ts)].map(f)));
  });

  test("reply frames: R, own chain, key, listeners as stored, be64 stored timestamp", async () => {
    const ctx = fakeContext();
    ctx.ring.addPeer(third, thirdListeners, BigInt(T0 / 1000 - 100));
    const reply = await handleRequest(ctx, ["testing", "R", "testing", asker, "0x", be64(BigInt(T0 / 1000))].map(f));
    expect(reply.length).toBe(5);
    expect(show(reply)).toEqual(show(["R", "testing", "0x" + "22".repeat(32), "0x1304d200000000000000000000ffff7f000001", be64(BigInt(T0 / 1000 - 100))].map(f)));
  });

  test("a future timestamp is stored as now; a longer timestamp frame uses its first 8 bytes", async () => {
    const ctx = fakeContext();
    await handleRequest(ctx, ["testing", "R", "testing", asker, "0x", be64(1n << 40n)].map(f));
    expect(ctx.ring.peers().find((e) => e.publicKey[0] === 0x11)?.timestamp).toBe(T0);
    await handleRequest(ctx, ["testing", "R", "testing", "0x" + "33".repeat(32), "0x", be64(BigInt(T0 / 1000 - 5)) + "ffff"].map(f));
    expect(ctx.ring.peers().find((e) => e.publicKey[0] === 0x33)?.timestamp).toBe(T0 - 5000);
  });

  test("short timestamp: nothing recorded", async () => {
    const ctx = fakeContext();
    await handleRequest(ctx, ["testing", "R", "testing", asker, "0x", "0x00000000"].map(f));
    expect(ctx.ring.peers().length).toBe(1);
  });

  test("malformed key or listeners: not recorded, still answered like 8.2", async () => {
    const ctx = fakeContext();
    ctx.ring.addPeer(third, thirdListeners, 0n);
    const reply = await handleRequest(ctx, ["testing", "R", "testing", "0x" + "11".repeat(31), "0x13" + "00".repeat(10), be64(0n)].map(f));
    expect(show(reply)[0]).toBe("R");
    expect(ctx.ring.peers().length).toBe(2);
  });

  test("the asker and this node are never offered", async () => {
    const ctx = fakeContext();
    ctx.ring.addPeer(third, thirdListeners, 0n);
    for (let i = 0; i < 30; i++) {
      const reply = await handleRequest(ctx, ["testing", "R", "testing", asker, "0x", be64(0n)].map(f));
      expect(reply[2]![0]).toBe(0x22);
    }
    const own = await handleRequest(ctx, ["testing", "R", "testing", "0x" + "22".repeat(32), "0x", be64(0n)].map(f));
    expect(own[2]![0]).toBe(0x11);
  });
});

describe("context failures never escape", () => {
  const failures: [string, string[], (ctx: ReturnType<typeof fakeContext>) => void, string[]][] = [
    ["H header check fault", ["testing", "H", be64(5n)], (c) => (c.digestForBlock = () => { throw new Fault("invalid block header timestamp"); }), ["E", "invalid block header timestamp"]],
    ["H not-found fault", ["testing", "H", be64(5n)], (c) => (c.digestForBlock = () => { throw new Fault("block not found"); }), ["E", "block not found"]],
    ["H async rejection", ["testing", "H", be64(5n)], (c) => (c.digestForBlock = () => Promise.reject(new Error("disk"))), ["E", "block not found"]],
    ["B store error", ["testing", "B", be64(5n)], (c) => (c.getBlock = () => { throw new Error("disk"); }), ["E", "block not found"]],
    ["B async block", ["testing", "B", be64(5n)], (c) => (c.getBlock = async () => f("0x0102")), ["B", "0x0102"]],
    ["N height error", ["testing", "N"], (c) => (c.height = () => { throw new Error("closed"); }), ["E", "initialisation failed"]],
    ["I height error", ["testing", "I"], (c) => (c.height = () => { throw new Error("closed"); }), ["E", "initialisation failed"]],
    ["R announce error", ["testing", "R", "testing", "0x" + "11".repeat(32), "0x", be64(0n)], (c) => (c.ring.randomPeer = () => { throw new Error("bug"); }), ["E", "invalid public key"]],
  ];
  for (const [name, request, breakIt, reply] of failures) {
    test(name, async () => {
      const ctx = fakeContext();
      breakIt(ctx);
      const lines: string[] = [];
      const restoreSink = setLogSink((line) => lines.push(line));
      try {
        expect(show(await handleRequest(ctx, request.map(f)))).toEqual(show(reply.map(f)));
      } finally {
        restoreSink();
      }
      // A Fault is an answer like any other; anything else is logged in exactly one line.
      expect(lines.length).toBe(name.includes("fault") || name.includes("async block") ? 0 : 1);
    });
  }
});

test("other chains answer with their own name", async () => {
  const ctx = fakeContext({ chain: "bitmark" });
  expect(show(await handleRequest(ctx, ["testing", "N"].map(f)))).toEqual(["E", 'invalid chain: actual: "testing"  expect: bitmark']);
  expect(show(await handleRequest(ctx, ["bitmark", "I"].map(f)))).toEqual(["I", '{"version":"8.2","chain":"bitmark","normal":true,"height":1}']);
});
