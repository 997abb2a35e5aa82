/**
 * The HTTPS interface (rpc.md §7) against curl: routes, status codes and JSON error bodies, headers, allow lists
 * (bare IPs and the bracketed [::1] form), POST /bitmarkd/rpc through the same dispatch, peer paging,
 * HTTP/1.1 keep-alive.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { setLogLevel } from "../../../src/base/log.ts";
import { makeSelfSignedCertificate } from "../../../src/rpc/certificate.ts";
import type { HttpsRpcConfig } from "../../../src/rpc/config.ts";
import type { NodeFacts } from "../../../src/rpc/deps.ts";
import { createDispatch } from "../../../src/rpc/dispatch.ts";
import { HttpsRpcServer, peerPage } from "../../../src/rpc/https.ts";
import { RpcStats } from "../../../src/rpc/stats.ts";
import { TEST_TABLE } from "../../support/rpc-table.ts";

setLogLevel("error");
const cert = makeSelfSignedCertificate({ dns: ["localhost"], ips: ["127.0.0.1", "::1"] });
const key = (b: number) => new Uint8Array(32).fill(b);
const facts: NodeFacts = {
  chain: "testing",
  publicKey: "46".repeat(32),
  mode: () => "Normal",
  height: () => 1,
  remoteHeight: () => 3,
  peerCounts: () => ({ incoming: 0, outgoing: 3 }),
  transactionCounters: () => ({ pending: 0, verified: 1 }),
  upstreams: () => [{ address: "tcp://127.0.0.1:38150", server: "27".repeat(32) }],
  peers: () => [
    { publicKey: key(0x30), listeners: ["127.0.0.1:38136"], timestamp: Date.UTC(2026, 11, 6, 2, 48, 44, 482) },
    { publicKey: key(0x10), listeners: ["127.0.0.1:1", "[::1]:1"], timestamp: Date.UTC(2026, 11, 6) },
  ],
};
const stats = new RpcStats(new Set(Object.keys(TEST_TABLE)));

function start(listen: string, allow: HttpsRpcConfig["allow"]): { server: HttpsRpcServer; base: string } {
  const config: HttpsRpcConfig = { maximum_connections: 10, listen: [listen], certificate: "", private_key: "", allow };
  const server = new HttpsRpcServer({ config, certificatePem: cert.certificatePem, privateKeyPem: cert.privateKeyPem, dispatch: createDispatch(TEST_TABLE, { calls: 0 }, stats), facts, stats, version: "8.2", maximumRequestSize: 4096 });
  return { server, base: `https://${server.endpoints[0]}` };
}

const v4 = start("127.0.0.1:0", { details: ["127.0.0.1"], connections: ["127.0.0.1"], peers: ["127.0.0.1"] });
const v6 = start("[::1]:0", { details: ["::1"], connections: [], peers: [] }); // "[::1]" in the file becomes "::1"
afterAll(() => [v4, v6].forEach((s) => s.server.stop()));

/** curl -k: status, lower-cased headers, body. */
async function curl(url: string, ...args: string[]): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const proc = Bun.spawn(["curl", "-sk", "--http1.1", "-D", "-", ...args, url], { stdout: "pipe" });
  const out = await new Response(proc.stdout).text();
  await proc.exited;
  const [head, ...rest] = out.split("\r\n\r\n");
  const lines = head!.split("\r\n");
  const headers = Object.fromEntries(lines.slice(1).map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
  return { status: Number(lines[0]!.split(" ")[1]), headers, body: rest.join("\r\n\r\n") };
}

describe("routes and status codes (§7.2)", () => {
  test.each([
    ["GET /bitmarkd/rpc", "/bitmarkd/rpc", [], 405, '{"code":405,"error":"method not allowed"}'],
    ["HEAD is not GET", "/bitmarkd/details", ["-I"], 405, ""],
    ["POST /bitmarkd/details", "/bitmarkd/details", ["-X", "POST"], 405, '{"code":405,"error":"method not allowed"}'],
    ["GET /bitmarkd/nothing", "/bitmarkd/nothing", [], 404, '{"code":404,"error":"not found"}'],
    ["GET /bitmarkd/", "/bitmarkd/", [], 404, '{"code":404,"error":"not found"}'],
    ["GET /", "/", [], 404, '{"code":404,"error":"not found"}'],
    ["GET sub-path", "/bitmarkd/details/x", [], 404, '{"code":404,"error":"not found"}'],
  ])("%s", async (_name, path, args, status, body) => {
    const r = await curl(v4.base + path, ...args);
    expect(r.status).toBe(status);
    if (body) expect(r.body).toBe(body);
    expect(r.headers["content-type"]).toBe("application/json");
    expect(r.headers["x-content-type-options"]).toBe("nosniff");
  });
});

