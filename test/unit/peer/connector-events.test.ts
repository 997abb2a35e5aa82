/**
 * The event-driven connector (issue 17) with real Upstream clients over the in-memory network of
 * connector-fakes.ts and a manual clock that is never advanced unless a test says so: no cycle timer and no
 * height poll ever fires, so everything that happens is driven by events (registrations, height replies,
 * pushed blocks, finished batches).
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { ManualClock } from "../../../src/base/clock.ts";
import { setLogSink } from "../../../src/base/log.ts";
import { ModeState } from "../../../src/base/mode.ts";
import { packConnection, parseConnection } from "../../../src/peer/address.ts";
import { Connector } from "../../../src/peer/sync/connector.ts";
import { connectorConfig, type ConnectorConfig } from "../../../src/peer/sync/constants.ts";
import { SyncProgress } from "../../../src/peer/sync/progress.ts";
import type { RequestTransport } from "../../../src/peer/sync/upstream.ts";
import { type Block, FakeHasher, FakeNet, FakePeer, FakeStore, key, makeChain } from "../../support/connector-fakes.ts";
import { until } from "../../support/until.ts";

const OWN = { publicKey: key(0), secretKey: new Uint8Array(32).fill(1) };
const lines: string[] = [];
afterAll(setLogSink((l) => lines.push(l), false));

const running: Connector[] = [];
afterEach(async () => {
  for (const c of running.splice(0)) await c.stop();
  lines.length = 0;
});

/** A clock whose timers are counted when they fire (none fire unless the test advances it). */
class CountingClock extends ManualClock {
  fired = 0;
  override setTimer(ms: number, fn: () => void): () => void {
    return super.setTimer(ms, () => {
      this.fired++;
      fn();
    });
  }
}

const A = makeChain(30, 0xa);

/** `delayN(address)`: milliseconds added before that peer's `N` replies. */
function setup(chains: Block[][], local: Block[] = [], over: Partial<ConnectorConfig> = {}, delayN: (address: string) => number = () => 0) {
  const net = new FakeNet();
  const transport = (): RequestTransport => {
    const t = net.transport();
    let address = "";
    return {
      connect: (a, k) => ((address = a), t.connect(a, k)),
      close: () => t.close(),
      async request(frames, timeoutMs) {
        if (new TextDecoder().decode(frames[1]) === "N") await Bun.sleep(delayN(address));
        return t.request(frames, timeoutMs);
      },
    };
  };
  const peers = chains.map((c, i) => net.add(`127.0.0.1:${4000 + i}`, new FakePeer(key(i + 1), c)));
  const store = new FakeStore(local);
  const mode = new ModeState();
  const clock = new CountingClock(1_700_000_000_000);
  const reached: number[] = [];
  const progress = new SyncProgress({ tty: false, now: () => clock.now() });
  const connector = new Connector({
    chain: "local",
    // the production cycle and poll: nothing here waits for them
    config: connectorConfig({ timeoutMs: 300, dynamicClients: 2, hedgeAfterMs: 50, ...over }),
    keys: OWN,
    listeners: () => new Uint8Array(),
    statics: peers.map((p, i) => ({ publicKey: p.key, address: `127.0.0.1:${4000 + i}` })),
    store,
    hash: new FakeHasher(),
    mode,
    announce: { addPeer: () => true, reconnect: () => {}, reached: (k) => void reached.push(k[0]!) },
    transport,
    clock,
    progress,
  });
  running.push(connector);
  return { net, peers, store, mode, clock, connector, reached, progress };
}

