/**
 * The process's hashing backend, chosen once, on first use (or when the entry asks, see below):
 *   BUNMARK_NATIVE=0           → the TypeScript twin ("js"), whatever else is set;
 *   otherwise the Rust addon   → "native" when loadNativeBackend() finds it;
 *   else                       → "js", unless BUNMARK_REQUIRE_NATIVE=1, which makes a missing addon a CryptoError.
 * Importing this file chooses nothing and cannot fail. src/main.ts calls selectBackend() before a command that
 * hashes, so a refusal is one operator line (exit 1) before any work starts. The choice is logged once
 * (subsystem "crypto", level debug: commands print results on stdout; `run` reports activeBackendName() /
 * activeBackendReason() in its start-up line).
 *
 * Injection, one rule:
 *   - objects that do bulk work (the Store, the Reservoir, the Miner, the connector) take `hash: HashBackend` in
 *     their deps, so tests inject fast fakes and the bench compares both backends; where the deps leave it out
 *     the default is activeBackend(), read at construction;
 *   - pure record-identity functions (chain/rules/merkle.ts, chain/types/records/ids.ts, chain/types/account.ts)
 *     call activeBackend() when they hash: the ONE accessor of the process backend; nothing captures it in a
 *     module-level constant at import. (chain/types/records/sign.ts signs with ed25519Sign below, the twin's:
 *     signing is not part of HashBackend.)
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

let chosen: { backend: HashBackend; reason: string } | undefined;

function selection(): { backend: HashBackend; reason: string } {
  if (!chosen) {
    chosen = choose();
    log.debug("hash backend selected", { backend: chosen.backend.name, reason: chosen.reason });
  }
  return chosen;
}

/** Chooses the process backend now, if not yet chosen. Throws CryptoError (BUNMARK_REQUIRE_NATIVE=1, no addon). */
export function selectBackend(): void {
  selection();
}

/** The process backend (chosen on first use); throws what selectBackend() throws. */
export function activeBackend(): HashBackend {
  return selection().backend;
}

export function activeBackendName(): "native" | "js" {
  return activeBackend().name;
}

/** Why the active backend was chosen (for the node's start-up report). */
export function activeBackendReason(): string {
  return selection().reason;
}

/** A specific backend regardless of the selection (tests, bench, `digest --impl`); undefined when the addon is absent. */
export function backendByName(name: "native" | "js"): HashBackend | undefined {
  return name === "js" ? jsBackend : nativeBackend().backend;
}