describe("GET routes behind allow lists", () => {
  test("details (§7.4, keys in 8.2's order)", async () => {
    const r = await curl(v4.base + "/bitmarkd/details");
    expect(r.status).toBe(200);
    expect(r.body).toMatch(
      /^\{"chain":"testing","mode":"Normal","blocks":\{"local":1,"remote":3\},"rpcs":1,"peers":\{"incoming":0,"outgoing":3\},"transactionCounters":\{"pending":0,"verified":1\},"difficulty":1,"version":"8.2","uptime":"[0-9.]+(ms|s)","publicKey":"(46){32}"\}$/,
    );
  });

  test("connections (§7.5)", async () => {
    expect((await curl(v4.base + "/bitmarkd/connections")).body).toBe(`{"connectedTo":[{"address":"tcp://127.0.0.1:38150","server":"${"27".repeat(32)}"}]}`);
  });

  test("peers (§7.6): key order, after public_key, count", async () => {
    const all = await curl(v4.base + "/bitmarkd/peers");
    expect(all.body).toBe(
      `[{"publicKey":"${"10".repeat(32)}","listeners":["127.0.0.1:1","[::1]:1"],"timestamp":"2026-12-06T00:00:00Z"},{"publicKey":"${"30".repeat(32)}","listeners":["127.0.0.1:38136"],"timestamp":"2026-12-06T02:48:44.482Z"}]`,
    );
    const after = JSON.parse((await curl(`${v4.base}/bitmarkd/peers?public_key=${"10".repeat(32)}`)).body);
    expect(after.map((p: { publicKey: string }) => p.publicKey)).toEqual(["30".repeat(32)]);
    expect(JSON.parse((await curl(`${v4.base}/bitmarkd/peers?count=1`)).body)).toHaveLength(1);
    expect(JSON.parse((await curl(`${v4.base}/bitmarkd/peers?count=0`)).body)).toHaveLength(2); // invalid → 10
  });

  test("IPv6 client allowed through the [::1] form; routes not listed are forbidden", async () => {
    expect((await curl(v6.base + "/bitmarkd/details")).status).toBe(200);
    const denied = await curl(v6.base + "/bitmarkd/peers");
    expect([denied.status, denied.body]).toEqual([403, '{"code":403,"error":"forbidden"}']);
  });
});

describe("POST /bitmarkd/rpc (§7.3)", () => {
  test.each([
    ["a call", '{"method":"Test.Echo","params":[{"a":1}],"id":"h1"}', '{"id":"h1","result":{"a":1},"error":null}\n'],
    ["only the first value is processed", '{"method":"Test.Echo","params":[1],"id":1}{"method":"Test.Echo","params":[2],"id":2}', '{"id":1,"result":1,"error":null}\n'],
    ["a method error", '{"method":"Test.Fail","params":[{"text":"invalid count"}],"id":2}', '{"id":2,"result":null,"error":"invalid count"}\n'],
    ["garbage: 200 with the 500 body", "garbage", '{"code":500,"error":"internal server error"}'],
    ["empty body", "", '{"code":500,"error":"internal server error"}'],
    ["unknown method: the reply, then the 500 body", '{"method":"Test.Foo","params":[],"id":3}', `{"id":3,"result":null,"error":"rpc: can't find method Test.Foo"}\n{"code":500,"error":"internal server error"}`],
    ["params missing: the reply, then the 500 body", '{"method":"Test.Echo","id":4}', '{"id":4,"result":null,"error":"jsonrpc: request body missing params"}\n{"code":500,"error":"internal server error"}'],
  ])("%s", async (_name, body, expected) => {
    const r = await curl(v4.base + "/bitmarkd/rpc", "-X", "POST", "--data-binary", body);
    expect(r.status).toBe(200);
    expect(r.body).toBe(expected);
  });

  test("HTTP/1.1 keep-alive: two requests over one connection", async () => {
    const proc = Bun.spawn(["curl", "-sk", "--http1.1", "-v", `${v4.base}/bitmarkd/details`, `${v4.base}/bitmarkd/connections`], { stdout: "pipe", stderr: "pipe" });
    const err = await new Response(proc.stderr).text();
    await proc.exited;
    expect(err).toMatch(/Re-using existing connection|Reusing existing/);
  });
});

test("peerPage stops at the wrap-around", () => {
  expect(peerPage(facts.peers(), key(0x30), 10)).toEqual([]);
  expect(peerPage(facts.peers(), new Uint8Array(0), 1)).toHaveLength(1);
});
