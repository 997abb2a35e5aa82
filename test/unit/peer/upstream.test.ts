/**
 * Upstream clients against fake listeners built on the wire layer (CURVE REP): registration replies of every
 * shape, height/digest polling, H/B fetches, pushes, timeouts — the client survives and a dead upstream never
 * holds up another one. Small timeouts here; production keeps bitmarkd's.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { isFault } from "../../../src/base/fault.ts";
import { setLogSink } from "../../../src/base/log.ts";
import { BroadcastQueue } from "../../../src/peer/broadcast.ts";
import { connectorConfig } from "../../../src/peer/sync/constants.ts";
import { RemoteError, type RequestTransport, Upstream } from "../../../src/peer/sync/upstream.ts";
import { shutdown } from "../../../src/transport/context.ts";
import { curveKeyPair } from "../../../src/transport/curve.ts";
import { ReplyServer } from "../../../src/transport/reply-server.ts";
import { RequestClient, RequestTimeoutError } from "../../../src/transport/request-client.ts";
import { until } from "../../support/until.ts";
import { ManualClock } from "../../../src/base/clock.ts";

afterAll(shutdown);

const te = new TextEncoder();
const td = new TextDecoder();
const b = (s: string) => te.encode(s);
const be64 = (n: number | bigint) => {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return out;
};
const cfg = connectorConfig({ timeoutMs: 400, upstreamPollMs: 150 });
const own = curveKeyPair();
const ownListeners = Uint8Array.from([7, 0x08, 0x58, 127, 0, 0, 1]);
const thirdKey = new Uint8Array(32).fill(9);
const thirdListeners = Uint8Array.from([7, 0x08, 0x59, 127, 0, 0, 2]);

type Frames = Uint8Array[];
type Answer = (cmd: string, frames: Frames) => Frames | Promise<Frames>;

/** Replies of a well-behaved 8.2 listener on chain `local` at height 7. */
const DIGEST7 = new Uint8Array(32).fill(0x77);
const goodPeer: Answer = (cmd, f) => {
  switch (cmd) {
    case "R":
      return [b("R"), b("local"), thirdKey, thirdListeners, be64(1_700_000_000)];
    case "N":
      return [b("N"), be64(7)];
    case "H":
      return td.decode(f[2]) === td.decode(be64(7)) ? [b("H"), DIGEST7] : [b("H"), new Uint8Array(32).fill(Number(new DataView(f[2]!.buffer, f[2]!.byteOffset).getBigUint64(0)))];
    case "B":
      return [b("B"), Uint8Array.from([1, 2, 3, f[2]![7]!])];
    default:
      return [b(cmd), b("A")];
  }
};

