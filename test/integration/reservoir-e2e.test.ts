/**
 * Real nodes (`bunmark run`, chain local, static connects to each other): an asset, an issue and its proof
 * pushed to node A's listener are relayed by A to node B, whose reservoir ends with the same verified issue —
 * the proof only verifies under the same pay id. Duplicates pushed again are not relayed a second time.
 *
 * Three nodes, because registration (`R`) needs a third peer to answer with: with two, every registration
 * gets "invalid public key" (as in 8.2) and no node ever reaches Normal mode.
 */
import { expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ensureKeyPair } from "../../src/transport/keys.ts";
import { RequestClient } from "../../src/transport/request-client.ts";
import { connectEachToOthers, nodeSuite } from "../support/harness/node-suite.ts";
import { fromHex } from "../support/hex.ts";
import { NodeProcess } from "../support/node-process.ts";
import { asset, packed, vectors } from "../support/reservoir-fakes.ts";

const dir = nodeSuite("reservoir-e2e");

interface Status {
  mode: string;
  peersOut: number;
  reservoir: Record<string, number>;
}

async function status(n: NodeProcess): Promise<Status | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${n.httpPort}/status`);
    return res.ok ? ((await res.json()) as Status) : undefined;
  } catch {
    return undefined;
  }
}

async function waitFor(what: string, check: () => Promise<boolean>, ms: number, nodes: readonly NodeProcess[]): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await Bun.sleep(200);
  }
  // the debug level is on for the relay lines; the periodic N/H/sampling chatter would hide them
  throw new Error(`timed out waiting for ${what}\n${nodes.map((n) => n.tail(60, / DEBUG (listener: sent|connector: sampling)/)).join("\n")}`);
}

test("asset + issue + proof pushed to A reach B's reservoir by relay, under the same pay id", { timeout: 120_000 }, async () => {
  const timing = { minimum_clients: 1, upstream_poll: 500, upstream_timeout: 5000 };
  const nodes = await Promise.all(
    ["a", "b", "c"].map((name) => NodeProcess.create({ root: dir, name, http: true, dynamicConnections: false, logLevel: "debug", timing })),
  );
  connectEachToOthers(nodes);
  await Promise.all(nodes.map((n) => n.start()));
  const [a, b, c] = nodes;
  // Normal needs one registered upstream here, but a relay goes only to registered upstreams (8.2 drops the rest):
  // wait for both of each node's, or a slow registration to B under load loses B's copy from A and from C alike.
  const allReady = async () => (await Promise.all(nodes.map(status))).every((s) => s?.mode === "Normal" && s.peersOut === 2);
  await waitFor("every node in Normal mode with both upstreams registered", allReady, 60_000, nodes);

  const clientDir = join(dir, "client");
  mkdirSync(clientDir);
  const client = new RequestClient(ensureKeyPair(clientDir));
  client.connect(a!.address, a!.publicKey);
  const push = async (command: string, p0: Uint8Array) => {
    const reply = await client.request([new TextEncoder().encode("local"), new TextEncoder().encode(command), p0], 10_000);
    expect(reply.map((f) => Buffer.from(f).toString())).toEqual([command, "A"]);
  };
  const proof = new Uint8Array(Buffer.concat([fromHex(vectors.try_proof.pay_id_hex), fromHex(vectors.try_proof.client_nonce_ok_hex)]));
  await push("assets", packed(asset("0123456789abcdef")));
  await push("issues", fromHex(vectors.try_proof.packed_issues_hex));
  await push("proof", proof);

  const holdsProvenIssue = async (n: NodeProcess) => {
    const r = (await status(n))?.reservoir;
    return r !== undefined && r.assets === 1 && r.unverified === 0 && r.verifiedTxs === 1;
  };
  await waitFor("A holds the proven issue", () => holdsProvenIssue(a!), 20_000, nodes);
  await waitFor("B holds the same proven issue", () => holdsProvenIssue(b!), 30_000, nodes);
  await waitFor("C holds the same proven issue", () => holdsProvenIssue(c!), 30_000, nodes);
  expect(b!.output).toContain(`proof accepted payId=${vectors.try_proof.pay_id_hex}`);
  // C relays the items it stored as new, to B too: count B's received issues only once that has arrived
  const relayedToB = (text: string) => text.split("\n").filter((l) => l.includes("received issues")).length;
  let bLog = b!.output;
  await waitFor("B's log to settle", async () => {
    await Bun.sleep(1000);
    const settled = relayedToB(b!.output) === relayedToB(bLog);
    bLog = b!.output;
    return settled;
  }, 20_000, nodes);

  // pushing the same items again: refused at A, so nothing more is relayed
  await push("issues", fromHex(vectors.try_proof.packed_issues_hex));
  await push("proof", proof);
  await Bun.sleep(1500);
  expect(relayedToB(b!.output)).toBe(relayedToB(bLog));
  client.close();
});
