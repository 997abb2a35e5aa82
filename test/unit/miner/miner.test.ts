/**
 * The built-in miner: `--connect` parsing, and the event loop staying responsive while it hashes on native
 * threads (issue 15: timer drift < 50 ms). The miner subscribes to an in-process PUB server publishing a job whose
 * target nothing meets, so it hashes for the whole measurement and submits nothing.
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
