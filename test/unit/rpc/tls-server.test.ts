/**
 * The client RPC TLS server against an independent client (python3 ssl/json/socket, test/support/rpc-client.py):
 * Go jsonrpc stream framing (rpc.md §4), every framing error text, concurrent calls answered as they finish, and
 * bunmark's limits (connections in total and per IP, handshake and idle timeouts, request size, a client that
 * never reads).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { setLogLevel } from "../../../src/base/log.ts";
import { makeSelfSignedCertificate, subjectNames, certificateFingerprint } from "../../../src/rpc/certificate.ts";
import { CLIENT_RPC_DEFAULTS, type ClientRpcConfig } from "../../../src/rpc/config.ts";
import { createDispatch } from "../../../src/rpc/dispatch.ts";
import { RpcStats } from "../../../src/rpc/stats.ts";
import { TlsRpcServer } from "../../../src/rpc/tls-server.ts";
import { freePort } from "../../support/node-process.ts";
import { pyRpc } from "../../support/rpc-client.ts";
import { TEST_TABLE } from "../../support/rpc-table.ts";

setLogLevel("error");
const cert = makeSelfSignedCertificate(subjectNames("test", [], []));
const servers: TlsRpcServer[] = [];
afterAll(() => servers.forEach((s) => s.stop()));

function start(overrides: Partial<ClientRpcConfig> = {}) {
  const stats = new RpcStats(new Set(Object.keys(TEST_TABLE)));
  const deps = { calls: 0 };
  const config: ClientRpcConfig = { ...CLIENT_RPC_DEFAULTS, listen: ["127.0.0.1:0"], announce: [], certificate: "", private_key: "", ...overrides };
  const server = new TlsRpcServer({ config, certificatePem: cert.certificatePem, privateKeyPem: cert.privateKeyPem, dispatch: createDispatch(TEST_TABLE, deps, stats), stats });
  servers.push(server);
  const port = Number(server.endpoints[0]!.split(":").pop());
  return { server, stats, deps, port };
}

const shared = start();

describe("framing (Go jsonrpc stream)", () => {
  test("values split across writes, back to back, with white space; replies one per line, id raw", async () => {
    const r = await pyRpc(shared.port, [
      ["connect", 0],
      ["send", 0, '{"method":"Test.Echo","par'],
      ["send", 0, 'ams":[{"a":1}],"id":1}{"method":"Test.Echo","params":[2],"id":"two"}\n\n  \t'],
      ["send", 0, '{"method":"Test.Echo","params":[],"id":[1, 2]}{"method":"Test.Echo","params":[null]}'],
      ["recv", 0, 4, 5],
    ]);
    expect(r[0].ok).toBe(true);
    expect(r[0].fingerprint).toBe(Buffer.from(certificateFingerprint(cert.der)).toString("hex"));
    expect(r[1].lines).toEqual([
      '{"id":1,"result":{"a":1},"error":null}',
      '{"id":"two","result":2,"error":null}',
      '{"id":[1,2],"result":null,"error":null}',
      '{"id":null,"result":null,"error":null}',
    ]);
  });

  test("every §4.2 error text, and the connection continues after each", async () => {
    const requests = [
      ['{"method":"Foo","params":[{}],"id":4}', '{"id":4,"result":null,"error":"rpc: service/method request ill-formed: Foo"}'],
      ['{"method":"Nope.Info","params":[{}],"id":5}', `{"id":5,"result":null,"error":"rpc: can't find service Nope.Info"}`],
      ['{"method":"Test.Foo","params":[{}],"id":3}', `{"id":3,"result":null,"error":"rpc: can't find method Test.Foo"}`],
      ['{"method":"Test.Echo","id":5}', '{"id":5,"result":null,"error":"jsonrpc: request body missing params"}'],
      ['{"method":"Test.Echo","params":null,"id":6}', '{"id":6,"result":null,"error":"jsonrpc: request body missing params"}'],
      ['{"method":"Test.Echo","params":{},"id":7}', '{"id":7,"result":null,"error":"json: cannot unmarshal object into Go value of type [1]interface {}"}'],
      ['{"method":"Test.Fail","params":[{"text":"invalid count"}],"id":"x"}', '{"id":"x","result":null,"error":"invalid count"}'],
      ['{"method":"Test.Reject","params":[],"id":8}', '{"id":8,"result":null,"error":"rejected"}'],
      ['{"method":"Test.Crash","params":[],"id":9}', '{"id":9,"result":null,"error":"internal error"}'],
      ["null", '{"id":null,"result":null,"error":"rpc: service/method request ill-formed: "}'],
      ['{"method":"Test.Echo","params":["<&>"],"id":10}', '{"id":10,"result":"\\u003c\\u0026\\u003e","error":null}'],
    ];
    const r = await pyRpc(shared.port, [["connect", 0], ...requests.map(([q]) => ["send", 0, q!] as [string, ...unknown[]]), ["recv", 0, requests.length, 5]]);
    // Test.Reject answers asynchronously, so after the synchronous ones
    expect(r[1].lines.toSorted()).toEqual(requests.map(([, a]) => a).toSorted());
  });

  test.each([
    ["garbage", "garbage\n"],
    ["broken JSON", '{"method":"Test.Echo",]'],
    ["method not a string", '{"method":5,"params":[],"id":1}'],
    ["an array", "[1,2]"],
  ])("%s: closed without a reply, after earlier calls are answered", async (_name, bad) => {
    const r = await pyRpc(shared.port, [["connect", 0], ["send", 0, '{"method":"Test.Echo","params":[1],"id":1}' + bad], ["eof", 0, 5]]);
    expect(r[1]).toMatchObject({ eof: true, data: '{"id":1,"result":1,"error":null}\n' });
  });

  test("concurrent calls on one connection are answered as they finish", async () => {
    const r = await pyRpc(shared.port, [
      ["connect", 0],
      ["send", 0, '{"method":"Test.Sleep","params":[{"ms":400,"tag":"slow"}],"id":1}{"method":"Test.Sleep","params":[{"ms":50,"tag":"fast"}],"id":2}{"method":"Test.Echo","params":["now"],"id":3}'],
      ["recv", 0, 3, 5],
    ]);
    expect(r[1].lines).toEqual(['{"id":3,"result":"now","error":null}', '{"id":2,"result":"fast","error":null}', '{"id":1,"result":"slow","error":null}']);
  });

  test("more calls at once than may run (256): reading pauses and resumes, every call is answered", async () => {
    const calls = Array.from({ length: 600 }, (_, i) => `{"method":"Test.Sleep","params":[{"ms":100,"tag":"t${i}"}],"id":${i}}`).join("");
    const r = await pyRpc(shared.port, [["connect", 0], ["send", 0, calls], ["recv", 0, 600, 20]]);
    expect(r[1].lines).toHaveLength(600);
    expect(new Set(r[1].lines.map((l: string) => JSON.parse(l).id)).size).toBe(600);
  });

  test("garbage after a slow call: the call still gets its reply before the close", async () => {
    const r = await pyRpc(shared.port, [["connect", 0], ["send", 0, '{"method":"Test.Sleep","params":[{"ms":200,"tag":"late"}],"id":1}garbage'], ["eof", 0, 5]]);
    expect(r[1]).toMatchObject({ eof: true, data: '{"id":1,"result":"late","error":null}\n' });
  });

  test("request counts per method", () => {
    expect(shared.stats.requests.get("Test.Echo")).toBeGreaterThan(3);
    expect(shared.stats.errors.get("Test.Fail")).toBeGreaterThanOrEqual(1);
    expect(shared.stats.requests.get("other")).toBeGreaterThanOrEqual(3); // unknown names are not kept one by one
  });
});

test("0.0.0.0:P and [::]:P both bound (IPv6 literal = IPv6 only, as Go's tcp6), one connection counter", async () => {
  const p = await freePort();
  const { server } = start({ listen: [`0.0.0.0:${p}`, `[::]:${p}`], maximum_connections: 1 });
  expect(server.endpoints).toEqual([`0.0.0.0:${p}`, `[::]:${p}`]);
  const v6 = await pyRpc(p, [["connect", 0], ["send", 0, '{"method":"Test.Echo","params":[6],"id":1}'], ["recv", 0, 1, 5]], "::1");
  expect(v6[1].lines).toEqual(['{"id":1,"result":6,"error":null}']);
  // the limit counts over both addresses
  const both = await Promise.all([pyRpc(p, [["connect", 0], ["sleep", 2]], "127.0.0.1"), Bun.sleep(600).then(() => pyRpc(p, [["connect", 0]], "::1"))]);
  expect([both[0][0].ok, both[1][0].ok]).toEqual([true, false]);
});

describe("limits", () => {
  test("maximum_connections: the excess connection is closed at accept; the slot comes back when one closes", async () => {
    const { port, stats } = start({ maximum_connections: 2 });
    const r = await pyRpc(port, [["connect", 0], ["connect", 1], ["connect", 2], ["close", 0], ["sleep", 0.2], ["connect", 3], ["send", 3, '{"method":"Test.Echo","params":[1],"id":1}'], ["recv", 3, 1, 5]]);
    expect(r.slice(0, 3).map((x) => x.ok)).toEqual([true, true, false]);
    expect(r[3].ok).toBe(true);
    expect(r[4].lines).toEqual(['{"id":1,"result":1,"error":null}']);
    expect(stats.refused).toBe(1);
  });

  test("maximum_connections_per_ip: one address cannot take every slot", async () => {
    const { port } = start({ maximum_connections: 10, maximum_connections_per_ip: 1 });
    const r = await pyRpc(port, [["connect", 0], ["connect", 1]]);
    expect(r.map((x) => x.ok)).toEqual([true, false]);
  });

  test("a connection that never completes the TLS handshake is closed after handshake_timeout", async () => {
    const { port, server } = start({ handshake_timeout: 0.3 });
    const r = await pyRpc(port, [["tcp", 0], ["eof", 0, 5]]);
    expect(r[1].eof).toBe(true);
    expect(r[1].after).toBeGreaterThan(0.2);
    expect(r[1].after).toBeLessThan(3);
    expect(server.connections).toBe(0);
  });

  test("a completed handshake is not timed out by handshake_timeout", async () => {
    const { port } = start({ handshake_timeout: 0.2 });
    const r = await pyRpc(port, [["connect", 0], ["sleep", 0.8], ["send", 0, '{"method":"Test.Echo","params":[1],"id":1}'], ["recv", 0, 1, 5]]);
    expect(r[1].lines).toEqual(['{"id":1,"result":1,"error":null}']);
  });

  test("an idle client is closed after idle_timeout; a running call is not idleness", async () => {
    const { port } = start({ idle_timeout: 0.4 });
    const r = await pyRpc(port, [
      ["connect", 0],
      ["send", 0, '{"method":"Test.Sleep","params":[{"ms":900,"tag":"done"}],"id":1}'],
      ["recv", 0, 1, 5],
      ["eof", 0, 5],
    ]);
    expect(r[1].lines).toEqual(['{"id":1,"result":"done","error":null}']);
    expect(r[2].eof).toBe(true);
    expect(r[2].after).toBeLessThan(3);
  });

  test("a request larger than maximum_request_size closes the connection; smaller ones pass", async () => {
    const { port } = start({ maximum_request_size: 1000 });
    const ok = `{"method":"Test.Echo","params":["${"a".repeat(900)}"],"id":1}`;
    const big = `{"method":"Test.Echo","params":["${"a".repeat(2000)}"],"id":2}`;
    const r = await pyRpc(port, [["connect", 0], ["send", 0, ok], ["recv", 0, 1, 5], ["send", 0, big], ["eof", 0, 5]]);
    expect(r[1].lines).toHaveLength(1);
    expect(r[2]).toMatchObject({ eof: true, data: "" });
  });

  test("a client that never reads: its requests stop being read once replies back up; memory stays bounded", async () => {
    const { port, stats } = start({ maximum_reply_backlog: 64 * 1024 });
    const request = '{"method":"Test.Big","params":[{"n":4000}],"id":1}'.repeat(20);
    const r = await pyRpc(port, [["connect", 0], ["flood", 0, request, 2]]);
    expect(r[1].blocked).toBe(true); // the server stopped reading, so the client's sending blocked
    // replies made (4 KB each) are bounded by the backlog plus the kernel's socket buffers, not by the flood
    const answered = stats.requests.get("Test.Big") ?? 0;
    expect(answered).toBeGreaterThan(0);
    expect(answered * 4000).toBeLessThan(32 * 1024 * 1024);
  });
});
