/** CURVE REQ/REP over real TCP sockets on 127.0.0.1 and [::1]: round trips, limits, failures, client life cycle. */
import { afterAll, describe, expect, test } from "bun:test";
import { isFault } from "../../../src/base/fault.ts";
import { setLogSink } from "../../../src/base/log.ts";
import { shutdown } from "../../../src/transport/context.ts";
import { curveKeyPair } from "../../../src/transport/curve.ts";
import { ReplyServer, type Frames, type RequestHandler } from "../../../src/transport/reply-server.ts";
import { RequestClient, RequestTimeoutError } from "../../../src/transport/request-client.ts";
import { until } from "../../support/until.ts";

const logs: string[] = [];
afterAll(setLogSink((line) => logs.push(line)));
afterAll(shutdown);

const serverKeys = curveKeyPair();
const clientKeys = curveKeyPair();
const text = (frames: Frames) => frames.map((f) => Buffer.from(f).toString());
const utf8 = (...s: string[]) => s.map((x) => new Uint8Array(Buffer.from(x)));
const echo: RequestHandler = (frames) => [...utf8("echo"), ...frames];

function open(handler: RequestHandler, addresses = ["127.0.0.1:0"]): ReplyServer {
  return ReplyServer.open({ addresses, ...serverKeys, handler });
}

/** `host:port` of a bound endpoint (tcp://h:p → h:p). */
const addressOf = (endpoint: string) => endpoint.replace("tcp://", "");

function client(server: ReplyServer, index = 0, serverKey = serverKeys.publicKey): RequestClient {
  const c = new RequestClient(clientKeys);
  c.connect(addressOf(server.endpoints[index]!), serverKey);
  return c;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}

describe("round trip", () => {
  for (const address of ["127.0.0.1:0", "[::1]:0"]) {
    test(address, async () => {
      const server = open(echo, [address]);
      const c = client(server);
      expect(text(await c.request(utf8("bitmark", "N"), 2000))).toEqual(["echo", "bitmark", "N"]);
      await until(() => server.connections === 1, 2000);
      c.close();
      await until(() => server.connections === 0, 2000);
      server.close();
    });
  }

  test("IPv4 and IPv6 sockets of one server", async () => {
    const server = open(echo, ["127.0.0.1:0", "[::1]:0"]);
    expect(server.endpoints[0]).toStartWith("tcp://127.0.0.1:");
    expect(server.endpoints[1]).toStartWith("tcp://[::1]:");
    const [a, b] = [client(server, 0), client(server, 1)];
    const replies = await Promise.all([a.request(utf8("v4"), 2000), b.request(utf8("v6"), 2000)]);
    expect(replies.map(text)).toEqual([["echo", "v4"], ["echo", "v6"]]);
    await until(() => server.connections === 2, 2000);
    a.close();
    b.close();
    server.close();
  });

  test("an IPv6 wildcard listener is dual-stack", async () => {
    const server = open(echo, ["[::]:0"]);
    const port = server.endpoints[0]!.split(":").pop();
    const c = new RequestClient(clientKeys);
    c.connect(`127.0.0.1:${port}`, serverKeys.publicKey);
    expect(text(await c.request(utf8("v4 on v6"), 2000))).toEqual(["echo", "v4 on v6"]);
    c.close();
    server.close();
  });

  test("signals during traffic interrupt nothing", async () => {
    let signals = 0;
    const onSignal = () => signals++;
    process.on("SIGUSR2", onSignal);
    const server = open(echo);
    const c = client(server);
    const timer = setInterval(() => process.kill(process.pid, "SIGUSR2"), 1);
    try {
      for (let i = 0; i < 300; i++) expect(text(await c.request(utf8(`${i}`), 2000))).toEqual(["echo", `${i}`]);
    } finally {
      clearInterval(timer);
      process.off("SIGUSR2", onSignal);
    }
    expect(signals).toBeGreaterThan(0);
    c.close();
    server.close();
  });

  test("multipart with empty frames and a 4 MB frame", async () => {
    const big = new Uint8Array(4 * 1024 * 1024).map((_, i) => (i * 7) & 0xff);
    const server = open((frames) => frames);
    const c = client(server);
    const cases: Frames[] = [
      [new Uint8Array(0)],
      [new Uint8Array(0), ...utf8("middle"), new Uint8Array(0)],
      [...utf8("x"), big, new Uint8Array(0)],
    ];
    for (const frames of cases) {
      const reply = await c.request(frames, 5000);
      expect(reply.map((f) => f.length)).toEqual(frames.map((f) => f.length));
      expect(reply.every((f, i) => Buffer.from(f).equals(Buffer.from(frames[i]!)))).toBe(true);
    }
    c.close();
    server.close();
  });
});

