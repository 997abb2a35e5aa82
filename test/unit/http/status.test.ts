/** The operator endpoint: `/status` JSON, Prometheus `/metrics`, on TCP and on the data directory's unix socket. */
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { renderMetrics, startLocalStatusSocket, startStatusServer, type StatusServer, type StatusSnapshot } from "../../../src/http/status-server.ts";
import { tempDirs } from "../../support/temp-dirs.ts";

const tempDir = tempDirs("bunmark-http-");
const servers: StatusServer[] = [];
afterAll(() => servers.forEach((s) => s.stop()));

const SNAPSHOT: StatusSnapshot = {
  version: "8.2",
  chain: "testing",
  mode: "Normal",
  height: 301,
  publicKey: "590604e941c335032318e1eddd3d264403335e5d4cadb29fb3809dedf077cb76",
  listeners: ["tcp://127.0.0.1:2136"],
  peersIn: 4,
  peersOut: 3,
  knownPeers: 7,
  blocksPerSecond: 8.5,
  digestBackend: "native",
  reservoir: { unverified: 2, assets: 1 },
  uptimeSeconds: 42,
};

describe("renderMetrics", () => {
  const text = renderMetrics(SNAPSHOT);
  const cases: [string, string][] = [
    ["height", "bunmark_block_height 301"],
    ["mode", "bunmark_mode_normal 1"],
    ["incoming peers", "bunmark_peers_incoming 4"],
    ["outgoing peers", "bunmark_peers_outgoing 3"],
    ["known peers", "bunmark_peers_known 7"],
    ["sync rate", "bunmark_sync_blocks_per_second 8.5"],
    ["digest backend", 'bunmark_digest_backend{backend="native"} 1'],
    ["reservoir pool", 'bunmark_reservoir_items{pool="unverified"} 2'],
  ];
  for (const [name, line] of cases) test(name, () => expect(text.split("\n")).toContain(line));

  test("every sample has HELP and TYPE lines", () => {
    const names = new Set(text.split("\n").filter((l) => l && !l.startsWith("#")).map((l) => l.split(/[{ ]/)[0]));
    for (const n of names) {
      expect(text).toContain(`# HELP ${n} `);
      expect(text).toContain(`# TYPE ${n} gauge`);
    }
  });

  test("resynchronising reports 0", () => expect(renderMetrics({ ...SNAPSHOT, mode: "Resynchronise" })).toContain("bunmark_mode_normal 0\n"));
});

describe("servers", () => {
  test("TCP: /status, /metrics, 404", async () => {
    const s = startStatusServer("127.0.0.1:0", () => SNAPSHOT);
    servers.push(s);
    expect(await (await fetch(new URL("/status", s.url))).json()).toEqual(SNAPSHOT);
    const metrics = await fetch(new URL("/metrics", s.url));
    expect(metrics.headers.get("content-type")).toStartWith("text/plain");
    expect(await metrics.text()).toBe(renderMetrics(SNAPSHOT));
    expect((await fetch(new URL("/other", s.url))).status).toBe(404);
  });

  test("unix socket in the data directory", async () => {
    const path = join(tempDir(), "status.sock");
    servers.push(startLocalStatusSocket(path, () => SNAPSHOT));
    const res = await fetch("http://localhost/status", { unix: path } as RequestInit);
    expect(await res.json()).toEqual(SNAPSHOT);
  });

  test("a malformed address is a one-line error", () => {
    expect(() => startStatusServer("nonsense", () => SNAPSHOT)).toThrow("--http expects HOST:PORT");
  });
});
