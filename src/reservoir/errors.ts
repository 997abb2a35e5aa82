/**
 * The reservoir's typed errors (base/errors.ts pattern). Neither reaches a peer: a corrupt index aborts the
 * operation that met it (8.2 panics there), a stored entry that does not decode is dropped on load and logged.
 */
import { BunmarkError } from "../base/errors.ts";

export class ReservoirError extends BunmarkError<
  | { code: "NO_BLOCK_OWNER_PAYMENT"; block: number }
  | { code: "STORED_ENTRY_INVALID"; detail: string }
> {}
