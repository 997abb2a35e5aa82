/**
 * `bunmark keygen [--data DIR | PREFIX]`: writes a new peer key pair (bitmarkd's gen-peer-identity).
 * Default DIR/peer.public + DIR/peer.private with DIR = ./data; with PREFIX, PREFIX.public + PREFIX.private.
 * Prints the public key in hex on stdout; never prints the private key. Refuses to overwrite existing files.
 */
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { isFault } from "../base/fault.ts";
import { flag, parseOrHelp, UsageError, type CommandSpec } from "./args.ts";
import { PRIVATE_KEY_FILE, PUBLIC_KEY_FILE, writeKeyPair } from "../transport/keys.ts";
import { CliError } from "./errors.ts";

export const spec: CommandSpec = {
  name: "keygen",
  summary: "create a peer key pair (public key printed in hex; existing files are never overwritten)",
  args: "[PREFIX]",
  flags: [{ name: "data", value: "DIR", default: "./data", help: "write DIR/peer.public and DIR/peer.private (or give PREFIX: PREFIX.public, PREFIX.private)" }],
  example: "bunmark keygen --data /var/lib/bunmark",
};

export async function main(args: string[]): Promise<number> {
  const p = parseOrHelp(spec, args);
  if (p === 0) return 0;
  const data = flag(p, "data");
  const prefix = p.positional[0];
  if (p.positional.length > 1) throw new UsageError(`unexpected argument: ${JSON.stringify(p.positional[1])}`);
  if (data !== undefined && prefix !== undefined) throw new UsageError("give --data DIR or PREFIX, not both");
  const [publicPath, privatePath] =
    prefix !== undefined ? [`${prefix}.public`, `${prefix}.private`] : [join(data ?? "data", PUBLIC_KEY_FILE), join(data ?? "data", PRIVATE_KEY_FILE)];
  try {
    mkdirSync(dirname(publicPath), { recursive: true });
    const { publicKey } = writeKeyPair(publicPath, privatePath);
    console.error(`generated private key: ${JSON.stringify(privatePath)} and public key: ${JSON.stringify(publicPath)}`);
    console.log(Buffer.from(publicKey).toString("hex"));
    return 0;
  } catch (e) {
    const reason = isFault(e) ? e.text : ((e as NodeJS.ErrnoException).code ?? String(e));
    throw new CliError({ code: "KEY_FILES", publicPath, privatePath, reason }, `${publicPath} / ${privatePath}: ${reason}`);
  }
}