interface Fake {
  server: ReplyServer;
  key: Uint8Array;
  address: string;
  requests: Frames[];
  count(cmd: string): number;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function fakePeer(answer: Answer): Fake {
  const keys = curveKeyPair();
  const requests: Frames[] = [];
  const server = ReplyServer.open({
    addresses: ["127.0.0.1:0"],
    ...keys,
    handler: (frames) => {
      requests.push(frames);
      return answer(td.decode(frames[1] ?? new Uint8Array()), frames);
    },
  });
  cleanups.push(() => server.close());
  return {
    server,
    key: keys.publicKey,
    address: server.endpoints[0]!.replace("tcp://", ""),
    requests,
    count: (cmd) => requests.filter((f) => td.decode(f[1]) === cmd).length,
  };
}

/**
 * A RequestClient that counts reconnects (a new socket to the target it already has); `failNextConnect` makes
 * the next one fail the way libzmq running out of sockets or descriptors does: the old socket is gone already.
 */
class CountingTransport extends RequestClient implements RequestTransport {
  reconnects = 0;
  failNextConnect = false;
  override connect(address: string, serverKey: Uint8Array): void {
    if (address === this.address && this.serverKey !== undefined && Buffer.from(serverKey).equals(this.serverKey)) this.reconnects++;
    if (this.failNextConnect) {
      this.failNextConnect = false;
      this.close();
      throw new Error("zmq_socket: Too many open files");
    }
    super.connect(address, serverKey);
  }
}

function upstream(label: string, extra: { onPeer?: (k: Uint8Array, l: Uint8Array, t: bigint) => void; queue?: BroadcastQueue } = {}) {
  const transport = new CountingTransport(own);
  const u = new Upstream({
    label,
    chain: "local",
    transport,
    self: () => ({ publicKey: own.publicKey, listeners: ownListeners }),
    config: cfg,
    ...(extra.onPeer ? { onPeer: extra.onPeer } : {}),
    ...(extra.queue ? { broadcasts: extra.queue.subscribe(label, cfg.upstreamQueue) } : {}),
  });
  cleanups.push(() => u.close());
  return { u, transport };
}

describe("registration and polling", () => {
  test("registers, learns the third peer, polls N then H of that height", async () => {
    const peer = fakePeer(goodPeer);
    const learned: [Uint8Array, Uint8Array, bigint][] = [];
    const { u } = upstream("static@0", { onPeer: (k, l, t) => learned.push([k, l, t]) });
    u.connect(peer.address, peer.key);
    await until(() => u.registered && u.height === 7 && u.digest !== undefined);
    expect(u.digest).toEqual(DIGEST7);
    expect(learned).toEqual([[thirdKey, thirdListeners, 1_700_000_000n]]);
    const r = peer.requests.find((f) => td.decode(f[1]) === "R")!;
    expect(r.length).toBe(6);
    expect(td.decode(r[0])).toBe("local");
    expect(td.decode(r[2])).toBe("local");
    expect(r[3]).toEqual(own.publicKey);
    expect(r[4]).toEqual(ownListeners);
    expect(r[5]!.length).toBe(8);
    const ts = Number(new DataView(r[5]!.buffer, r[5]!.byteOffset).getBigUint64(0));
    expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(5);
    // registered once per connection; polls repeat on the fixed period
    await until(() => peer.count("N") >= 3);
    expect(peer.count("R")).toBe(1);
  });

  // Every bad registration reply: not registered, no throw, retried later.
  const badReplies: { name: string; reply: Frames; reconnects: boolean }[] = [
    { name: "E invalid public key (small network)", reply: [b("E"), b("invalid public key")], reconnects: false },
    { name: "frame 1 is another chain (8.2 panics)", reply: [b("R"), b("bitmark"), thirdKey, thirdListeners, be64(1)], reconnects: true },
    { name: "short timestamp (8.2 panics)", reply: [b("R"), b("local"), thirdKey, thirdListeners, Uint8Array.of(1, 2)], reconnects: true },
    { name: "too few frames", reply: [b("R"), b("local")], reconnects: true },
    { name: "one frame", reply: [b("R")], reconnects: true },
    { name: "unknown command", reply: [b("Q"), b("x")], reconnects: true },
  ];
  for (const t of badReplies)
    test(`bad R reply: ${t.name}`, async () => {
      let good = false;
      const peer = fakePeer((cmd, f) => (cmd === "R" && !good ? t.reply : goodPeer(cmd, f)));
      const learned: unknown[] = [];
      const { u, transport } = upstream("dynamic@0", { onPeer: (...a) => learned.push(a) });
      u.connect(peer.address, peer.key);
      await until(() => peer.count("R") >= 2); // retried at the next poll
      expect(u.registered).toBe(false);
      expect(peer.count("N")).toBe(0);
      expect(learned).toEqual([]);
      expect(transport.reconnects > 0).toBe(t.reconnects);
      good = true;
      await until(() => u.registered && u.height === 7);
    });

  const badPolls: { name: string; reply: Frames }[] = [
    { name: "E", reply: [b("E"), b("oops")] },
    { name: "short height", reply: [b("N"), Uint8Array.of(1)] },
    { name: "three frames", reply: [b("N"), be64(1), be64(2)] },
    { name: "wrong command", reply: [b("X"), be64(1)] },
  ];
  for (const t of badPolls)
    test(`bad N reply (${t.name}): unregistered, reconnected, registers again`, async () => {
      let bad = true;
      const peer = fakePeer((cmd, f) => (cmd === "N" && bad ? t.reply : goodPeer(cmd, f)));
      const { u, transport } = upstream("static@1");
      u.connect(peer.address, peer.key);
      await until(() => peer.count("N") >= 1 && transport.reconnects >= 1);
      expect(u.registered).toBe(false);
      expect(u.height).toBe(0);
      bad = false;
      await until(() => u.registered && u.height === 7);
      expect(peer.count("R")).toBeGreaterThanOrEqual(2);
    });

  test("a reconnect whose socket cannot be opened is made again at the next poll", async () => {
    let bad = true;
    const peer = fakePeer((cmd, f) => (cmd === "N" && bad ? [b("E"), b("oops")] : goodPeer(cmd, f)));
    const { u, transport } = upstream("static@4");
    u.connect(peer.address, peer.key);
    transport.failNextConnect = true;
    await until(() => peer.count("N") >= 1 && !transport.failNextConnect);
    expect(transport.address).toBeUndefined();
    bad = false;
    await until(() => u.registered && u.height === 7);
    expect(transport.address).toBe(peer.address);
  });

  test("a refused poll is logged with bitmarkd's text, the remote bytes quoted as Go's %q", async () => {
    const logged: string[] = [];
    const restoreSink = setLogSink((line) => logged.push(line), true);
    try {
      const peer = fakePeer((cmd, f) => (cmd === "N" ? [b("E"), Uint8Array.of(0xff, 0x78, 0x0a)] : goodPeer(cmd, f)));
      const { u, transport } = upstream("static@3");
      u.connect(peer.address, peer.key);
      await until(() => transport.reconnects >= 1);
      const failed = logged.map((l) => JSON.parse(l)).find((o) => o.msg === "height poll failed, reconnecting");
      expect(JSON.parse(failed.error)).toBe('rpc error response: "\\xffx\\n"');
    } finally {
      restoreSink();
    }
  });

  test("connecting to self is refused", () => {
    const { u } = upstream("static@2");
    let error: unknown;
    try {
      u.connect("127.0.0.1:1", own.publicKey);
    } catch (e) {
      error = e;
    }
    expect(isFault(error, "connecting to self forbidden")).toBe(true);
    expect(u.key).toBeUndefined();
  });

  test("reusing a slot for another peer forgets the old peer's state", async () => {
    const a = fakePeer(goodPeer);
    const silent = fakePeer(() => new Promise<Frames>(() => {}));
    const { u } = upstream("dynamic@1");
    u.connect(a.address, a.key);
    await until(() => u.registered);
    u.connect(silent.address, silent.key);
    expect(u.registered).toBe(false);
    expect(u.height).toBe(0);
    expect(u.isConnectedTo(silent.key)).toBe(true);
    expect(u.isConnectedTo(a.key)).toBe(false);
  });
});

describe("fetches", () => {
  test("H and B: data, E → remote text, bad shapes → invalid peer response", async () => {
    const peer = fakePeer((cmd, f) => {
      if (cmd !== "H" && cmd !== "B") return goodPeer(cmd, f);
      const n = f[2]![7]!;
      if (n === 9) return [b("E"), b("block not found")];
      if (n === 8) return [b(cmd), Uint8Array.of(1), Uint8Array.of(2)];
      if (cmd === "H" && n === 6) return [b("H"), Uint8Array.of(1, 2, 3)];
      return goodPeer(cmd, f);
    });
    const { u } = upstream("static@3");
    u.connect(peer.address, peer.key);
    expect(await u.getBlockDigest(5)).toEqual(new Uint8Array(32).fill(5));
    expect(await u.getBlockData(5)).toEqual(Uint8Array.of(1, 2, 3, 5));
    const failures: [Promise<unknown>, (e: unknown) => boolean][] = [
      [u.getBlockDigest(9), (e) => e instanceof RemoteError && e.message === "block not found"],
      [u.getBlockData(9), (e) => e instanceof RemoteError && e.message === "block not found"],
      [u.getBlockData(8), (e) => isFault(e, "invalid peer response")],
      [u.getBlockDigest(6), (e) => isFault(e, "invalid peer response")],
    ];
    for (const [p, ok] of failures) expect(ok(await p.then(() => "resolved", (e: unknown) => e))).toBe(true);
    expect(u.registered).toBe(true); // fetch errors do not unregister
  });

  test("a dead peer times out without holding up another upstream", async () => {
    const dead = fakePeer((cmd, f) => (cmd === "R" || cmd === "N" || cmd === "H" ? goodPeer(cmd, f) : new Promise<Frames>(() => {})));
    const live = fakePeer(goodPeer);
    const { u: slow } = upstream("dynamic@2");
    const { u: fast } = upstream("dynamic@3");
    slow.connect(dead.address, dead.key);
    fast.connect(live.address, live.key);
    await until(() => slow.registered && fast.registered);
    const started = Date.now();
    const stuck = slow.getBlockData(4).then(() => "resolved", (e: unknown) => e);
    const got: Uint8Array[] = [];
    for (let n = 2; n < 12; n++) got.push(await fast.getBlockData(n));
    expect(Date.now() - started).toBeLessThan(cfg.timeoutMs); // all done while the other one waits
    expect(got.length).toBe(10);
    expect(await stuck).toBeInstanceOf(RequestTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(cfg.timeoutMs - 20);
  });

  test("an unreachable listener: requests time out, nothing throws, registration keeps being retried", async () => {
    const gone = fakePeer(goodPeer);
    const { address, key } = gone;
    gone.server.close();
    const { u, transport } = upstream("static@4");
    u.connect(address, key);
    const started = Date.now();
    const e = await u.getBlockDigest(2).then(() => "resolved", (x: unknown) => x);
    expect(e).toBeInstanceOf(RequestTimeoutError);
    // behind at most the one registration attempt already on the wire: retries do not starve fetches
    expect(Date.now() - started).toBeLessThan(3 * cfg.timeoutMs);
    expect(u.registered).toBe(false);
    await until(() => transport.reconnects >= 2);
  });
});

describe("pushes", () => {
  test("broadcast items are pushed as [chain, command, params…] once registered", async () => {
    const queue = new BroadcastQueue();
    const peer = fakePeer(goodPeer);
    const { u, transport } = upstream("static@5", { queue });
    queue.send("transfer", [b("early")]); // not registered yet: dropped, as in 8.2
    u.connect(peer.address, peer.key);
    await until(() => u.registered);
    queue.send("peer", [b("k"), b("l"), be64(5)]);
    queue.send("block", [b("blk")]);
    await until(() => peer.count("block") === 1);
    const pushes = peer.requests.filter((f) => ["peer", "block", "transfer"].includes(td.decode(f[1])));
    expect(pushes.map((f) => f.map((x) => td.decode(x)))).toEqual([
      ["local", "peer", "k", "l", td.decode(be64(5))],
      ["local", "block", "blk"],
    ]);
    expect(transport.reconnects).toBe(0);
  });

  const badAcks: { name: string; reply: Frames }[] = [
    { name: "E", reply: [b("E"), b("no")] },
    { name: "other command", reply: [b("zzz"), b("A")] },
    { name: "one frame", reply: [b("assets")] },
  ];
  for (const t of badAcks)
    test(`push answered with ${t.name}: reconnect, still registered, next push goes out`, async () => {
      const queue = new BroadcastQueue();
      let bad = true;
      const peer = fakePeer((cmd, f) => (cmd === "assets" && bad ? t.reply : goodPeer(cmd, f)));
      const { u, transport } = upstream("static@6", { queue });
      u.connect(peer.address, peer.key);
      await until(() => u.registered);
      queue.send("assets", [b("a1")]);
      await until(() => transport.reconnects === 1);
      expect(u.registered).toBe(true);
      bad = false;
      queue.send("assets", [b("a2")]);
      await until(() => peer.count("assets") === 2);
    });

  test("busy broadcast traffic does not postpone height polls (8.2 starvation fixed)", async () => {
    const queue = new BroadcastQueue();
    const peer = fakePeer(goodPeer);
    const { u } = upstream("static@7", { queue });
    u.connect(peer.address, peer.key);
    await until(() => u.registered);
    const polls = peer.count("N");
    const end = Date.now() + 6 * cfg.upstreamPollMs;
    while (Date.now() < end) {
      queue.send("transfer", [b("x")]);
      await Bun.sleep(5);
    }
    expect(peer.count("transfer")).toBeGreaterThan(20);
    expect(peer.count("N") - polls).toBeGreaterThanOrEqual(4);
  });

  test("a slow peer's queue is bounded: items beyond it are dropped", async () => {
    const queue = new BroadcastQueue();
    let release: (() => void) | undefined;
    const gate = new Promise<void>((r) => (release = r));
    const peer = fakePeer(async (cmd, f) => {
      if (cmd === "issues") await gate;
      return goodPeer(cmd, f);
    });
    const sub = queue.subscribe("probe"); // a second subscriber that never reads: same bound
    const { u } = upstream("static@8", { queue });
    u.connect(peer.address, peer.key);
    await until(() => u.registered);
    for (let i = 0; i < 120; i++) queue.send("issues", [be64(i)]);
    release!();
    await until(() => peer.count("issues") >= cfg.upstreamQueue);
    await Bun.sleep(100);
    const n = peer.count("issues");
    expect(n).toBeGreaterThanOrEqual(cfg.upstreamQueue);
    expect(n).toBeLessThanOrEqual(cfg.upstreamQueue + 2); // the queue plus the one(s) already taken
    expect(sub.dropped).toBe(120 - cfg.upstreamQueue);
    sub.close();
  });
});

describe("issue 17: events for the connector, quick registration retries", () => {
  function observed(clock?: ManualClock) {
    const transport = new CountingTransport(own);
    const changes: { registered: boolean; height: number }[] = [];
    const replies: string[] = [];
    const u: Upstream = new Upstream({
      label: "static@0",
      chain: "local",
      transport,
      self: () => ({ publicKey: own.publicKey, listeners: ownListeners }),
      // polls an hour apart: whatever happens here is not a poll
      config: connectorConfig({ timeoutMs: 400, upstreamPollMs: 3_600_000 }),
      onChange: () => changes.push({ registered: u.registered, height: u.height }),
      onReply: (k) => replies.push(Buffer.from(k).toString("hex")),
      ...(clock ? { clock } : {}),
    });
    cleanups.push(() => u.close());
    return { u, changes, replies };
  }

  test("registration, height and digest are reported as they change; every reply names the peer as reached", async () => {
    const peer = fakePeer(goodPeer);
    const { u, changes, replies } = observed();
    u.connect(peer.address, peer.key);
    await until(() => u.digest !== undefined);
    expect(changes).toEqual([
      { registered: true, height: 0 },
      { registered: true, height: 7 },
    ]);
    expect(replies).toEqual(Array(3).fill(Buffer.from(peer.key).toString("hex"))); // R, N, H
    u.pollNow();
    await until(() => peer.count("N") === 2);
    await Bun.sleep(20);
    expect(changes.length).toBe(2); // same height and digest: no event
  });

  test("a refused registration (E: a reply, so the peer is reached) is retried after 0.5 s, then 1 s, …", async () => {
    let refuse = true;
    const peer = fakePeer((cmd, f) => (cmd === "R" && refuse ? [b("E"), b("invalid public key")] : goodPeer(cmd, f)));
    const clock = new ManualClock(Date.now());
    const { u, replies } = observed(clock);
    u.connect(peer.address, peer.key);
    await until(() => peer.count("R") === 1 && replies.length === 1);
    await Bun.sleep(20);
    clock.advance(499);
    await Bun.sleep(50);
    expect(peer.count("R")).toBe(1);
    clock.advance(1);
    await until(() => peer.count("R") === 2);
    await Bun.sleep(20);
    clock.advance(999);
    await Bun.sleep(50);
    expect(peer.count("R")).toBe(2);
    refuse = false;
    clock.advance(1);
    await until(() => u.registered && u.height === 7);
    expect(peer.count("R")).toBe(3);
  });
});
