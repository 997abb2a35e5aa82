/**
 * Pool items and proofer set-up for block production tests:
 *
 *   const item = provenIssue("local", "fingerprint-1");   // asset + issue + proof nonce valid on a young chain
 *   await pushItem(node, item);                           // pushed through node's peer listener, as a peer would
 *   const proof = proofSection(node.dir, "local", publishPort, submitPort);  // writes proof keys, returns `proofing`
 *   const net = await proofNetwork(dir, { runArgs: ["--mine=1"] });          // A (proofer) + B + C, all in Normal
 *
 * The proof nonce is found against the genesis CRC, which stays among the ring's 19 newest CRCs until block 20.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { ChainName } from "../../src/chain/types/chains.ts";
import { isTestnet } from "../../src/chain/types/chains.ts";
import { genesisFor } from "../../src/chain/types/genesis.ts";
import { scaledDifficulty, targetBytes } from "../../src/chain/rules/difficulty.ts";
import { activeBackend } from "../../src/crypto/index.ts";
import { crcBytes } from "../../src/encoding/crc64.ts";
import { concatBytes } from "../../src/encoding/hex.ts";
import { writeProofIdentity } from "../../src/proof/identity.ts";
import { payIdOf } from "../../src/reservoir/pay-id.ts";
import { curveKeyPair } from "../../src/transport/curve.ts";
import { RequestClient } from "../../src/transport/request-client.ts";
import { connectEachToOthers } from "./harness/node-suite.ts";
import { freePort, NodeProcess } from "./node-process.ts";
import { asset, assetIdOf, BTC, issue, LTC, packed } from "./reservoir-fakes.ts";

const hash = activeBackend();

export interface ProvenIssue {
  asset: Uint8Array;
  issues: Uint8Array;
  /** pay id ‖ nonce */
  proof: Uint8Array;
}

let issueNonce = BigInt(Date.now());

export function provenIssue(chain: ChainName, fingerprint: string): ProvenIssue {
  const a = asset(fingerprint);
  const issues = packed(issue(assetIdOf(a), ++issueNonce));
  const payId = payIdOf(hash, [issues]);
  const target = targetBytes(scaledDifficulty(1, chain).target);
  const crcs = [crcBytes(genesisFor(chain).crc)];
  const nonce = new Uint8Array(8);
  const view = new DataView(nonce.buffer);
  for (let i = 0n; ; i++) {
    view.setBigUint64(0, i);
    if (hash.proofCheck(payId, crcs, nonce, target) >= 0) break;
  }
  return { asset: packed(a), issues, proof: concatBytes(payId, nonce) };
}

/** Pushes the asset, the issue and its proof to `node` over CURVE; throws unless each is accepted ("A"). */
export async function pushItem(node: Pick<NodeProcess, "name" | "address" | "publicKey">, item: ProvenIssue, chain: ChainName = "local"): Promise<void> {
  const client = new RequestClient(curveKeyPair());
  client.connect(node.address, node.publicKey);
  const te = new TextEncoder();
  try {
    for (const [command, p0] of [["assets", item.asset], ["issues", item.issues], ["proof", item.proof]] as const) {
      const reply = await client.request([te.encode(chain), te.encode(command), p0], 10_000);
      const text = reply.map((f) => Buffer.from(f).toString());
      if (text[0] !== command || text[1] !== "A") throw new Error(`${node.name}: ${command} push answered ${JSON.stringify(text)}`);
    }
  } finally {
    client.close();
  }
}

/** Writes proof.public/.private/.sign into `dir` and returns the `proofing` section using them; the CURVE public key too. */
export function proofSection(dir: string, chain: ChainName, publishPort: number, submitPort: number): { section: Record<string, unknown>; publicKey: Uint8Array } {
  const publicKey = writeProofIdentity({
    publicPath: join(dir, "proof.public"),
    privatePath: join(dir, "proof.private"),
    signingPath: join(dir, "proof.sign"),
    testnet: isTestnet(chain),
  });
  return {
    publicKey,
    section: {
      publish: [`127.0.0.1:${publishPort}`],
      submit: [`127.0.0.1:${submitPort}`],
      payment_address: { bitcoin: BTC, litecoin: LTC },
    },
  };
}

/** Timing of the block production networks: one client is enough, jobs every second. */
export const PROOF_TIMING = { minimum_clients: 1, upstream_poll: 500, upstream_timeout: 5000, proof_interval: 1000, proof_pause: 500 };

/**
 * Three nodes on `local` connected to each other, all in Normal: A runs the proofer (its ports returned) with
 * `a`'s extra options (HTTP, run arguments), B and C only hold the chain.
 */
export async function proofNetwork(root: string, a: { http?: boolean; runArgs?: string[] } = {}) {
  const [publishPort, submitPort] = [await freePort(), await freePort()];
  mkdirSync(join(root, "a"), { recursive: true, mode: 0o700 });
  const proof = proofSection(join(root, "a"), "local", publishPort, submitPort);
  const common = { root, dynamicConnections: false, timing: PROOF_TIMING };
  const nodes = [
    await NodeProcess.create({ ...common, name: "a", sections: { proofing: proof.section }, ...a }),
    await NodeProcess.create({ ...common, name: "b" }),
    await NodeProcess.create({ ...common, name: "c" }),
  ] as [NodeProcess, NodeProcess, NodeProcess];
  connectEachToOthers(nodes);
  await Promise.all(nodes.map((n) => n.start()));
  await Promise.all(nodes.map((n) => n.waitFor("Normal", (i) => i.normal, 60_000)));
  return { nodes, proof, publishPort, submitPort };
}