describe("event-driven synchronisation (no timer ever fires)", () => {
  test("a fresh node with three upstreams reaches their height and Normal on registrations and height replies alone", async () => {
    const s = setup([A, A, A]);
    s.connector.start();
    await until(() => s.mode.isNormal(), 5000);
    expect(s.store.sameAs(A)).toBe(true);
    expect(s.connector.state.name).toBe("Sampling");
    expect(s.clock.fired).toBe(0);
    // every upstream answered, and each answer was reported for the peer table's hygiene
    expect(new Set(s.reached)).toEqual(new Set([0x11, 0x12, 0x13]));
    expect(s.progress.phaseSnapshot()?.phase).toBe("Normal");
    const phases = lines.filter((l) => l.includes("sync phase")).map((l) => /phase=("[^"]+"|\S+)/.exec(l)![1]);
    expect(phases).toEqual(["registering", '"choosing chain"', "fetching", "verifying", "Normal"]);
  });

  test("the rule of three stays: two registered upstreams are not enough, the third registration is", async () => {
    const s = setup([A, A, A]);
    s.peers[2]!.down = true;
    s.connector.start();
    await until(() => s.connector.status().registered === 2, 5000);
    await Bun.sleep(50);
    expect(s.connector.state.name).toBe("Connecting");
    expect(s.mode.isNormal()).toBe(false);
    s.peers[2]!.down = false;
    // the failed registration is retried after REGISTER_RETRY_MS (the first request times out after 300 ms)
    await Bun.sleep(350);
    s.clock.advance(500);
    await until(() => s.mode.isNormal(), 5000);
    expect(s.store.sameAs(A)).toBe(true);
  });

  test("the vote waits for every registered upstream's height: the majority wins, not the first to answer", async () => {
    const B = makeChain(35, 0xb, A, 20);
    // the minority peer (B, higher) answers N at once, the two majority peers (A) 200 ms later
    const s = setup([B, A, A], A.slice(0, 10), {}, (address) => (address.endsWith(":4000") ? 0 : 200));
    s.connector.start();
    await until(() => s.mode.isNormal(), 5000);
    expect(s.store.sameAs(A)).toBe(true);
    expect(lines.filter((l) => l.includes("chain chosen"))).toEqual([expect.stringMatching(/height=30 .*votes=2/), expect.stringMatching(/height=30 .*votes=2/)]);
    expect(s.peers[0]!.count("B")).toBe(0);
    expect(s.clock.fired).toBe(0);
  });

  test("a height change of an upstream wakes the connector: new blocks are fetched at once", async () => {
    const s = setup([A.slice(0, 20), A.slice(0, 20), A.slice(0, 20)], [], { cycleMs: 3_600_000 });
    s.connector.start();
    await until(() => s.mode.isNormal() && s.store.height() === 21, 5000);
    for (const p of s.peers) p.chain = A;
    // the upstreams' next poll (30 s) is the only timer that fires; the connector's cycle (an hour here) does not
    s.clock.advance(30_000);
    await until(() => s.store.height() === 30, 5000);
    expect(s.store.sameAs(A)).toBe(true);
    expect(s.clock.fired).toBe(3);
  });

  test("a pushed block ahead of the tip makes the upstreams report their heights now", async () => {
    const s = setup([A.slice(0, 20), A.slice(0, 20), A.slice(0, 20)]);
    s.connector.start();
    await until(() => s.mode.isNormal() && s.store.height() === 21, 5000);
    for (const p of s.peers) p.chain = A;
    s.connector.blockPushed(22); // extends the tip: the push itself stores it, nothing to ask
    await Bun.sleep(50);
    expect(s.store.height()).toBe(21);
    s.connector.blockPushed(30);
    await until(() => s.store.height() === 30, 5000);
    expect(s.store.sameAs(A)).toBe(true);
    expect(s.clock.fired).toBe(0);
  });

  test("one block behind on an event is no Sampling sample (samples stay one per cycle)", async () => {
    const s = setup([A.slice(0, 20), A.slice(0, 20), A.slice(0, 20)]);
    s.connector.start();
    await until(() => s.mode.isNormal() && s.store.height() === 21, 5000);
    for (const p of s.peers) p.chain = A.slice(0, 21);
    for (let i = 0; i < 12; i++) s.connector.blockPushed(23);
    await until(() => s.connector.status().upstreams.every((u) => !u.key || u.height === 22), 5000);
    await Bun.sleep(50);
    expect(s.connector.state).toMatchObject({ name: "Sampling", samples: 0 });
    expect(s.store.height()).toBe(21);
    await s.connector.runCycle(); // the cycle counts
    expect(s.connector.state.samples).toBe(1);
  });
});

describe("dial-back (issue 17)", () => {
  const listeners = (port: number) => packConnection(parseConnection(`127.0.0.1:${port}`));

  test("a peer that registered is dialled into an idle dynamic slot, once; never this node, never a live slot", async () => {
    const s = setup([A, A, A]);
    s.net.add("127.0.0.1:4100", new FakePeer(key(7), A));
    s.net.add("127.0.0.1:4101", new FakePeer(key(8), A));
    s.net.add("127.0.0.1:4102", new FakePeer(key(9), A));
    s.connector.start();
    s.connector.dialBack(OWN.publicKey, listeners(4100));
    s.connector.dialBack(key(1), listeners(4000)); // a static upstream already
    s.connector.dialBack(key(7), new Uint8Array()); // no listener announced
    expect(s.connector.status().upstreams.filter((u) => u.slot.startsWith("dynamic") && u.key).length).toBe(0);
    s.connector.dialBack(key(7), listeners(4100));
    s.connector.dialBack(key(7), listeners(4100));
    s.connector.dialBack(key(8), listeners(4101));
    s.connector.dialBack(key(9), listeners(4102)); // both dynamic slots are busy and young: not dialled
    await until(() => s.connector.status().registered === 5, 5000);
    const dynamic = s.connector.status().upstreams.filter((u) => u.slot.startsWith("dynamic"));
    expect(dynamic.map((u) => u.address)).toEqual(["127.0.0.1:4100", "127.0.0.1:4101"]);
  });
});
