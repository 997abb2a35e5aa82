/**
 * Pay ids and pay nonces (pay/payid_test.go, reservoir/paynonce_test.go), ScaledDifficulty tables, and the
 * proof check agreeing between the native addon and the TypeScript twin.
 */
import { describe, expect, test } from "bun:test";
import { scaledDifficulty, targetBytes } from "../../../src/chain/rules/difficulty.ts";
import { activeBackend, backendByName } from "../../../src/crypto/index.ts";
import { payIdOf } from "../../../src/reservoir/pay-id.ts";
import { stateText, TrackingStatus, TransactionState, trackingText } from "../../../src/reservoir/status.ts";
import { fromHex, toHex } from "../../support/hex.ts";
import { vectors } from "../../support/reservoir-fakes.ts";

const hash = activeBackend();

describe("pay id", () => {
  for (const [i, c] of vectors.pay_id.entries()) {
    test(`vector ${i}: sha3-384 over the parts in order`, () => {
      const parts = c.parts_hex.map(fromHex);
      expect(toHex(payIdOf(hash, parts))).toBe(c.pay_id_hex);
      if ("txids_hex" in c) expect(parts.map((p) => toHex(hash.sha3_256(p)))).toEqual(c.txids_hex!);
    });
  }

  test("ten issues: scaled difficulty bits on testing", () => {
    const c = vectors.pay_id[1]!;
    expect(scaledDifficulty(c.parts_hex.length, "testing").bits.toString(16).padStart(16, "0")).toBe(c.scaled_difficulty_testing_bits_hex!);
  });
});

describe("ScaledDifficulty tables (counts 1–100)", () => {
  for (const chain of ["bitmark", "testing"] as const) {
    test(chain, () => {
      const rows = vectors.scaled_difficulty[chain];
      expect(rows.length).toBe(100);
      for (const [count, bits, target] of rows as [number, string, string][]) {
        const d = scaledDifficulty(count, chain);
        expect([count, d.bits.toString(16).padStart(16, "0"), toHex(targetBytes(d.target))]).toEqual([count, bits, target]);
      }
    });
  }
  test("local uses the testing base", () => {
    expect(scaledDifficulty(7, "local")).toEqual(scaledDifficulty(7, "testing"));
  });
});

describe("status texts", () => {
  const tracking: [TrackingStatus, string][] = [
    [TrackingStatus.NotFound, "NotFound"],
    [TrackingStatus.Accepted, "Accepted"],
    [TrackingStatus.Processed, "Processed"],
    [TrackingStatus.Invalid, "Invalid"],
  ];
  for (const [s, text] of tracking) {
    test(`${text} = ${s}`, () => {
      expect(trackingText(s)).toBe(text);
    });
  }
  test("transaction states", () => {
    expect([0, 1, 2, 3].map((s) => stateText(s as TransactionState))).toEqual(["Unknown", "Pending", "Verified", "Confirmed"]);
  });
});

describe("proof check: native addon and TypeScript twin agree", () => {
  const native = backendByName("native");
  const js = backendByName("js")!;
  const required = process.env.BUNMARK_REQUIRE_NATIVE === "1";

  test("the worked example in both backends", () => {
    const v = vectors.try_proof;
    const crcs = Array.from({ length: 19 }, () => fromHex(vectors.try_proof_ring_crc_hex));
    for (const b of [js, native]) {
      if (b === undefined) continue;
      expect(b.proofCheck(fromHex(v.pay_id_hex), crcs, fromHex(v.client_nonce_ok_hex), fromHex(v.difficulty_exact_target_hex))).toBe(0);
      expect(b.proofCheck(fromHex(v.pay_id_hex), crcs, fromHex(v.client_nonce_bad_hex), fromHex(v.difficulty_exact_target_hex))).toBe(-1);
    }
  });

  test.skipIf(native === undefined && !required)("random inputs", () => {
    // with BUNMARK_REQUIRE_NATIVE=1 a missing addon fails here
    expect(native).toBeDefined();
    let seed = 12345;
    const byte = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    const bytes = (n: number) => Uint8Array.from({ length: n }, byte);
    let hits = 0;
    for (let i = 0; i < 300; i++) {
      const crcs = Array.from({ length: 1 + (i % 19) }, () => bytes(8));
      const nonce = bytes(8 + (i % 57));
      // targets from "almost nothing passes" to "most pass" so both outcomes and every index occur
      const target = new Uint8Array(32).fill(0xff);
      target.fill(0, 0, i % 3);
      target[i % 3] = byte();
      const payId = bytes(48);
      const a = js.proofCheck(payId, crcs, nonce, target);
      expect(native!.proofCheck(payId, crcs, nonce, target)).toBe(a);
      if (a >= 0) hits++;
    }
    expect(hits).toBeGreaterThan(10);
    expect(hits).toBeLessThan(290);
  });
});
