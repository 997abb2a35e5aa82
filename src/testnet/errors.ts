/**
 * The testnet room's typed errors (base/errors.ts pattern): a store `chain generate` cannot take (nothing was
 * written), and a local test network that cannot start. Messages are the one line the commands print.
 */
import { BunmarkError } from "../base/errors.ts";

/** The store cannot take this generation; nothing was written. */
export class GenerateError extends BunmarkError<
  | { code: "NOT_LOCAL_CHAIN"; chain: string }
  | { code: "OTHER_SEED"; seed: string }
  | { code: "STORE_NOT_EMPTY"; height: number }
> {}

export class TestnetError extends BunmarkError<
  | { code: "NODE_COUNT"; nodes: number }
  | { code: "NODES_EXITED"; nodes: readonly string[] }
  | { code: "NOT_SERVING"; nodes: readonly string[]; ms: number }
> {}
