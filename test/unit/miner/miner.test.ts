/**
 * The built-in miner: `--connect` parsing; the event loop staying responsive while it hashes on native threads
 * (issue 15: timer drift < 50 ms: an in-process PUB server publishes a job whose target nothing meets, so it hashes
 * for the whole measurement and submits nothing); and its independent hashing loops submitting one nonce per job
 * even when every loop's digest qualifies (`local`), each job's nonces following the published one.
 */
import { afterAll, expect, test } from "bun:test";
import { withDrift } from "../../../src/bench/shared.ts";
import { activeBackendName } from "../../../src/crypto/index.ts";
import { localAddress, parseMinerTarget } from "../../../src/miner/connect.ts";
import { Miner } from "../../../src/miner/miner.ts";
import { jobMessage } from "../../../src/proof/job-message.ts";
import { shutdown } from "../../../src/transport/context.ts";
import { curveKeyPair } from "../../../src/transport/curve.ts";
import { PublishServer } from "../../../src/transport/publish-server.ts";
import { ReplyServer } from "../../../src/transport/reply-server.ts";
import type { HashBackend } from "../../../src/crypto/api.ts";
import { activeBackend } from "../../../src/crypto/index.ts";
import { quietLogsWhileRunning } from "../../support/harness/profile.ts";

quietLogsWhileRunning();
afterAll(shutdown);
const KEY = "ab".repeat(32);
const MEASURE_MS = 4000;

const rows: [string, { publish: string; submit: string } | RegExp][] = [
  [`${KEY}@127.0.0.1:2140,2141`, { publish: "127.0.0.1:2140", submit: "127.0.0.1:2141" }],
  [`${KEY}@[::1]:5,6`, { publish: "[::1]:5", submit: "[::1]:6" }],
  [`${KEY}@127.0.0.1:2140`, /PROOF-PUBKEY@HOST:PUBLISH-PORT,SUBMIT-PORT/],
  [`abc@127.0.0.1:1,2`, /64 hex digits/],
  [`${KEY}@127.0.0.1:0,2`, /invalid port 0/],
];
for (const [text, expected] of rows) {
  test(`--connect ${text}`, () => {
    if (expected instanceof RegExp) expect(() => parseMinerTarget(text)).toThrow(expected);
    else expect(parseMinerTarget(text)).toMatchObject(expected);
  });
}

test("bound endpoints become loopback addresses", () => {
  expect(["tcp://0.0.0.0:2140", "tcp://[::]:2140", "tcp://127.0.0.1:9", "tcp://[::1]:9"].map(localAddress)).toEqual(["127.0.0.1:2140", "[::1]:2140", "127.0.0.1:9", "[::1]:9"]);
});

test.skipIf(activeBackendName() !== "native")("timers stay on time while two threads mine (drift < 50 ms)", async () => {
  const keys = curveKeyPair();
  const pub = PublishServer.open({ addresses: ["127.0.0.1:0"], ...keys, zapDomain: "publisher" });
  // exponent 0xbf: the smallest target there is; no digest meets it
  const job = { header: { version: 2, transactionCount: 2, number: 2, previousBlock: new Uint8Array(32), merkleRoot: new Uint8Array(32), timestamp: 1, bits: 0xbf00000000000000n, nonce: 0n }, txZero: new Uint8Array(1), txIds: [], assetIds: [], transactions: new Uint8Array(0) };
  const address = localAddress(pub.endpoints[0]!);
  // as in the native batch test: the drift of an idle wait first, since on a shared machine timers are late anyway
  const { drift: idle } = await withDrift(() => Bun.sleep(MEASURE_MS), 5);
  const miner = new Miner({ target: { serverKey: keys.publicKey, publish: address, submit: address }, threads: 2, anyDigest: false, progressMs: 0 });
  miner.start();
  // PUB drops messages until the subscription has arrived: publish until the miner has the job
  const feed = setInterval(() => pub.publish([new TextEncoder().encode(jobMessage("0001", job))]), 200);
  while (miner.stats().jobs === 0) await Bun.sleep(50);
  clearInterval(feed);
  const hashesBefore = miner.stats().hashes;
  const { drift: worst } = await withDrift(() => Bun.sleep(MEASURE_MS), 5);
  const hashed = miner.stats().hashes - hashesBefore;
  await miner.stop();
  pub.close();
  console.log(`miner drift: worst ${worst.toFixed(1)} ms while mining, ${idle.toFixed(1)} ms idle, over ${MEASURE_MS / 1000} s; ${hashed} hashes (2 threads, shared machine)`);
  expect(hashed).toBeGreaterThan(0);
  expect(miner.stats().submitted).toBe(0);
  expect(worst).toBeLessThan(50 + idle);
}, { timeout: 60_000, retry: 2 });