describe("limits and failures", () => {
  test("a frame above MAXMSGSIZE drops that connection; others are still served", async () => {
    const seen: number[] = [];
    const server = open((frames) => {
      seen.push(frames[0]!.length);
      return utf8("ok");
    });
    const [big, other] = [client(server), client(server)];
    // On the wire a CURVE message frame is 33 bytes longer than its payload (MESSAGE command, nonce, MAC,
    // flags) and libzmq checks MAXMSGSIZE against the wire frame.
    const cases: [number, boolean][] = [
      [5_000_000 - 33, true],
      [5_000_000 - 32, false],
      [5_000_001, false],
    ];
    for (const [size, served] of cases) {
      const p = big.request([new Uint8Array(size)], 700);
      if (served) expect(text(await p)).toEqual(["ok"]);
      else expect(await rejection(p)).toBeInstanceOf(RequestTimeoutError);
      expect(text(await other.request(utf8("small"), 2000))).toEqual(["ok"]);
    }
    expect(seen).toEqual([5_000_000 - 33, 5, 5, 5]);
    // The dropped client's socket re-dials by itself and can be served again.
    expect(text(await big.request(utf8("again"), 2000))).toEqual(["ok"]);
    big.close();
    other.close();
    server.close();
  });

  test("wrong server key: no reply (send phase times out) while another client is served", async () => {
    const server = open(echo);
    const wrong = client(server, 0, clientKeys.publicKey);
    const good = client(server);
    const wrongReply = wrong.request(utf8("x"), 400);
    const goodReplies = await Promise.all([1, 2, 3].map((i) => good.request(utf8(`${i}`), 2000)));
    expect(goodReplies.map(text)).toEqual([["echo", "1"], ["echo", "2"], ["echo", "3"]]);
    const e = await rejection(wrongReply);
    expect(e).toBeInstanceOf(RequestTimeoutError);
    expect((e as RequestTimeoutError).message).toBe("resource temporarily unavailable");
    expect((e as RequestTimeoutError).phase).toBe("send");
    wrong.close();
    good.close();
    server.close();
  });

  test("a failing handler is answered with the fallback and the server keeps serving", async () => {
    const behaviours: Record<string, () => Frames | Promise<Frames>> = {
      throw: () => {
        throw new Error("boom");
      },
      reject: () => Promise.reject(new Error("async boom")),
      empty: () => [],
      junk: () => ["not bytes"] as unknown as Frames,
      ok: () => utf8("fine"),
    };
    const server = ReplyServer.open({
      addresses: ["127.0.0.1:0"],
      ...serverKeys,
      handler: (frames) => behaviours[text(frames)[0]!]!(),
      fallbackReply: utf8("E", "internal"),
    });
    const c = client(server);
    for (const name of ["throw", "reject", "empty", "junk", "ok"]) {
      const want = name === "ok" ? ["fine"] : ["E", "internal"];
      expect(text(await c.request(utf8(name), 2000))).toEqual(want);
    }
    expect(logs.some((l) => l.includes("request handler failed") && l.includes("boom"))).toBe(true);
    c.close();
    server.close();
  });

  test("a slow async handler on one socket does not hold up the other family", async () => {
    const server = open(
      async (frames) => {
        if (text(frames)[0] === "slow") await Bun.sleep(300);
        return frames;
      },
      ["127.0.0.1:0", "[::1]:0"],
    );
    const [v4, v6] = [client(server, 0), client(server, 1)];
    const started = Date.now();
    const slow = v4.request(utf8("slow"), 2000);
    expect(text(await v6.request(utf8("fast"), 2000))).toEqual(["fast"]);
    expect(Date.now() - started).toBeLessThan(250);
    expect(text(await slow)).toEqual(["slow"]);
    v4.close();
    v6.close();
    server.close();
  });

  test("binding an address in use throws and leaves the first server working", async () => {
    const first = open(echo);
    const port = first.endpoints[0]!.split(":").pop();
    expect(() => open(echo, ["[::1]:0", `127.0.0.1:${port}`])).toThrow("Address already in use");
    const c = client(first);
    expect(text(await c.request(utf8("still"), 2000))).toEqual(["echo", "still"]);
    c.close();
    first.close();
  });
});

