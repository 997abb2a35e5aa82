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
import { flag, noExtraArgs, parseOrHelp, UsageError, type CommandSpec } from "./args.ts";

export const spec: CommandSpec = {
  name: "gen-proof-identity",
  summary: "create the proofer's CURVE key pair and block signing key (CURVE public key printed in hex)",
  args: "[PREFIX]",
  flags: [
    { name: "data", value: "DIR", default: "./data", help: "write DIR/proof.public, proof.private, proof.sign (or give PREFIX: PREFIX.public, .private, .sign)" },
    { name: "chain", value: "NAME", default: "local", help: "network of the signing seed: bitmark (live) or testing/local (test)" },
  ],
  example: "bunmark gen-proof-identity --data /var/lib/bunmark --chain testing",
};

export async function main(args: string[]): Promise<number> {
  const p = parseOrHelp(spec, args);
  if (p === 0) return 0;
  noExtraArgs(p, 1);
  const data = flag(p, "data");
  const prefix = p.positional[0];
  const chain = (flag(p, "chain") ?? "local").toLowerCase();
  if (data !== undefined && prefix !== undefined) throw new UsageError("give --data DIR or PREFIX, not both");
  if (!isChainName(chain)) throw new UsageError(`--chain: ${JSON.stringify(chain)} is not bitmark, testing or local`);
  const base = prefix ?? join(data ?? "data", "proof");
  mkdirSync(dirname(base), { recursive: true });
  const files = { publicPath: `${base}.public`, privatePath: `${base}.private`, signingPath: `${base}.sign`, testnet: isTestnet(chain) };
  const publicKey = writeProofIdentity(files);
  console.error(`generated private key: ${JSON.stringify(files.privatePath)} and public key: ${JSON.stringify(files.publicPath)}`);
  console.error(`generated signing key: ${JSON.stringify(files.signingPath)}`);
  console.log(Buffer.from(publicKey).toString("hex"));
  return 0;
}
