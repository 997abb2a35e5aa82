/**
 * Interoperability with an independent CURVE client: pyzmq over the system libzmq (4.3.4, libsodium)
 * talking to our REP server with bitmarkd's client options (REQ_CORRELATE, REQ_RELAXED).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { setLogSink } from "../src/log.ts";
import { shutdown } from "../src/wire/context.ts";
import { curveKeyPair } from "../src/wire/curve.ts";
import { ReplyServer, type Frames } from "../src/wire/reply-server.ts";
import { RequestClient } from "../src/wire/request-client.ts";
import { pyzmqRequests, pyzmqSkipReason } from "./helpers/pyzmq.ts";

const skip = pyzmqSkipReason();
if (skip) console.warn(`skipping pyzmq interop tests: ${skip}`);

setLogSink(() => {});
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
