/**
 * Hostile input: 10,000 random `assets`/`issues`/`transfer`/`proof` payloads (random bytes, and valid items
 * with bytes flipped) leave nothing behind and do not grow the heap; valid items beyond the caps are refused.
 */
import { expect, test } from "bun:test";
import { activeBackend } from "../../../src/crypto/index.ts";
import { isFault } from "../../../src/base/fault.ts";
import { reservoirHandlers } from "../../../src/reservoir/process.ts";
import { Reservoir } from "../../../src/reservoir/reservoir.ts";
import { quietLogsWhileRunning } from "../../support/harness/profile.ts";
import { fromHex } from "../../support/hex.ts";
import { asset, assetIdOf, FakeChain, issue, packed, vectors } from "../../support/reservoir-fakes.ts";

const hash = activeBackend();

quietLogsWhileRunning("error"); // every refused payload is logged

/** Deterministic pseudo-random bytes (xorshift32), so a failure can be replayed. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  return {
    int: (n: number) => Math.floor(next() * n),
    bytes: (n: number) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256)),
  };
}

/** Whether a handler accepted the item; only bitmarkd's refusals (Faults) are expected to be thrown. */
function relays(handler: (p0: Uint8Array) => boolean, p0: Uint8Array): boolean {
  try {
    return handler(p0);
  } catch (e) {
    if (isFault(e)) return false;
    throw e;
  }
}

function heapUsed(): number {
  Bun.gc(true);
  return process.memoryUsage().heapUsed;
}

test("10,000 random payloads through the handlers (refusals are Faults): nothing kept, heap bounded", { timeout: 120_000 }, () => {
  const chain = new FakeChain();
  const r = new Reservoir({ chain: "testing", view: chain, hash });
  const h = reservoirHandlers(r);
  const a = asset("0123456789abcdef");
  const id = assetIdOf(a);
  chain.confirmIssue(issue(id, 1n), 10);
  const templates = [packed(a), packed(issue(id, 2n)), fromHex(vectors.try_proof.packed_issues_hex)];
  const handlers = [h.assets, h.issues, h.transfer, h.proof];
  const random = rng(0x5eed);

  const run = (count: number) => {
    let relayed = 0;
    for (let i = 0; i < count; i++) {
      let p0: Uint8Array;
      const kind = random.int(4);
      if (kind === 0) p0 = random.bytes(random.int(2048));
      else if (kind === 1) p0 = Uint8Array.of([2, 3, 4, 5, 7][random.int(5)]!, ...random.bytes(random.int(300)));
      else if (kind === 2) p0 = Uint8Array.of(...fromHex(vectors.try_proof.pay_id_hex), ...random.bytes(random.int(80)));
      else {
        // a valid record with one to four bytes changed (signature, length, key or tag damage)
        p0 = templates[random.int(templates.length)]!.slice();
        for (let k = 0, n = 1 + random.int(4); k < n; k++) p0[random.int(p0.length)] = random.int(256);
      }
      if (relays(handlers[random.int(handlers.length)]!, p0)) relayed++;
    }
    return relayed;
  };

  run(500); // warm up code paths and caches before measuring
  const before = heapUsed();
  const relayed = run(10_000);
  const after = heapUsed();
  const growth = after - before;
  console.log(`flood: relayed ${relayed}, heap growth ${(growth / 1024 / 1024).toFixed(2)} MiB, pools ${JSON.stringify(r.sizes())}`);
  // A damaged record can still be valid (e.g. a byte changed to itself), so a few may be accepted.
  expect(r.sizes().unverified + r.sizes().assets).toBeLessThanOrEqual(relayed);
  expect(relayed).toBeLessThan(100);
  expect(growth).toBeLessThan(16 * 1024 * 1024);
});

test("valid items beyond the caps are refused; the pools stop at their limits", { timeout: 60_000 }, () => {
  const limits = { maxAssets: 20, maxUnverified: 30, maxPooledTxs: 1000 };
  const r = new Reservoir({ chain: "testing", view: new FakeChain(), hash, limits });
  const h = reservoirHandlers(r);
  let assetsRelayed = 0;
  for (let i = 0; i < 30; i++) if (relays(h.assets, packed(asset(`flood-${i}`)))) assetsRelayed++;
  expect(assetsRelayed).toBe(20);
  const id = assetIdOf(asset("flood-0"));
  let issuesRelayed = 0;
  const issues = Array.from({ length: 40 }, (_, i) => packed(issue(id, BigInt(i + 1))));
  for (const p0 of issues) if (relays(h.issues, p0)) issuesRelayed++;
  expect(issuesRelayed).toBe(30);
  expect(r.sizes()).toMatchObject({ assets: 20, unverified: 30 });
  // pooled transactions: batches of 10 stop at 30 transactions even with pay ids to spare
  const big = new Reservoir({ chain: "testing", view: new FakeChain(), hash, limits: { maxPooledTxs: 30 } });
  big.assets.cache(asset("flood-0"));
  let batches = 0;
  for (let b = 0; b < 4; b++) if (relays(reservoirHandlers(big).issues, Buffer.concat(issues.slice(b * 10, b * 10 + 10)))) batches++;
  expect(batches).toBe(3);
  expect(big.counters().pending).toBe(30);
});
