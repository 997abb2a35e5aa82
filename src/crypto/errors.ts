/**
 * The crypto room's typed errors (base/errors.ts pattern): the native addon required but absent or stale, and
 * the checks of the TypeScript backend's own set-up. Messages are written out: an operator reads them at start-up.
 */
import { BunmarkError } from "../base/errors.ts";

export class CryptoError extends BunmarkError<
  | { code: "NATIVE_REQUIRED"; why: string }
  | { code: "NATIVE_STALE"; missing: readonly string[] }
  /** Digests still queued when the TypeScript backend's worker pool closed or lost a worker. */
  | { code: "DIGEST_POOL_CLOSED" }
  | { code: "DIGEST_WORKER_EXITED" }
  | { code: "CRYPTO_INVARIANT"; detail: string }
> {}
