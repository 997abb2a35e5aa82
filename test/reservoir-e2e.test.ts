/**
 * Real nodes (`bunmark run`, chain local, static connects to each other): an asset, an issue and its proof
 * pushed to node A's listener are relayed by A to node B, whose reservoir ends with the same verified issue —
 * the proof only verifies under the same pay id. Duplicates pushed again are not relayed a second time.
 *
 * Three nodes, because registration (`R`) needs a third peer to answer with: with two, every registration
 * gets "invalid public key" (as in 8.2) and no node ever reaches Normal mode.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureKeyPair } from "../src/wire/keys.ts";
import { RequestClient } from "../src/wire/request-client.ts";
import { shutdown } from "../src/wire/context.ts";
import { asset, packed, unhex, vectors } from "./reservoir-fakes.ts";

const ROOT = join(import.meta.dir, "..");
const BUN = process.execPath;
const dir = mkdtempSync(join(tmpdir(), "reservoir-e2e-"));
const procs: ReturnType<typeof Bun.spawn>[] = [];

afterAll(async () => {
  for (const p of procs) p.kill("SIGTERM");
  await Promise.all(procs.map((p) => p.exited));
  await shutdown();
  rmSync(dir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen({ host: "127.0.0.1", port: 0 }, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface Status {
  mode: string;
  reservoir: Record<string, number>;
}

async function status(httpPort: number): Promise<Status | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${httpPort}/status`);
    return res.ok ? ((await res.json()) as Status) : undefined;
  } catch {
    return undefined;
  }
}

async function waitFor(what: string, check: () => Promise<boolean>, ms: number, logs: string[]): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await Bun.sleep(200);
  }
  const tails = logs.map((f) => `--- ${f}\n${readFileSync(f, "utf8").split("\n").slice(-40).join("\n")}`).join("\n");
  throw new Error(`timed out waiting for ${what}\n${tails}`);
}

test("asset + issue + proof pushed to A reach B's reservoir by relay, under the same pay id", { timeout: 120_000 }, async () => {
  const names = ["a", "b", "c"] as const;
  const nodes = await Promise.all(
    names.map(async (name) => {
      const data = join(dir, name);
      mkdirSync(data, { recursive: true });
      return { name, data, keys: ensureKeyPair(data), peerPort: await freePort(), httpPort: await freePort(), log: join(dir, `${name}.log`) };
    }),
  );
  for (const n of nodes) {
    const others = nodes.filter((o) => o !== n);
    const config = {
      chain: "local",
      data_directory: n.data,
      http: `127.0.0.1:${n.httpPort}`,
      log_level: "debug",
      peering: {
        listen: [`127.0.0.1:${n.peerPort}`],
        announce: [`127.0.0.1:${n.peerPort}`],
        connect: others.map((o) => ({ public_key: Buffer.from(o.keys.publicKey).toString("hex"), address: `127.0.0.1:${o.peerPort}` })),
        dynamic_connections: false,
        prefer_ipv6: false,
      },
      timing: { minimum_clients: 1, connector_cycle: 300, upstream_poll: 500, upstream_timeout: 5000 },
    };
    const file = join(dir, `${n.name}.json`);
    writeFileSync(file, JSON.stringify(config));
    procs.push(Bun.spawn([BUN, join(ROOT, "src/cli.ts"), "run", "--config", file], { cwd: ROOT, stdout: Bun.file(n.log), stderr: Bun.file(n.log + ".err") }));
  }
  const [a, b] = nodes;
  const logs = nodes.map((n) => n.log);
  const allNormal = async () => (await Promise.all(nodes.map((n) => status(n.httpPort)))).every((s) => s?.mode === "Normal");
  await waitFor("every node in Normal mode", allNormal, 60_000, logs);

  const clientDir = join(dir, "client");
  mkdirSync(clientDir);
  const client = new RequestClient(ensureKeyPair(clientDir));
  client.connect(`127.0.0.1:${a!.peerPort}`, a!.keys.publicKey);
  const push = async (command: string, p0: Uint8Array) => {
    const reply = await client.request([new TextEncoder().encode("local"), new TextEncoder().encode(command), p0], 10_000);
    expect(reply.map((f) => Buffer.from(f).toString())).toEqual([command, "A"]);
  };
  const proof = new Uint8Array(Buffer.concat([unhex(vectors.try_proof.pay_id_hex), unhex(vectors.try_proof.client_nonce_ok_hex)]));
  await push("assets", packed(asset("0123456789abcdef")));
  await push("issues", unhex(vectors.try_proof.packed_issues_hex));
  await push("proof", proof);

  const holdsProvenIssue = async (httpPort: number) => {
    const r = (await status(httpPort))?.reservoir;
    return r !== undefined && r.assets === 1 && r.unverified === 0 && r.verifiedTxs === 1;
  };
  await waitFor("A holds the proven issue", () => holdsProvenIssue(a!.httpPort), 20_000, logs);
  await waitFor("B holds the same proven issue", () => holdsProvenIssue(b!.httpPort), 30_000, logs);
  const bLog = readFileSync(b!.log, "utf8");
  expect(bLog).toContain(`proof accepted payId=${vectors.try_proof.pay_id_hex}`);

  // pushing the same items again: refused at A, so nothing more is relayed
  await push("issues", unhex(vectors.try_proof.packed_issues_hex));
  await push("proof", proof);
  await Bun.sleep(1500);
  const relayedToB = (text: string) => text.split("\n").filter((l) => l.includes("received issues")).length;
  expect(relayedToB(readFileSync(b!.log, "utf8"))).toBe(relayedToB(bLog));
  client.close();
});
