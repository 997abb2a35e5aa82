/**
 * The commands' typed errors (base/errors.ts pattern) for failures that are not a mistake on the command line
 * (those are UsageError, args.ts): no node to talk to, a reply or input that cannot be used, a key pair that
 * cannot be written. The message is the one line src/main.ts prints after `bunmark COMMAND: `, so it is written
 * out at each site; the code and context are for callers and tests that branch on them.
 */
import { BunmarkError } from "../base/errors.ts";

export class CliError extends BunmarkError<
  | { code: "NO_RUNNING_NODE"; dataDir: string }
  | { code: "NO_CLIENT_RPC"; dataDir: string }
  | { code: "NO_PEER_LISTENER"; dataDir: string }
  /** A flag or argument value that parsed but cannot be used (the text says why). */
  | { code: "VALUE_INVALID"; what: string }
  | { code: "NODE_REPLY_INVALID"; what: string }
  | { code: "NO_REPLY"; address: string; seconds: number }
  | { code: "CHAIN_NAME_REJECTED" }
  | { code: "BLOCK_INVALID"; fault: string; offset: number; length: number }
  | { code: "NATIVE_UNAVAILABLE" }
  | { code: "KEY_FILES"; publicPath: string; privatePath: string; reason: string }
> {}
