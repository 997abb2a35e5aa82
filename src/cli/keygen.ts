/**
 * `bunmark keygen [--data DIR | PREFIX]`: writes a new peer key pair (bitmarkd's gen-peer-identity).
 * Default DIR/peer.public + DIR/peer.private with DIR = ./data; with PREFIX, PREFIX.public + PREFIX.private.
 * Prints the public key in hex on stdout; never prints the private key. Refuses to overwrite existing files.
 */
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { flag, parseArgs } from "./args.ts";
import { PRIVATE_KEY_FILE, PUBLIC_KEY_FILE, writeKeyPair } from "../transport/keys.ts";

export async function main(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  const data = flag(parsed, "data");
  const prefix = parsed.positional[0];
  if (parsed.positional.length > 1 || (data !== undefined && prefix !== undefined)) {
    throw new Error("usage: bunmark keygen [--data DIR | PREFIX]");
  }
  const [publicPath, privatePath] =
    prefix !== undefined ? [`${prefix}.public`, `${prefix}.private`] : [join(data ?? "data", PUBLIC_KEY_FILE), join(data ?? "data", PRIVATE_KEY_FILE)];
  mkdirSync(dirname(publicPath), { recursive: true });
  const { publicKey } = writeKeyPair(publicPath, privatePath);
  console.error(`generated private key: ${JSON.stringify(privatePath)} and public key: ${JSON.stringify(publicPath)}`);
  console.log(Buffer.from(publicKey).toString("hex"));
  return 0;
}
