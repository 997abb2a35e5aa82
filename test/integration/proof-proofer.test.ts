/**
 * The proofer in process (Proofer.start on a real store, reservoir and mode), its submission socket driven by an
 * independent client (pyzmq): a nonce whose real Argon2d digest is above the target, a submission while the node is
 * not in Normal mode (which drops every job: the same job is unknown afterwards) — each gets 8.2's reply, nothing
 * is stored and no block is broadcast. Jobs are published only in Normal mode.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ModeState } from "../../src/base/mode.ts";
import { bitsToTarget, targetBytes } from "../../src/chain/rules/difficulty.ts";
import { openStore } from "../../src/chain/store/store.ts";
import { unpackRecord } from "../../src/chain/types/records/unpack.ts";
import { hash } from "../../src/crypto/index.ts";
import { parseProofing } from "../../src/proof/config.ts";
import { Proofer } from "../../src/proof/index.ts";
import { parseJobMessage } from "../../src/proof/job-message.ts";
import { writeProofIdentity } from "../../src/proof/identity.ts";
import { startReservoir } from "../../src/reservoir/index.ts";
import { shutdown } from "../../src/transport/context.ts";
import { curveKeyPair } from "../../src/transport/curve.ts";
import { Subscriber } from "../../src/transport/subscriber.ts";
import { quietLogsWhileRunning } from "../support/harness/profile.ts";
import { provenIssue } from "../support/proof-items.ts";
import { pyzmqRequests, pyzmqSkipReason } from "../support/pyzmq.ts";
import { BTC, LTC } from "../support/reservoir-fakes.ts";

quietLogsWhileRunning();
const dir = mkdtempSync(join(tmpdir(), "bunmark-proofer-"));
const skip = pyzmqSkipReason();
const closing: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of closing.reverse()) await c();
  await shutdown();
  rmSync(dir, { recursive: true, force: true });
});

test.skipIf(skip !== undefined)("digest above the target and not-Normal submissions: 8.2's replies, nothing stored", { timeout: 120_000 }, async () => {
  const publicKey = writeProofIdentity({ publicPath: join(dir, "proof.public"), privatePath: join(dir, "proof.private"), signingPath: join(dir, "proof.sign"), testnet: true });
  const config = parseProofing({ publish: "127.0.0.1:0", submit: "127.0.0.1:0", payment_address: { bitcoin: BTC, litecoin: LTC } }, dir, true)!;
  const store = openStore(dir, "testing");
  closing.push(() => store.close());
  const mode = new ModeState();
  const rsv = startReservoir({ store, chain: "testing", mode, broadcast: () => {} });
  closing.push(() => rsv.stop());
  const broadcasts: string[] = [];
  const proofer = Proofer.start({ config, chain: "testing", store, mode, reservoir: rsv.reservoir, broadcast: (c) => broadcasts.push(c), timing: { intervalMs: 200, pauseMs: 100 } });
  closing.push(() => proofer.stop());

  // a verified issue in the pool
  const item = provenIssue("testing", "proof-proofer-fingerprint");
  const asset = unpackRecord(item.asset, true).record;
  if (asset.tag !== 2) throw new Error("not an asset");
  rsv.reservoir.assets.cache(asset);
  rsv.reservoir.storeIssues([unpackRecord(item.issues, true).record]);
  rsv.reservoir.tryProof(item.proof.subarray(0, 48), item.proof.subarray(48));
  expect(rsv.reservoir.counters().verified).toBe(1);

  const jobs: string[] = [];
  const sub = Subscriber.open({
    address: proofer.publishEndpoints[0]!.replace("tcp://", ""),
    curve: { keys: curveKeyPair(), serverKey: publicKey },
    onMessage: (frames) => jobs.push(Buffer.from(frames[0]!).toString()),
    onConnected: () => {},
  });
  closing.push(() => sub.close());
  await Bun.sleep(1000);
  expect(jobs).toEqual([]); // not Normal: no job
  mode.set("Normal");
  while (jobs.length === 0) await Bun.sleep(50);
  const { job, header } = parseJobMessage(jobs[0]!);

  // a nonce whose real digest is above difficulty 1's target (255 nonces in 256 are)
  const target = targetBytes(bitsToTarget(new DataView(header.buffer).getBigUint64(84, true)));
  const view = new DataView(header.buffer);
  let nonce = 0n;
  for (;; nonce++) {
    view.setBigUint64(92, nonce, true);
    if (!hash.meetsDifficulty(hash.blockDigest(header), target)) break;
  }
  const packed = Buffer.alloc(8);
  packed.writeBigUInt64LE(nonce);
  const request = new TextEncoder().encode(JSON.stringify({ Request: "block.nonce", Job: job, Packed: packed.toString("base64") }));
  const submit = async () => {
    const { replies } = await pyzmqRequests({ address: proofer.submitEndpoints[0]!.replace("tcp://", ""), serverKey: publicKey, requests: [[request]], timeoutMs: 20_000 });
    return replies.map((r) => (r === "timeout" ? r : Buffer.from(r[0]!).toString()));
  };
  expect(await submit()).toEqual([`{"job":"${job}","ok":false}`]);

  mode.set("Resynchronise");
  expect(await submit()).toEqual([`{"job":"${job}","ok":false}`]); // drops every job
  mode.set("Normal");
  expect(await submit()).toEqual([`{"job":"${job}","ok":false}`]); // now an unknown job
  expect(store.height()).toBe(1);
  expect(broadcasts).toEqual([]);
});