describe("request client", () => {
  test("not connected", async () => {
    const c = new RequestClient(clientKeys);
    const e = await rejection(c.request(utf8("x")));
    expect(isFault(e, "not connected")).toBe(true);
    expect(() => c.reconnect()).toThrow("not connected");
  });

  test("requests queue and complete in order", async () => {
    const server = open(async (frames) => {
      await Bun.sleep(Number(text(frames)[0]));
      return frames;
    });
    const c = client(server);
    const order: string[] = [];
    const all = ["30", "0", "10"].map((d) => c.request(utf8(d), 2000).then((r) => order.push(text(r)[0]!)));
    await Promise.all(all);
    expect(order).toEqual(["30", "0", "10"]);
    c.close();
    server.close();
  });

  test("after a receive timeout the next request gets its own reply, not the late one", async () => {
    const server = open(async (frames) => {
      if (text(frames)[0] === "late") await Bun.sleep(250);
      return frames;
    });
    const c = client(server);
    const e = await rejection(c.request(utf8("late"), 100));
    expect((e as RequestTimeoutError).phase).toBe("receive");
    await Bun.sleep(250); // the late reply reaches the client meanwhile
    expect(text(await c.request(utf8("next"), 2000))).toEqual(["next"]);
    c.close();
    server.close();
  });

  test("reconnect uses a new socket and identity; queued requests survive it", async () => {
    const server = open(echo);
    const c = client(server);
    expect(text(await c.request(utf8("a"), 2000))).toEqual(["echo", "a"]);
    const before = c.identity!;
    expect(before.length).toBe(32);
    c.reconnect();
    expect(Buffer.from(c.identity!).equals(Buffer.from(before))).toBe(false);
    expect(text(await c.request(utf8("b"), 2000))).toEqual(["echo", "b"]);
    c.close();
    server.close();
  });

  test("close rejects what is in flight and queued", async () => {
    const server = open(async (frames) => {
      await Bun.sleep(200);
      return frames;
    });
    const c = client(server);
    const inFlight = c.request(utf8("1"), 2000);
    const queued = c.request(utf8("2"), 2000);
    await Bun.sleep(50);
    c.close();
    for (const p of [inFlight, queued]) expect(isFault(await rejection(p), "not connected")).toBe(true);
    expect(c.address).toBeUndefined();
    server.close();
  });
});

test("shutdown closes everything; a fresh context works afterwards", async () => {
  const server = open(echo);
  const c = client(server);
  await c.request(utf8("x"), 2000);
  const pending = rejection(c.request(utf8("in flight"), 2000));
  const started = Date.now();
  const done = shutdown();
  expect(() => open(echo)).toThrow("wire: shutting down");
  await done;
  expect(Date.now() - started).toBeLessThan(1000);
  expect(isFault(await pending, "not connected")).toBe(true);
  expect(isFault(await rejection(c.request(utf8("y"))), "not connected")).toBe(true);
  const again = open(echo);
  const c2 = client(again);
  expect(text(await c2.request(utf8("z"), 2000))).toEqual(["echo", "z"]);
});
