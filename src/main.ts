#!/usr/bin/env bun
/**
 * bunmark command line: one entry point, one module per command under src/cli/.
 * Each command module exports `main(args): Promise<number>` (the exit code).
 */
import "./base/runtime-dir.ts"; // first: where a compiled binary unpacks its native libraries (noexec /tmp)
import { BUNMARK_VERSION, VERSION } from "./base/version.ts";

type Command = { summary: string; load: () => Promise<{ main(args: string[]): Promise<number> }> };

// Literal import paths so `bun build --compile` bundles every command.
const COMMANDS: Record<string, Command> = {
  run: { summary: "start the node (embedded default: chain local, data in ./data)", load: () => import("./cli/run.ts") },
  keygen: { summary: "create peer.public / peer.private key files", load: () => import("./cli/keygen.ts") },
  "gen-proof-identity": { summary: "create proof.public / proof.private / proof.sign for the proofer", load: () => import("./cli/gen-proof-identity.ts") },
  mine: { summary: "the built-in miner: mine --connect PROOF-PUBKEY@HOST:PUB-PORT,SUBMIT-PORT [--threads N]", load: () => import("./cli/mine.ts") },
  status: { summary: "ask a running node (I) and print height, mode, peers", load: () => import("./cli/status.ts") },
  digest: { summary: "block digest of a header: digest HEX [--impl native|js]", load: () => import("./cli/digest.ts") },
  chain: { summary: "chain generate --blocks N --data DIR [--seed S] [--fork-at K]", load: () => import("./cli/chain.ts") },
  testnet: { summary: "testnet --nodes N [--dir DIR]: a local network that makes blocks", load: () => import("./cli/testnet.ts") },
  tx: { summary: "tx decode HEX [--chain testing|bitmark|local] (default testing)", load: () => import("./cli/tx.ts") },
  block: { summary: "block decode HEX [--chain …]", load: () => import("./cli/block.ts") },
  bench: { summary: "bench crypto|chain|wire|sync|mine|all [--json]", load: () => import("./bench/bench.ts") },
};

function usage(): string {
  const lines = [`bunmark ${BUNMARK_VERSION} (bitmarkd ${VERSION} peer protocol)`, "", "usage: bunmark COMMAND [options]", ""];
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(width)} ${c.summary}`);
  lines.push("", "  --version  print the version", "  --help     this text");
  return lines.join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v" || name === "version") {
    console.log(`bunmark ${BUNMARK_VERSION} (bitmarkd ${VERSION} peer protocol)`);
    return 0;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    console.error(`bunmark: unknown command: ${name} (see bunmark --help)`);
    return 2;
  }
  try {
    return await (await cmd.load()).main(rest);
  } catch (e) {
    // A command error is one line for the operator, never a stack trace (BUNMARK_DEBUG=1 shows it).
    if (process.env.BUNMARK_DEBUG) console.error(e);
    console.error(`bunmark ${name}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