test("independent loops on local: one submission per job, nonces after the published one", async () => {
  const keys = curveKeyPair();
  const pub = PublishServer.open({ addresses: ["127.0.0.1:0"], ...keys, zapDomain: "publisher" });
  const submissions: { Job: string; Packed: string }[] = [];
  const submit = ReplyServer.open({
    addresses: ["127.0.0.1:0"],
    ...keys,
    zapDomain: "submit",
    handler: (frames) => {
      const s = JSON.parse(new TextDecoder().decode(frames[0])) as { Job: string; Packed: string };
      submissions.push(s);
      return [new TextEncoder().encode(JSON.stringify({ job: s.Job, ok: true }))];
    },
  });
  // digests that take 20 ms each, so both loops have one in flight when the first qualifies
  const real = activeBackend();
  const hashed: bigint[] = [];
  const hash: HashBackend = {
    ...real,
    blockDigestBatch: async (headers) => {
      hashed.push(...headers.map((h) => new DataView(h.buffer, h.byteOffset).getBigUint64(92, true)));
      await Bun.sleep(20);
      return headers.map(() => new Uint8Array(32));
    },
  };
  const job = (nonce: bigint) => ({ header: { version: 2, transactionCount: 2, number: 2, previousBlock: new Uint8Array(32), merkleRoot: new Uint8Array(32), timestamp: 1, bits: 0xbf00000000000000n, nonce }, txZero: new Uint8Array(1), txIds: [], assetIds: [], transactions: new Uint8Array(0) });
  const miner = new Miner({ target: { serverKey: keys.publicKey, publish: localAddress(pub.endpoints[0]!), submit: localAddress(submit.endpoints[0]!) }, threads: 2, anyDigest: true, hash, progressMs: 0 });
  miner.start();
  try {
    for (const [id, nonce] of [["0001", 100n], ["0002", 500n]] as const) {
      // PUB drops messages until the subscription has arrived: publish until the miner has the job, then stop (a
      // repeat of the job after its submission would be a new job to the miner)
      const jobs = miner.stats().jobs;
      const feed = setInterval(() => pub.publish([new TextEncoder().encode(jobMessage(id, job(nonce)))]), 100);
      while (miner.stats().jobs === jobs) await Bun.sleep(10);
      clearInterval(feed);
      while (!submissions.some((s) => s.Job === id)) await Bun.sleep(10);
      await Bun.sleep(100); // the other loop's digest in flight qualifies too, and must not be submitted
    }
  } finally {
    await miner.stop();
    pub.close();
    submit.close();
  }
  expect(submissions.map((s) => s.Job)).toEqual(["0001", "0002"]);
  expect(miner.stats()).toMatchObject({ submitted: 2, blocks: 2 });
  expect(miner.stats().hashes).toBeGreaterThanOrEqual(4);
  // the first job's nonces are 101, 102, …; the second's start after 500
  expect(hashed.slice(0, 2).sort()).toEqual([101n, 102n]);
  expect(hashed.some((n) => n > 500n)).toBe(true);
  expect(hashed.every((n) => (n > 100n && n < 200n) || n > 500n)).toBe(true);
}, { timeout: 30_000 });
