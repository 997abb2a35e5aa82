/**
 * `bunmark rpc` as a client: against a TLS JSON-RPC server serving a test table, the result printed as JSON on
 * stdout (exit 0), a method error on stderr (exit 1), the fingerprint checked before the request is sent.
 */
import { afterAll, expect, test } from "bun:test";
import { setLogLevel } from "../../src/base/log.ts";
import { certificateFingerprint, makeSelfSignedCertificate } from "../../src/rpc/certificate.ts";
import { CLIENT_RPC_DEFAULTS } from "../../src/rpc/config.ts";
import { createDispatch } from "../../src/rpc/dispatch.ts";
import { RpcStats } from "../../src/rpc/stats.ts";
import { TlsRpcServer } from "../../src/rpc/tls-server.ts";
import { CLI } from "../support/paths.ts";
import { TEST_TABLE } from "../support/rpc-table.ts";

setLogLevel("error");
const cert = makeSelfSignedCertificate({ dns: ["localhost"], ips: ["127.0.0.1"] });
const fingerprint = Buffer.from(certificateFingerprint(cert.der)).toString("hex");
const stats = new RpcStats(new Set(Object.keys(TEST_TABLE)));
const server = new TlsRpcServer({
  config: { ...CLIENT_RPC_DEFAULTS, listen: ["127.0.0.1:0"], announce: [], certificate: "", private_key: "" },
  certificatePem: cert.certificatePem,
  privateKeyPem: cert.privateKeyPem,
  dispatch: createDispatch(TEST_TABLE, { calls: 0 }, stats),
  stats,
});
afterAll(() => server.stop());

/** Async spawn: the server runs in this process, so its event loop must keep turning. */
async function rpc(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const proc = Bun.spawn([process.execPath, CLI, "rpc", ...args, "--connect", server.endpoints[0]!], { stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  return { code: await proc.exited, out, err };
}

test.each([
  ["result printed as JSON", ["Test.Echo", '{"a":[1,"x"]}', "--fingerprint", fingerprint], { code: 0, out: '{\n  "a": [\n    1,\n    "x"\n  ]\n}\n', err: "" }],
  ["argument defaults to {}", ["Test.Echo"], { code: 0, out: "{}\n", err: "" }],
  ["method error on stderr, exit 1", ["Test.Fail", '{"text":"invalid count"}'], { code: 1, out: "", err: "invalid count\n" }],
  ["argument not JSON", ["Test.Echo", "{"], { code: 1, out: "" }],
  ["wrong fingerprint: nothing sent", ["Test.Echo", "{}", "--fingerprint", "ab".repeat(32)], { code: 1, out: "" }],
])("%s", async (_name, args, expected) => {
  const before = stats.requests.get("Test.Echo") ?? 0;
  const r = await rpc(...args);
  expect(r).toMatchObject(expected);
  if (args.includes("ab".repeat(32))) {
    expect(r.err).toContain(`certificate fingerprint ${fingerprint} does not match`);
    expect(stats.requests.get("Test.Echo") ?? 0).toBe(before);
  }
});
