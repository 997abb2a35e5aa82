/**
 * The listener on real CURVE sockets, queried by the independent pyzmq client (test/helpers/pyzmq.ts) the way
 * bitmarkd's upstream client does (REQ_CORRELATE + REQ_RELAXED): every observed 8.2 reply, every broadcast
 * command, malformed requests, both address families, the message-size limit, and a client with the wrong
 * server key (no reply) while another client is served.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { PeerListener } from "../../../src/peer/listener/server.ts";
import { type CurveKeyPair, curveKeyPair } from "../../../src/transport/curve.ts";
import { shutdown } from "../../../src/transport/context.ts";
import { quietLogsWhileRunning } from "../../support/harness/profile.ts";
import { pyzmqRequests, pyzmqSkipReason } from "../../support/pyzmq.ts";
import { fakeContext, type FakeContext, T0 } from "../../support/listener-context.ts";
import { ASKER_KEY, be64, frame, OBSERVED, show } from "../../support/listener-rows.ts";

const skip = pyzmqSkipReason();
let keys: CurveKeyPair;
let ctx: FakeContext;
let listener: PeerListener;
let v4: string;
let v6: string;

quietLogsWhileRunning("error");
beforeAll(() => {
  if (skip) return;
  keys = curveKeyPair();
  ctx = fakeContext();
  listener = PeerListener.open({ listen: ["127.0.0.1:0", "[::1]:0"], keys, context: ctx });
  [v4, v6] = listener.endpoints as [string, string];
});

afterAll(async () => {
  if (skip) return;
  listener.close();
  await shutdown();
});

async function ask(address: string, requests: string[][], options: { serverKey?: Uint8Array; timeoutMs?: number } = {}) {
  const client = curveKeyPair();
  const { replies } = await pyzmqRequests({
    address,
    serverKey: options.serverKey ?? keys.publicKey,
    publicKey: client.publicKey,
    secretKey: client.secretKey,
    requests: requests.map((r) => r.map(frame)),
    timeoutMs: options.timeoutMs ?? 5000,
  });
  return replies.map((r) => (r === "timeout" ? r : show(r)));
}

describe.skipIf(skip !== undefined)("listener over CURVE (pyzmq client)", () => {
  test("endpoints: one IPv4 and one IPv6 socket", () => {
    expect(v4).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(v6).toMatch(/^tcp:\/\/\[::1\]:\d+$/);
  });

  test("every observed 8.2 reply, frame for frame", async () => {
    const replies = await ask(v4, OBSERVED.map((r) => r.request));
    expect(replies).toEqual(OBSERVED.map((r) => show(r.reply.map(frame))));
  });

  test("R with a third peer: the 8.2 reply frames", async () => {
    const third = new Uint8Array(32).fill(0x33);
    const listeners = frame("0x1356780000000000000000000000ffff7f000002");
    ctx.ring.addPeer(third, listeners, BigInt(T0 / 1000 - 10));
    const [reply] = await ask(v6, [["testing", "R", "testing", ASKER_KEY, "0x", be64(BigInt(T0 / 1000))]]);
    expect(reply).toEqual(show(["R", "testing", "0x" + "33".repeat(32), "0x1356780000000000000000000000ffff7f000002", be64(BigInt(T0 / 1000 - 10))].map(frame)));
  });

  test("every broadcast command is acknowledged and handed over", async () => {
    ctx.pushes.length = 0;
    const pushes: string[][] = [
      ["testing", "block", "0x0102"],
      ["testing", "assets", "0x02"],
      ["testing", "issues", "0x03", "0x00"],
      ["testing", "transfer", "0x04"],
      ["testing", "proof", "0x05"],
      ["testing", "rpc", "0x" + "ab".repeat(32), "0x", be64(1n)],
      ["testing", "peer", "0x" + "44".repeat(32), "0x", be64(1n)],
      ["testing", "heart", "beat"],
      ["testing", "updatetime", "0x01"],
    ];
    const replies = await ask(v4, pushes);
    expect(replies).toEqual(pushes.map((p) => show([p[1]!, "A"].map(frame))));
    expect(ctx.pushes.map((p) => [p.command, ...show(p.parameters)])).toEqual(pushes.map((p) => [p[1]!, ...show(p.slice(2).map(frame))]));
  });

  test("malformed requests get 8.2's answers, inputs that crash 8.2 get an answer", async () => {
    const requests = [
      ["0x"],
      ["0x", "0x"],
      ["0x74650a22ff5c", "N"],
      ["testing", "R", "testing", ASKER_KEY, "0x13ffff", "0x0102"],
      ["testing", "peer", ASKER_KEY, "0x13ffff", "0x01"],
      ["testing", "rpc", ASKER_KEY, "0x", "0x"],
      ["testing", "N"],
    ];
    expect(await ask(v4, requests)).toEqual([
      ["E", "packet too short"],
      ["E", 'invalid chain: actual: ""  expect: testing'],
      ["E", 'invalid chain: actual: "te\\n\\"\\xff\\\\"  expect: testing'],
      ["E", "missing parameters"],
      ["peer", "A"],
      ["rpc", "A"],
      ["N", be64(1n)],
    ]);
  });

  // MAXMSGSIZE 5 000 000 applies to the frame as it travels, i.e. CURVE-encrypted: 33 bytes of MESSAGE command,
  // nonce and MAC come on top of the application frame (libzmq 4.3; bitmarkd sets the same option).
  test("frames up to 5 000 000 bytes on the wire are accepted; a bigger one gets no reply and the node keeps serving", async () => {
    const largest = "0x" + "00".repeat(5_000_000 - 33);
    expect(await ask(v4, [["testing", "assets", largest]])).toEqual([["assets", "A"]]);
    const tooBig = "0x" + "00".repeat(5_000_000 - 32);
    expect(await ask(v4, [["testing", "assets", tooBig]], { timeoutMs: 1500 })).toEqual(["timeout"]);
    expect(await ask(v4, [["testing", "N"]])).toEqual([["N", be64(1n)]]);
  }, 30_000);

  test("wrong server key: no reply, while another client is served", async () => {
    const wrongKey = curveKeyPair().publicKey;
    const [wrong, right] = await Promise.all([
      ask(v4, [["testing", "N"]], { serverKey: wrongKey, timeoutMs: 2000 }),
      ask(v6, [["testing", "I"], ["testing", "N"]]),
    ]);
    expect(wrong).toEqual(["timeout"]);
    expect(right).toEqual([["I", '{"version":"8.2","chain":"testing","normal":true,"height":1}'], ["N", be64(1n)]]);
  }, 20_000);

  test("incoming connections are counted while a request is in progress", async () => {
    let release = () => {};
    let seen = -1;
    ctx.getBlock = () =>
      new Promise((resolve) => {
        seen = listener.connections;
        release = () => resolve(frame("0x0203"));
      });
    const pending = ask(v4, [["testing", "B", be64(2n)]]);
    for (let i = 0; i < 400 && seen < 0; i++) await Bun.sleep(5);
    expect(seen).toBeGreaterThanOrEqual(1);
    release();
    expect(await pending).toEqual([["B", "0x0203"]]);
    for (let i = 0; i < 100 && listener.connections > 0; i++) await Bun.sleep(20);
    expect(listener.connections).toBe(0);
  });
});

test("an empty listen list is invalid length", () => {
  expect(() => PeerListener.open({ listen: [], keys: { publicKey: new Uint8Array(32), secretKey: new Uint8Array(32) }, context: fakeContext() })).toThrow("invalid length");
});
