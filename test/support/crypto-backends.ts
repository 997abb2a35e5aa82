/**
 * The hashing backends every crypto test runs against: the TypeScript twin always, the Rust addon when it
 * loads. With BUNMARK_REQUIRE_NATIVE=1 a missing addon is an error, as src/crypto/index.ts's selection makes it
 * (backendByName does not select, so the rule is checked here).
 */
import type { HashBackend } from "../../src/crypto/api.ts";
import { backendByName } from "../../src/crypto/index.ts";

export function backendsUnderTest(): HashBackend[] {
  const native = backendByName("native");
  if (!native && process.env.BUNMARK_REQUIRE_NATIVE === "1") throw new Error("BUNMARK_REQUIRE_NATIVE=1 but the native addon is unavailable");
  return native ? [backendByName("js")!, native] : [backendByName("js")!];
}

export { utf8Bytes as utf8 } from "../../src/encoding/utf8.ts";
export { fromHex as bytes, toHex as hex } from "./hex.ts";
