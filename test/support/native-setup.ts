/**
 * Shared set-up of the native addon tests: the loaded addon (raw and as a HashBackend), the fixture, and the
 * skip rule — the tests skip with a visible reason when native/bunmark.node is not built, except under
 * BUNMARK_REQUIRE_NATIVE=1 (make test), where a missing addon fails.
 */
import { describe, expect, test } from "bun:test";
import { loadNativeAddon, loadNativeBackend } from "../../src/crypto/native.ts";
import vectors from "../fixtures/native-vectors.json";

export { vectors };
export const addon = loadNativeAddon();
export const backend = loadNativeBackend();

export { fromHex as bytes, toHex as hex } from "./hex.ts";
export { utf8Bytes as utf8 } from "../../src/encoding/utf8.ts";

/** `describe` for tests that need the addon: skipped (with the reason in its title) when it is absent. */
export function describeNative(title: string, body: () => void): void {
  if (addon && backend) {
    describe(title, body);
    return;
  }
  const reason = "native/bunmark.node is not built (run `make native`)";
  if (process.env.BUNMARK_REQUIRE_NATIVE === "1") {
    test(`${title}: the addon is required (BUNMARK_REQUIRE_NATIVE=1)`, () => {
      expect(reason).toBe("the addon loaded");
    });
    return;
  }
  describe.skip(`${title} — SKIPPED: ${reason}`, body);
}
