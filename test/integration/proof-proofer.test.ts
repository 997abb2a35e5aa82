/**
 * The proofer in process (Proofer.start on a real store, reservoir and mode), its submission socket driven by an
 * independent client (pyzmq): a nonce whose real Argon2d digest is above the target, a submission while the node is
 * not in Normal mode (which drops every job: the same job is unknown afterwards) — each gets 8.2's reply, nothing
 * is stored and no block is broadcast. Jobs are published only in Normal mode. Then on `local`: a found block is
 * stored and broadcast as `block`, and the new tip publishes the next job at once (not at the next timer firing).
 */
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ModeState } from "../../src/base/mode.ts";
import { bitsToTarget, targetBytes } from "../../src/chain/rules/difficulty.ts";
import { openStore } from "../../src/chain/store/store.ts";
import { unpackRecord } from "../../src/chain/types/records/unpack.ts";
import { activeBackend } from "../../src/crypto/index.ts";
import { parseProofing, proofingOnChain } from "../../src/proof/config.ts";
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

const hash = activeBackend();

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
  const config = proofingOnChain(parseProofing({ publish: "127.0.0.1:0", submit: "127.0.0.1:0", payment_address: { bitcoin: BTC, litecoin: LTC } })!, (n) => join(dir, n), true);
  const store = openStore(dir, "testing");
  closing.push(() => store.close());
  const mode = new ModeState();
  const rsv = startReservoir({ store, chain: "testing", broadcast: () => {} });
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

test.skipIf(skip !== undefined)("a found block is stored, broadcast as `block`, and the new tip re-publishes a job at once", { timeout: 120_000 }, async () => {
  const local = join(dir, "local");
  mkdirSync(local);
  const publicKey = writeProofIdentity({ publicPath: join(local, "proof.public"), privatePath: join(local, "proof.private"), signingPath: join(local, "proof.sign"), testnet: true });
  const config = proofingOnChain(parseProofing({ publish: "127.0.0.1:0", submit: "127.0.0.1:0", payment_address: { bitcoin: BTC, litecoin: LTC } })!, (n) => join(local, n), true);
  const store = openStore(local, "local");
  closing.push(() => store.close());
  const mode = new ModeState();
  mode.set("Normal");
  const rsv = startReservoir({ store, chain: "local", broadcast: () => {} });
  closing.push(() => rsv.stop());
  const broadcasts: { command: string; block: Uint8Array }[] = [];
  // first job from the timer after 300 ms; the next timer firing would come a minute later
  const timing = { intervalMs: 300, pauseMs: 60_000 };
  const proofer = Proofer.start({ config, chain: "local", store, mode, reservoir: rsv.reservoir, broadcast: (command, p) => broadcasts.push({ command, block: p[0]! }), timing });
  closing.push(() => proofer.stop());
  const verify = (fingerprint: string) => {
    const item = provenIssue("local", fingerprint);
    const asset = unpackRecord(item.asset, true).record;
    if (asset.tag !== 2) throw new Error("not an asset");
    rsv.reservoir.assets.cache(asset);
    rsv.reservoir.storeIssues([unpackRecord(item.issues, true).record]);
    rsv.reservoir.tryProof(item.proof.subarray(0, 48), item.proof.subarray(48));
  };
  const jobs: { at: number; text: string }[] = [];
  const sub = Subscriber.open({
    address: proofer.publishEndpoints[0]!.replace("tcp://", ""),
    curve: { keys: curveKeyPair(), serverKey: publicKey },
    onMessage: (frames) => jobs.push({ at: performance.now(), text: Buffer.from(frames[0]!).toString() }),
    onConnected: () => {},
  });
  closing.push(() => sub.close());
  await Bun.sleep(500); // subscribed before the first job
  verify("proof-proofer-local-1");
  while (jobs.length === 0) await Bun.sleep(20);
  verify("proof-proofer-local-2"); // in the pool, not in job 0001
  const first = parseJobMessage(jobs[0]!.text);
  expect(first.job).toBe("0001");
  const request = new TextEncoder().encode(JSON.stringify({ Request: "block.nonce", Job: "0001", Packed: "AQAAAAAAAAA=" }));
  const { replies } = await pyzmqRequests({ address: proofer.submitEndpoints[0]!.replace("tcp://", ""), serverKey: publicKey, requests: [[request]], timeoutMs: 20_000 });
  const replied = performance.now();
  expect(replies.map((r) => (r === "timeout" ? r : Buffer.from(r[0]!).toString()))).toEqual(['{"job":"0001","ok":true}']);
  expect(store.height()).toBe(2);
  expect(broadcasts.map((b) => b.command)).toEqual(["block"]);
  expect(Buffer.from(broadcasts[0]!.block).equals(Buffer.from(store.getBlock(2)))).toBe(true);
  expect(new DataView(broadcasts[0]!.block.buffer, broadcasts[0]!.block.byteOffset).getBigUint64(92, true)).toBe(1n); // the submitted nonce
  while (jobs.length < 2) await Bun.sleep(20);
  const second = parseJobMessage(jobs[1]!.text);
  expect(second.job).toBe("0002");
  expect(new DataView(second.header.buffer).getBigUint64(4, true)).toBe(3n); // built on the new tip
  expect(jobs[1]!.at - replied).toBeLessThan(1000); // published on the new tip, not a minute later
});
