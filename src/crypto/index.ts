/**
 * The process's hashing backend, chosen once at start-up:
 *   BUNMARK_NATIVE=0           → the TypeScript twin ("js"), whatever else is set;
 *   otherwise the Rust addon   → "native" when loadNativeBackend() finds it;
 *   else                       → "js", unless BUNMARK_REQUIRE_NATIVE=1, which makes a missing addon an error.
 * The choice is logged once (subsystem "crypto", level debug: commands print results on stdout; `run` can
 * report activeBackendName() / activeBackendReason()).
 */
import { logger } from "../base/log.ts";
import type { HashBackend } from "./api.ts";
import { jsBackend } from "./js/backend.ts";
import { loadNativeBackend } from "./native.ts";
import { CryptoError } from "./errors.ts";

export type { Argon2Params, HashBackend } from "./api.ts";
export { ed25519PublicKey, ed25519Sign } from "./js/ed25519.ts";
export { closeDigestWorkers as shutdownDigestWorkers } from "./js/backend.ts";

const log = logger("crypto");

let native: { backend: HashBackend | undefined; why: string } | undefined;

/** Loads the addon at most once (the loader never throws: it logs why the addon is absent or broken). */
function nativeBackend(): { backend: HashBackend | undefined; why: string } {
  if (!native) {
    const backend = loadNativeBackend();
    native = { backend, why: backend ? "addon loaded" : "addon unavailable" };
  }
  return native;
}

function choose(): { backend: HashBackend; reason: string } {
  if (process.env.BUNMARK_NATIVE === "0") return { backend: jsBackend, reason: "BUNMARK_NATIVE=0" };
  const { backend, why } = nativeBackend();
  if (backend) return { backend, reason: why };
  if (process.env.BUNMARK_REQUIRE_NATIVE === "1") {
    throw new CryptoError({ code: "NATIVE_REQUIRED", why }, `the native hashing addon is required (BUNMARK_REQUIRE_NATIVE=1) but unavailable: ${why}`);
  }
  return { backend: jsBackend, reason: `fallback: ${why}` };
}

const chosen = choose();
log.debug("hash backend selected", { backend: chosen.backend.name, reason: chosen.reason });

/** The selected backend. */
export const hash: HashBackend = chosen.backend;

export function activeBackendName(): "native" | "js" {
  return hash.name;
}

/** Why the active backend was chosen (for the node's start-up report). */
export function activeBackendReason(): string {
  return chosen.reason;
}

/** A specific backend regardless of the selection (tests, bench, `digest --impl`); undefined when the addon is absent. */
export function backendByName(name: "native" | "js"): HashBackend | undefined {
  return name === "js" ? jsBackend : nativeBackend().backend;
}
