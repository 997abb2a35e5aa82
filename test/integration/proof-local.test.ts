/**
 * Block production on `local` with an independent miner: three bunmark nodes in Normal mode, node A running the
 * proofer; proven issues pushed to A through the peer protocol; test/support/py-miner.py (pyzmq + argon2-cffi,
 * no bunmark code) subscribes to A's jobs over CURVE and submits nonces over CURVE. On `local` the node does not
 * compare digests with the target, so the first nonce wins: three blocks, one per pushed issue.
 *
 * First, with an item in the pool but no miner yet, pyzmq sends malformed, unknown-job and wrong-length submissions:
 * 8.2's replies, nothing stored. Then: B and C hold the same blocks (relayed `block` pushes), a fourth node D started afterwards syncs them from
 * the others, and block 2's bytes are checked against records.md with node:crypto's SHA3 (not bunmark's):
 * header fields, merkle root over the records' hashes, the foundation first and owned by the proof signing key.
 */
import { expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { blockNumberKey } from "../../src/chain/types/header.ts";
import { parseSigningKey } from "../../src/proof/identity.ts";
import { ensureKeyPair } from "../../src/transport/keys.ts";
import { nodeSuite } from "../support/harness/node-suite.ts";
import { NodeProcess } from "../support/node-process.ts";
import { PROOF_TIMING, proofNetwork, provenIssue, pushItem } from "../support/proof-items.ts";
import { pyMinerSkipReason, startPyMiner } from "../support/py-miner.ts";
import { pyzmqRequests } from "../support/pyzmq.ts";

const dir = nodeSuite("proof-local");
const skip = pyMinerSkipReason();
const sha3 = (b: Uint8Array) => new Uint8Array(createHash("sha3-256").update(b).digest());
const hex = (b: Uint8Array | string | undefined) => (b instanceof Uint8Array ? Buffer.from(b).toString("hex") : String(b));

/** records.md §6, written out independently: pairs hashed, an odd last one paired with itself, until one is left. */
function merkle(ids: Uint8Array[]): Uint8Array {
  let level = ids;
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(sha3(Buffer.concat([level[i]!, level[i + 1] ?? level[i]!])));
    level = next;
  }
  return level[0]!;
}

