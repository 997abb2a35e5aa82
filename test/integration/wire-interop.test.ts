/**
 * Interoperability with independent CURVE peers: pyzmq over the system libzmq (4.3.4, libsodium)
 * as a client of our REP server (bitmarkd client options: REQ_CORRELATE, REQ_RELAXED) and as a REP/ROUTER
 * server for our REQ client.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { setLogSink } from "../../src/base/log.ts";
import { shutdown } from "../../src/transport/context.ts";
import { curveKeyPair } from "../../src/transport/curve.ts";
import { ReplyServer, type Frames } from "../../src/transport/reply-server.ts";
import { RequestClient } from "../../src/transport/request-client.ts";
import { pyzmqRequests, pyzmqServer, pyzmqSkipReason } from "../support/pyzmq.ts";

const skip = pyzmqSkipReason();
if (skip) console.warn(`skipping pyzmq interop tests: ${skip}`);

afterAll(setLogSink(() => {}));
afterAll(shutdown);

const keys = curveKeyPair();
const b = (s: string) => new Uint8Array(Buffer.from(s));
const hex = (frames: Frames | "timeout") => (frames === "timeout" ? frames : frames.map((f) => Buffer.from(f).toString("hex")));

/** Replies `["R", …request frames reversed]`, so order and empty frames are visible. */
const handler = (frames: Frames): Frames => [b("R"), ...frames.toReversed()];

describe.skipIf(skip !== undefined)("pyzmq client", () => {
  for (const address of ["127.0.0.1:0", "[::1]:0"]) {
    test(`exact replies over ${address}`, async () => {
      const server = ReplyServer.open({ addresses: [address], ...keys, handler });
      const requests: Frames[] = [
        [b("bitmark"), b("N")],
        [new Uint8Array(0)],
        [b("a"), new Uint8Array(0), b("c")],
        [new Uint8Array(100_000).fill(0xab)],
      ];
      const { replies, zmqVersion } = await pyzmqRequests({ address: server.endpoints[0]!, serverKey: keys.publicKey, requests, timeoutMs: 3000 });
      expect(zmqVersion).toMatch(/^4\./);
      expect(replies.map(hex)).toEqual(requests.map((r) => hex(handler(r))));
      server.close();
    });
  }

  test("wrong server key times out while our own client keeps being served", async () => {
    const server = ReplyServer.open({ addresses: ["127.0.0.1:0"], ...keys, handler });
    const ours = new RequestClient(curveKeyPair());
    ours.connect(server.endpoints[0]!.replace("tcp://", ""), keys.publicKey);
    const wrongKey = curveKeyPair().publicKey;
    const py = pyzmqRequests({ address: server.endpoints[0]!, serverKey: wrongKey, requests: [[b("x")]], timeoutMs: 500 });
    for (let i = 0; i < 5; i++) expect(hex(await ours.request([b(`${i}`)], 2000))).toEqual(hex(handler([b(`${i}`)])));
    expect((await py).replies).toEqual(["timeout"]);
    // The same python client with the right key is accepted: any client key is allowed.
    const ok = await pyzmqRequests({ address: server.endpoints[0]!, serverKey: keys.publicKey, requests: [[b("y")]], timeoutMs: 3000 });
    expect(ok.replies.map(hex)).toEqual([hex(handler([b("y")]))]);
    ours.close();
    server.close();
  });

  test("a plain REQ client (no correlate, no relaxed) is served too", async () => {
    const server = ReplyServer.open({ addresses: ["127.0.0.1:0"], ...keys, handler });
    const { replies } = await pyzmqRequests({ address: server.endpoints[0]!, serverKey: keys.publicKey, requests: [[b("p")], [b("q")]], correlate: false, relaxed: false });
    expect(replies.map(hex)).toEqual([hex(handler([b("p")])), hex(handler([b("q")]))]);
    server.close();
  });
});

describe.skipIf(skip !== undefined)("pyzmq server", () => {
  for (const bind of ["tcp://127.0.0.1:*", "tcp://[::1]:*"]) {
    test(`our client against a pyzmq REP over ${bind}`, async () => {
      const server = await pyzmqServer({ bind, secretKey: keys.secretKey, count: 2 });
      const c = new RequestClient(curveKeyPair());
      c.connect(server.endpoint.replace("tcp://", ""), keys.publicKey);
      const requests: Frames[] = [[b("bitmark"), b("I")], [new Uint8Array(0), b("z"), new Uint8Array(0)]];
      for (const r of requests) expect(hex(await c.request(r, 3000))).toEqual(hex(handler(r)));
      expect((await server.requests).map(hex)).toEqual(requests.map(hex));
      c.close();
    });
  }

  test("the envelope on the wire: 32-byte identity, 4-byte request id, empty delimiter", async () => {
    const server = await pyzmqServer({ bind: "tcp://127.0.0.1:*", secretKey: keys.secretKey, count: 2, socket: "router" });
    const c = new RequestClient(curveKeyPair());
    c.connect(server.endpoint.replace("tcp://", ""), keys.publicKey);
    for (const r of [[b("first")], [b("second")]]) expect(hex(await c.request(r, 3000))).toEqual(hex(handler(r)));
    const seen = await server.requests;
    for (const [i, frames] of seen.entries()) {
      expect(frames.map((f) => f.length)).toEqual([32, 4, 0, i === 0 ? 5 : 6]);
      expect(Buffer.from(frames[0]!).equals(Buffer.from(c.identity!))).toBe(true);
    }
    // libzmq increments the request id per request (host byte order).
    const ids = seen.map((f) => Buffer.from(f[1]!).readUInt32LE(0));
    expect(ids[1]).toBe((ids[0]! + 1) >>> 0);
    c.close();
  });
});
