/**
 * The built-in miner against a bunmark proofer on `local`: first `run --mine=1` (node A mines for its own proofer
 * in the same process), then, A restarted without it, `bunmark mine --connect KEY@HOST:PUB,SUBMIT` as a separate
 * process hashing with the TypeScript twin (BUNMARK_NATIVE=0, as on a machine without the addon). Each pushed proven issue becomes a block that B and C hold too; `mine` stops cleanly on SIGINT.
 */
import { expect, test } from "bun:test";
import { nodeSuite } from "../support/harness/node-suite.ts";
import type { NodeProcess } from "../support/node-process.ts";
import { CLI } from "../support/paths.ts";
import { proofNetwork, provenIssue, pushItem } from "../support/proof-items.ts";

const dir = nodeSuite("proof-miner");

test("run --mine, then bunmark mine, make blocks every node holds", { timeout: 240_000 }, async () => {
  const { nodes, proof, publishPort, submitPort } = await proofNetwork(dir, { runArgs: ["--mine=1"] });
  const [A, B, C] = nodes;

  await pushItem(A, provenIssue("local", "proof-miner-fingerprint-1"));
  for (const n of nodes) await n.waitFor("height 2", (i) => i.height === 2, 60_000);
  expect(A.output).toContain("block accepted");
  expect(A.output).toContain("block found");

  // A without its own miner: the separate `mine` command instead
  expect(await A.stop()).toBe(0);
  A.runArgs = [];
  await A.start();
  await A.waitFor("Normal", (i) => i.normal, 60_000);
  const key = Buffer.from(proof.publicKey).toString("hex");
  const miner = Bun.spawn([process.execPath, CLI, "mine", "--connect", `${key}@127.0.0.1:${publishPort},${submitPort}`, "--threads", "1", "--chain", "local"], {
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, BUNMARK_NATIVE: "0", BUNMARK_REQUIRE_NATIVE: "" }, // the TypeScript twin, as without the addon
  });
  try {
    await pushItem(A, provenIssue("local", "proof-miner-fingerprint-2"));
    for (const n of nodes) await n.waitFor("height 3", (i) => i.height === 3, 60_000);
  } finally {
    miner.kill("SIGINT");
  }
  expect(await miner.exited).toBe(0);
  const [out, err] = await Promise.all([new Response(miner.stdout).text(), new Response(miner.stderr).text()]);
  expect(out).toContain("block accepted"); // log lines
  expect(out).toMatch(/miner started .*digest=js/);
  expect(err).toMatch(/mined: \d+ hashes, \d+ jobs, 1 blocks/);
  const digest = async (n: NodeProcess) => Buffer.from((await n.digest(3)) as Uint8Array).toString("hex");
  expect(await digest(B)).toBe(await digest(A));
  expect(await digest(C)).toBe(await digest(A));
});
