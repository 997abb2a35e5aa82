/**
 * The plain (no CURVE) sockets of the payment discovery source: a keyless RequestClient and the Subscriber.
 * Their traffic against an independent pyzmq proxy is tested in test/integration/payment-discovery.test.ts;
 * here the argument rules and a round trip between the two plain sockets and a plain REP/PUB pair.
 */
import { afterAll, expect, test } from "bun:test";
import { curveKeyPair } from "../../../src/transport/curve.ts";
import { shutdown } from "../../../src/transport/context.ts";
import { POLLIN, SocketType } from "../../../src/transport/libzmq.ts";
import { RequestClient } from "../../../src/transport/request-client.ts";
import { Socket } from "../../../src/transport/socket.ts";
import { Subscriber } from "../../../src/transport/subscriber.ts";
import { until } from "../../support/until.ts";

afterAll(() => shutdown());

const te = new TextEncoder();
const td = new TextDecoder();

test("a keyless client takes no server key; a CURVE client needs one", () => {
  expect(() => new RequestClient().connect("127.0.0.1:1", new Uint8Array(32))).toThrow("a plain client takes no server key");
  expect(() => new RequestClient(curveKeyPair()).connect("127.0.0.1:1")).toThrow("server key must be 32 bytes");
  expect(() => Subscriber.open({ address: "localhost:1", onMessage: () => {}, onConnected: () => {} })).toThrow("invalid IP Address");
});

test("plain REQ and SUB talk to plain REP and PUB; SUB reports its connection", async () => {
  const rep = new Socket(SocketType.REP);
  const pub = new Socket(SocketType.PUB);
  rep.bind("tcp://127.0.0.1:*");
  pub.bind("tcp://127.0.0.1:*");
  const received: string[][] = [];
  let connected = 0;
  const sub = Subscriber.open({
    address: pub.lastEndpoint().replace("tcp://", ""),
    onMessage: (f) => received.push(f.map((x) => td.decode(x))),
    onConnected: () => connected++,
  });
  const req = new RequestClient();
  req.connect(rep.lastEndpoint().replace("tcp://", ""));
  rep.watch(() => {
    while (rep.events() & POLLIN) {
      const m = rep.recvMessage();
      if (m === null) return;
      rep.sendMessage([te.encode("R"), ...m]);
    }
  });
  const reply = await req.request([te.encode("BTC"), te.encode("123")], 5000);
  expect(reply.map((f) => td.decode(f))).toEqual(["R", "BTC", "123"]);
  await until(() => connected === 1, 5000);
  await until(() => {
    pub.sendMessage([te.encode("LTC"), te.encode("{}")]);
    return received.length > 0;
  }, 5000);
  expect(received[0]).toEqual(["LTC", "{}"]);
  req.close();
  sub.close();
  rep.close();
  pub.close();
});
