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
  peers: [
    { direction: "outgoing", key: "aa".repeat(32), address: "127.0.0.1:2136", registered: true, height: 301, lastReply: "2026-12-06T04:00:00.000Z" },
    { direction: "incoming", key: "bb".repeat(32), address: "[::1]:2136", registered: true, height: null, lastReply: "2026-12-06T04:00:01.000Z" },
  ],
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

  test("build info, resident memory, uptime", () => {
    expect(renderMetrics(SNAPSHOT, 12345)).toMatch(/^bunmark_build_info\{version="[^"]+",commit="[^"]+",date="[^"]+",protocol="8\.2"\} 1$/m);
    expect(renderMetrics(SNAPSHOT, 12345)).toContain("\nprocess_resident_memory_bytes 12345\n");
    expect(renderMetrics(SNAPSHOT)).toContain("\nbunmark_uptime_seconds 42\n");
  });

  test("byte totals are not reservoir items", () => {
    const text = renderMetrics({ ...SNAPSHOT, reservoir: { assets: 1, assetBytes: 900, pooledBytes: 50 } });
    expect(text).toContain('bunmark_reservoir_items{pool="assets"} 1\n');
    expect(text).not.toMatch(/bunmark_reservoir_items\{pool="\w*Bytes"\}/);
    expect(text).toContain('bunmark_reservoir_bytes{pool="asset"} 900\n');
    expect(text).toContain('bunmark_reservoir_bytes{pool="pooled"} 50\n');
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
    const withoutRss = (t: string) => t.replace(/^process_resident_memory_bytes \d+$/m, "");
    expect(withoutRss(await metrics.text())).toBe(withoutRss(renderMetrics(SNAPSHOT)));
    expect((await fetch(new URL("/other", s.url))).status).toBe(404);
  });

  test("/health: 200 while serving, 503 once stopping", async () => {
    let mode = "Resynchronise";
    const s = startStatusServer("127.0.0.1:0", () => ({ ...SNAPSHOT, mode }));
    servers.push(s);
    expect((await fetch(new URL("/health", s.url))).status).toBe(200);
    mode = "Stopped";
    const r = await fetch(new URL("/health", s.url));
    expect([r.status, await r.text()]).toEqual([503, "stopped\n"]);
  });

  test("unix socket in the data directory", async () => {
    const path = join(tempDir(), "status.sock");
    servers.push(startLocalStatusSocket(path, () => SNAPSHOT));
    const res = await fetch("http://localhost/status", { unix: path } as RequestInit);
    expect(await res.json()).toEqual(SNAPSHOT);
  });

  test("a malformed address is a one-line error", () => {
    expect(() => startStatusServer("nonsense", () => SNAPSHOT)).toThrow('http "nonsense": expected HOST:PORT');
  });
});