test.skipIf(skip !== undefined)("py-miner makes three blocks on local; peers hold them, a new node syncs them, bytes follow records.md", { timeout: 240_000 }, async () => {
  const { nodes, proof, publishPort, submitPort } = await proofNetwork(dir, { http: true });
  const [A, B, C] = nodes;

  // the submission socket's error paths, from an independent client (pyzmq), before any miner runs
  const mark = A.mark();
  await pushItem(A, provenIssue("local", "proof-local-fingerprint-0"));
  const job = (await A.waitForLog(/job published.*job=([0-9a-f]{4})/, { since: mark, timeoutMs: 30_000 }))[1]!;
  const submit = (o: unknown) => new TextEncoder().encode(typeof o === "string" ? o : JSON.stringify(o));
  const { replies } = await pyzmqRequests({
    address: `127.0.0.1:${submitPort}`,
    serverKey: proof.publicKey,
    requests: [
      [submit("{not json")],
      [submit({ Request: "block.nonce", Job: "ffff", Packed: "AQIDBAUGBwg=" })],
      [submit({ Request: "block.nonce", Job: job, Packed: "AQID" })],
    ],
  });
  expect(replies.map((r) => (r === "timeout" ? r : r.map((f) => Buffer.from(f).toString())))).toEqual([
    ['{"job":"","ok":false}'],
    ['{"job":"ffff","ok":false}'],
    [`{"job":"${job}","ok":false}`],
  ]);
  expect((await A.info())!.height).toBe(1); // nothing stored

  const miner = startPyMiner({ publish: `127.0.0.1:${publishPort}`, submit: `127.0.0.1:${submitPort}`, serverKey: proof.publicKey, blocks: 3, anyDigest: true, timeoutS: 150 });
  try {
    await A.waitFor("height 2", (i) => i.height === 2, 60_000);
    for (let k = 1; k < 3; k++) {
      await pushItem(A, provenIssue("local", `proof-local-fingerprint-${k}`));
      await A.waitFor(`height ${k + 2}`, (i) => i.height === k + 2, 60_000);
    }
  } finally {
    setTimeout(() => miner.kill(), 30_000).unref();
  }
  const lines = await miner.result;
  // the job message's keys, in 8.2's order (proof.md §4), as an independent JSON parser sees them
  expect(lines[0]).toEqual({
    job_keys: ["Job", "Header", "TxZero", "TxIds", "AssetIds"],
    header_keys: ["version", "transactionCount", "number", "previousBlock", "merkleRoot", "timestamp", "difficulty", "nonce"],
  });
  const submissions = lines.filter((l) => l.reply !== undefined);
  expect(submissions.filter((l) => l.reply!.ok).length).toBe(3);
  expect(lines.at(-1)).toMatchObject({ done: true, found: 3 });
  expect(A.output).toContain("block found");

  for (const n of [B, C]) await n.waitFor("height 4", (i) => i.height === 4, 30_000);
  const digests = async (n: NodeProcess) => Promise.all([2, 3, 4].map(async (k) => hex(await n.digest(k))));
  const expected = await digests(A);
  expect(await digests(B)).toEqual(expected);
  expect(await digests(C)).toEqual(expected);

  // a node that was not there syncs the new blocks from the others
  const d = await NodeProcess.create({ root: dir, name: "d", dynamicConnections: false, timing: PROOF_TIMING });
  ensureKeyPair(d.dir);
  d.writeConfig(nodes.map((n) => n.peer));
  await d.start();
  await d.waitFor("height 4", (i) => i.height === 4, 60_000);
  expect(await digests(d)).toEqual(expected);

  // block 2's bytes (records.md §7.1, §6, §5.3)
  const reply = await d.request(["B", blockNumberKey(2)]);
  expect(Buffer.from(reply![0]!).toString()).toBe("B");
  const block = reply![1]!;
  const v = new DataView(block.buffer, block.byteOffset);
  expect(v.getUint16(0, true)).toBe(2); // version
  const count = v.getUint16(2, true);
  expect(count).toBe(3); // foundation, asset, issue
  expect(v.getBigUint64(4, true)).toBe(2n);
  expect(hex(block.subarray(12, 44))).toBe(hex(await d.digest(1)));
  expect(v.getBigUint64(84, true)).toBe(0x00ffffffffffffffn);
  // split the records: foundation is TxZero, then the pushed asset and issue exactly as pushed
  const owner = parseSigningKey(readFileSync(join(A.dir, "proof.sign"), "utf8")).account.publicKey;
  const body = block.subarray(100);
  expect(body[0]).toBe(6);
  const ownerAt = body.indexOf(0x13, 3) + 1; // account variant 0x13: Ed25519, test network, public
  expect(hex(body.subarray(ownerAt, ownerAt + 32))).toBe(hex(owner));
  expect(hex(body.subarray(ownerAt + 32, ownerAt + 35))).toBe("d20940"); // nonce 1234, 64-byte signature
  const foundation = body.subarray(0, ownerAt + 35 + 64);
  const rest = body.subarray(foundation.length);
  // asset and issue: the merkle root over sha3 of each record must match the header
  const leaves = [sha3(foundation)];
  const assetLength = findRecordEnd(rest);
  leaves.push(sha3(rest.subarray(0, assetLength)), sha3(rest.subarray(assetLength)));
  expect(hex(merkle(leaves))).toBe(hex(block.subarray(44, 76)));
});

/** Length of the first record of `rest` (an asset, tag 2: name, fingerprint, metadata, registrant, signature — each length-prefixed). */
function findRecordEnd(rest: Uint8Array): number {
  let at = 1;
  for (let field = 0; field < 5; field++) {
    let len = 0;
    let shift = 0;
    for (;;) {
      const b = rest[at++]!;
      len |= (b & 0x7f) << shift;
      shift += 7;
      if ((b & 0x80) === 0) break;
    }
    at += len;
  }
  return at;
}
