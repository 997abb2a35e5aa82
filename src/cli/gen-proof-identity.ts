/**
 * `bunmark gen-proof-identity [PREFIX] [--data DIR] [--chain NAME]` (bitmarkd 8.2 `gen-proof-identity`,
 * docs/proof.md §2): a new proofer CURVE key pair and block signing key. With PREFIX: PREFIX.public,
 * PREFIX.private, PREFIX.sign; otherwise DIR/proof.public, proof.private, proof.sign (DIR default ./data).
 * The seed's network byte follows the chain (default local: test network). Private files are mode 0600; existing
 * files are never overwritten. Prints the CURVE public key in hex (what miners put in `--connect`).
 */
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { isChainName, isTestnet } from "../chain/types/chains.ts";
import { writeProofIdentity } from "../proof/identity.ts";
import { flag, parseArgs } from "./args.ts";

export async function main(args: string[]): Promise<number> {
  const p = parseArgs(args);
  const data = flag(p, "data");
  const prefix = p.positional[0];
  const chain = (flag(p, "chain") ?? "local").toLowerCase();
  if (p.positional.length > 1 || (data !== undefined && prefix !== undefined) || !isChainName(chain)) {
    throw new Error("usage: bunmark gen-proof-identity [PREFIX | --data DIR] [--chain bitmark|testing|local]");
  }
  const base = prefix ?? join(data ?? "data", "proof");
  mkdirSync(dirname(base), { recursive: true });
  const files = { publicPath: `${base}.public`, privatePath: `${base}.private`, signingPath: `${base}.sign`, testnet: isTestnet(chain) };
  const publicKey = writeProofIdentity(files);
  console.error(`generated private key: ${JSON.stringify(files.privatePath)} and public key: ${JSON.stringify(files.publicPath)}`);
  console.error(`generated signing key: ${JSON.stringify(files.signingPath)}`);
  console.log(Buffer.from(publicKey).toString("hex"));
  return 0;
}
