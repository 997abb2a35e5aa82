/**
 * Client RPC on a real node (`bunmark run`): certificate from `bunmark gen-rpc-cert`, fingerprint logged, in
 * node.json and equal to what an independent TLS client (python3 ssl) sees; the TLS stream on IPv4 and IPv6;
 * HTTPS details with curl; `bunmark rpc` finding the node through its data directory and pinning the fingerprint;
 * RPC counters in /status; start-up refused without a certificate; the fingerprint and `client_rpc.announce`
 * in the `rpc` record an upstream peer receives. Method bodies are another room's: the calls
 * here use names no table has, whose net/rpc texts are the transport's.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { NodeProcess, stopAll } from "../support/node-process.ts";
import { CLI } from "../support/paths.ts";
import { pyRpc } from "../support/rpc-client.ts";
import { tempDirs } from "../support/temp-dirs.ts";

afterAll(stopAll); // before the directories go (hooks run in registration order)
const tempDir = tempDirs("bunmark-rpc-node-");

function cli(...args: string[]): { code: number; out: string; err: string } {
  const r = Bun.spawnSync([process.execPath, CLI, ...args]);
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
}

const portOf = (endpoint: string) => Number(endpoint.slice(endpoint.lastIndexOf(":") + 1));

describe("a node with client_rpc and https_rpc", async () => {
  const root = tempDir();
  const node = await NodeProcess.create({
    root,
    name: "a",
    http: true,
    sections: {
      client_rpc: { listen: ["127.0.0.1:0", "[::1]:0"], announce: ["127.0.0.1:2130"], maximum_connections: 5 },
      https_rpc: { listen: ["127.0.0.1:0"], allow: { details: ["127.0.0.1", "[::1]"] } },
    },
  });

  test("gen-rpc-cert writes the pair once", () => {
    const first = cli("gen-rpc-cert", "--data", node.dir);
    expect(first.code).toBe(0);
    expect(first.out).toContain(`generated RPC key: "${join(node.dir, "rpc.key")}" and certificate: "${join(node.dir, "rpc.crt")}"`);
    const again = cli("gen-rpc-cert", "--data", node.dir);
    expect(again.code).toBe(1);
    expect(again.err).toContain("error generating RPC key/certificate: certificate file already exists");
  });

  test("start: fingerprint logged, in node.json, and what a TLS client sees", async () => {
    await node.start();
    const running = JSON.parse(readFileSync(join(node.dir, "node.json"), "utf8"));
    expect(running.rpc.listen).toHaveLength(2);
    expect(running.rpc.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    await node.waitForLog(new RegExp(`client_rpc: SHA3-256 fingerprint: ${running.rpc.fingerprint}`), { timeoutMs: 5000 });
    for (const [i, endpoint] of (running.rpc.listen as string[]).entries()) {
      const host = i === 0 ? "127.0.0.1" : "::1";
      const r = await pyRpc(portOf(endpoint), [["connect", 0], ["send", 0, '{"method":"Nope.Nothing","params":[{}],"id":"n"}'], ["recv", 0, 1, 10]], host);
      expect(r[0].fingerprint).toBe(running.rpc.fingerprint);
      expect(r[1].lines).toEqual([`{"id":"n","result":null,"error":"rpc: can't find service Nope.Nothing"}`]);
    }
  });

  test("bunmark rpc finds the node through the data directory and pins the fingerprint", () => {
    const r = cli("rpc", "Nope.Nothing", "--data", node.dir);
    expect([r.code, r.err]).toEqual([1, "rpc: can't find service Nope.Nothing\n"]);
    const wrong = cli("rpc", "Nope.Nothing", "--data", node.dir, "--fingerprint", "00".repeat(32));
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain("does not match");
  });

  test("HTTPS details with curl, and RPC counters in /status and /metrics", async () => {
    const running = JSON.parse(readFileSync(join(node.dir, "node.json"), "utf8"));
    const details = Bun.spawnSync(["curl", "-sk", `https://${running.rpc.https[0]}/bitmarkd/details`]).stdout.toString();
    expect(JSON.parse(details)).toMatchObject({ chain: "local", blocks: { local: 1 }, version: "8.2", publicKey: Buffer.from(node.publicKey).toString("hex") });
    const status = (await (await fetch(`http://127.0.0.1:${node.httpPort}/status`)).json()) as { rpc: { requests: Record<string, number> } };
    expect(status.rpc.requests.other).toBeGreaterThanOrEqual(3);
    const metrics = await (await fetch(`http://127.0.0.1:${node.httpPort}/metrics`)).text();
    expect(metrics).toContain('bunmark_rpc_requests_total{method="other",outcome="error"}');
    expect(await node.stop()).toBe(0);
  });

  test("client_rpc without a certificate: start-up refused with 8.2's text", async () => {
    const bare = await NodeProcess.create({ root, name: "b", sections: { client_rpc: { listen: ["127.0.0.1:0"] } } });
    await expect(bare.start({ timeoutMs: 20_000 })).rejects.toThrow("cerfificate file not found");
  });
});

describe("the fingerprint in the node's own rpc record", async () => {
  test("an upstream peer receives `rpc` with the certificate's fingerprint and the announced address", async () => {
    const root = tempDir();
    const b = await NodeProcess.create({ root, name: "b" });
    await b.start();
    await b.introduce();
    const a = await NodeProcess.create({
      root,
      name: "a",
      connect: [b.peer],
      timing: { announce_initial: 300 },
      sections: { client_rpc: { listen: ["127.0.0.1:0"], announce: ["127.0.0.1:2130"] } },
    });
    expect(cli("gen-rpc-cert", "--data", a.dir).code).toBe(0);
    await a.start();
    const { fingerprint } = JSON.parse(readFileSync(join(a.dir, "node.json"), "utf8")).rpc;
    // packed 127.0.0.1:2130 (records.md §2.3): length 0x13, big-endian port 0x0852, IPv4-mapped address
    await b.waitForLog(new RegExp(`received rpc key=${fingerprint} listeners=13085200000000000000000000ffff7f000001 `), { timeoutMs: 30_000 });
  }, 60_000);
});
