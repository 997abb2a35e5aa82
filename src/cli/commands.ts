/**
 * The command table: name, one-line summary, whether its work hashes, and the module (loaded only when the
 * command runs, so a command pays for nothing else). Literal import paths so `bun build --compile` bundles every
 * command.
 */
import type { CommandSpec } from "./args.ts";

export interface CommandModule {
  main(args: string[]): Promise<number>;
  /** the command's flag table; several for a command with subcommands */
  readonly spec?: CommandSpec;
  readonly specs?: readonly CommandSpec[];
}

export interface Command {
  summary: string;
  /** src/main.ts selects the hashing backend before loading it (src/crypto/index.ts) */
  hashes?: true;
  load: () => Promise<CommandModule>;
}

export const COMMANDS: Record<string, Command> = {
  run: { summary: "start the node", hashes: true, load: () => import("./run.ts") },
  status: { summary: "ask a running node for height, mode and peers", load: () => import("./status.ts") },
  keygen: { summary: "create peer.public / peer.private key files", load: () => import("./keygen.ts") },
  "gen-proof-identity": { summary: "create the proofer's proof.public / proof.private / proof.sign", load: () => import("./gen-proof-identity.ts") },
  mine: { summary: "mine --connect KEY@HOST:PUB,SUBMIT: the built-in miner", hashes: true, load: () => import("./mine.ts") },
  testnet: { summary: "testnet --nodes N: a local network that makes blocks", hashes: true, load: () => import("./testnet.ts") },
  config: { summary: "config check FILE: print the effective configuration or the first error", load: () => import("./config.ts") },
  digest: { summary: "Argon2 block digest of a 100-byte header", hashes: true, load: () => import("./digest.ts") },
  tx: { summary: "tx decode HEX: decode transaction records", hashes: true, load: () => import("./tx.ts") },
  block: { summary: "block decode HEX: decode and check a packed block", hashes: true, load: () => import("./block.ts") },
  chain: { summary: "chain generate: make a chain of valid blocks for test networks", hashes: true, load: () => import("./chain.ts") },
  rpc: { summary: "rpc METHOD [JSON-ARGUMENT]: call a client RPC method of a node", load: () => import("./rpc.ts") },
  create: { summary: "create --identity FILE --name NAME --fingerprint F: register an asset and issue bitmarks", hashes: true, load: () => import("./create.ts") },
  "gen-rpc-cert": { summary: "write the RPC certificate and key (self-signed ECDSA P-521)", load: () => import("./gen-rpc-cert.ts") },
  bench: { summary: "bench crypto|chain|wire|sync|rpc|rpc-ownership|mine|all: measure this machine", hashes: true, load: () => import("../bench/bench.ts") },
  completion: { summary: "completion bash: shell completion script", load: () => import("./completion.ts") },
};
