/** Typed errors of record signing (base/errors.ts pattern): a caller's mistake, never a peer's (those are Faults). */
import { BunmarkError } from "../base/errors.ts";

export class SigningError extends BunmarkError<{ code: "NOTHING_KEY" } | { code: "COUNTERSIGNER_MISSING"; tag: number }> {}
