/** Z85 (RFC 32) and the CurveZMQ key helpers against fixed vectors. */
import { describe, expect, test } from "bun:test";
import fixture from "../../fixtures/wire-keys.json";
import { curveKeyPair, curvePublicKey } from "../../../src/transport/curve.ts";
import { z85Decode, z85Encode } from "../../../src/transport/z85.ts";
import { fromHex, toHex } from "../../support/hex.ts";

describe("z85", () => {
  for (const { hex: h, text } of fixture.z85) {
    test(`encode/decode ${JSON.stringify(text)}`, () => {
      expect(z85Encode(fromHex(h))).toBe(text);
      expect(toHex(z85Decode(text))).toBe(h);
    });
  }

  const bad: [string, () => unknown, string][] = [
    ["encode length not a multiple of 4", () => z85Encode(new Uint8Array(3)), "multiple of 4"],
    ["decode length not a multiple of 5", () => z85Decode("Hello"+"W"), "multiple of 5"],
    ["decode foreign character", () => z85Decode("Hell\""), "invalid character at 4"],
    ["decode non-ASCII character", () => z85Decode("Hellé"), "invalid character at 4"],
    ["decode group above 2^32-1", () => z85Decode("%nSc1"), "out of range"],
  ];
  for (const [name, fn, message] of bad) test(name, () => expect(fn).toThrow(message));
});

describe("curve keys", () => {
  test("public key of the fixture secret key", () => {
    expect(toHex(curvePublicKey(fromHex(fixture.pair.private_hex)))).toBe(fixture.pair.public_hex);
  });

  test("fresh pairs are 32 bytes, consistent and distinct", () => {
    const a = curveKeyPair();
    const b = curveKeyPair();
    expect(a.publicKey.length).toBe(32);
    expect(a.secretKey.length).toBe(32);
    expect(toHex(curvePublicKey(a.secretKey))).toBe(toHex(a.publicKey));
    expect(toHex(a.secretKey)).not.toBe(toHex(b.secretKey));
  });

  test("secret key of the wrong length is refused", () => {
    expect(() => curvePublicKey(new Uint8Array(31))).toThrow("32 bytes");
  });
});
