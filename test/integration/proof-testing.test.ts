/**
 * SLOW (minutes): real difficulty-1 blocks on the `testing` chain, where the node compares every submitted digest
 * with the target. About 256 Argon2d runs per block (proof.md §6.3): first the independent python miner
 * (test/support/py-miner.py, one thread, ≈0.5 s per Argon2d on an idle core) mines block 2, then bunmark's own
 * `mine --threads 2` mines block 3 against the same proofer. B and C hold both blocks.
 */
import { expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { connectEachToOthers, nodeSuite } from "../support/harness/node-suite.ts";
import { freePort, NodeProcess } from "../support/node-process.ts";
import { CLI } from "../support/paths.ts";
import { proofSection, provenIssue, pushItem } from "../support/proof-items.ts";
import { pyMinerSkipReason, startPyMiner } from "../support/py-miner.ts";

const dir = nodeSuite("proof-testing");
const skip = pyMinerSkipReason();
const timing = { minimum_clients: 1, upstream_poll: 500, upstream_timeout: 5000, proof_interval: 2000, proof_pause: 1000 };
const MINUTES = 60_000;

test.skipIf(skip !== undefined)("testing chain: py-miner, then bunmark mine, each find a difficulty-1 block", { timeout: 20 * MINUTES }, async () => {
  const [publishPort, submitPort] = [await freePort(), await freePort()];
  mkdirSync(join(dir, "a"), { recursive: true, mode: 0o700 });
  const proof = proofSection(join(dir, "a"), "testing", publishPort, submitPort);
  const nodes = [
    await NodeProcess.create({ root: dir, name: "a", chain: "testing", dynamicConnections: false, timing, sections: { proofing: proof.section } }),
    await NodeProcess.create({ root: dir, name: "b", chain: "testing", dynamicConnections: false, timing }),
    await NodeProcess.create({ root: dir, name: "c", chain: "testing", dynamicConnections: false, timing }),
  ];
  connectEachToOthers(nodes);
  await Promise.all(nodes.map((n) => n.start()));
  await Promise.all(nodes.map((n) => n.waitFor("Normal", (i) => i.normal, 60_000)));
  const [A] = nodes as [NodeProcess];

  const started = Date.now();
  const py = startPyMiner({ publish: `127.0.0.1:${publishPort}`, submit: `127.0.0.1:${submitPort}`, serverKey: proof.publicKey, blocks: 1, anyDigest: false, timeoutS: 9 * 60 });
  await pushItem(A, provenIssue("testing", "proof-testing-fingerprint-1"), "testing");
  const lines = await py.result;
  const pySeconds = (Date.now() - started) / 1000;
  const win = lines.find((l) => l.reply?.ok);
  expect(win).toBeDefined();
  expect(lines.filter((l) => l.reply && !l.reply.ok)).toEqual([]); // every nonce it sent met the target
  for (const n of nodes) await n.waitFor("height 2", (i) => i.height === 2, 60_000);

  const key = Buffer.from(proof.publicKey).toString("hex");
  const t2 = Date.now();
  const miner = Bun.spawn([process.execPath, CLI, "mine", "--connect", `${key}@127.0.0.1:${publishPort},${submitPort}`, "--threads", "2", "--chain", "testing"], { stdout: "pipe", stderr: "pipe" });
  try {
    await pushItem(A, provenIssue("testing", "proof-testing-fingerprint-2"), "testing");
    for (const n of nodes) await n.waitFor("height 3", (i) => i.height === 3, 9 * MINUTES);
  } finally {
    miner.kill("SIGINT");
  }
  expect(await miner.exited).toBe(0);
  const err = await new Response(miner.stderr).text();
  expect(err).toMatch(/mined: \d+ hashes, \d+ jobs, 1 blocks/);
  console.log(`proof-testing: py-miner block after ${lines.at(-1)!.hashes} hashes over ${lines.at(-1)!.jobs} jobs in ${pySeconds.toFixed(0)} s; bunmark mine block in ${((Date.now() - t2) / 1000).toFixed(0)} s (${err.trim()}); shared machine`);
});
