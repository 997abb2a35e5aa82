#!/usr/bin/env bun
/**
 * bunmark command line: one entry point, one module per command under src/cli/. Each command module exports
 * `main(args): Promise<number>` (the exit code) and its flag table `spec` (src/cli/args.ts), from which both its
 * parser and its `--help` come. Every exit goes through here: output flushed, then the process ends, so nothing a
 * command left open (a socket, a worker) can keep a failed process half-alive.
 */
import "./base/runtime-dir.ts"; // first: where a compiled binary unpacks its native libraries (noexec /tmp)
import { didYouMean } from "./base/closest.ts";
import { versionLine } from "./base/build-info.ts";
import { UsageError } from "./cli/args.ts";
import { COMMANDS } from "./cli/commands.ts";

function usage(): string {
  const lines = [versionLine(), "", "usage: bunmark COMMAND [flags]      (bunmark COMMAND --help: its flags, defaults and an example)", "", "commands:"];
  const width = Math.max(12, ...Object.keys(COMMANDS).map((n) => n.length));
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(width)} ${c.summary}`);
  lines.push("", "  --version    print the version, commit and build date", "  --help       this text");
  return lines.join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    (name === undefined ? console.error : console.log)(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v" || name === "version") {
    console.log(versionLine());
    return 0;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    console.error(`bunmark: ${name}: unknown command${didYouMean(name, Object.keys(COMMANDS))} (see bunmark --help)`);
    return 1;
  }
  try {
    // Chosen before the work starts, so a refusal (BUNMARK_REQUIRE_NATIVE=1 without the addon) is reported here.
    if (cmd.hashes) (await import("./crypto/index.ts")).selectBackend();
    return await (await cmd.load()).main(rest);
  } catch (e) {
    // A command error is one line for the operator, never a stack trace (BUNMARK_DEBUG=1 shows it).
    if (process.env.BUNMARK_DEBUG) console.error(e);
    const message = e instanceof Error ? e.message : String(e);
    console.error(`bunmark ${name}: ${message}${e instanceof UsageError ? ` (see bunmark ${name} --help)` : ""}`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
// flushed first: a pipe reader must get every line before the exit
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
