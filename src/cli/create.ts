/**
 * `bunmark create` (bitmark-cli 8.2 `create`, rpc.md §11.2): registers an asset and issues N bitmarks of it
 * through a node's client RPC, then proves the free issues: `Bitmarks.Create`, a proof nonce searched here for
 * the returned pay id and difficulty, `Bitmarks.Proof`. Prints the asset id, issue txids and proof status as JSON;
 * an RPC error is printed on stderr with exit status 1. `--new-identity FILE` writes a new signing key instead
 * (`SEED:` form, as `gen-proof-identity` writes, mode 0600, never overwriting).
 *
 * Deviations from bitmark-cli: the signing key comes from a key file, not an encrypted identity in a config
 * file; asset and issues go in one `Bitmarks.Create` call (see src/wallet/create.ts).
 */
import { randomBytes } from "node:crypto";
import { isChainName, isTestnet } from "../chain/types/chains.ts";
import { accountToString } from "../chain/types/account.ts";
import { toHex } from "../encoding/hex.ts";
import { activeBackend } from "../crypto/index.ts";
import { setLogLevel } from "../base/log.ts";
import { readSigningKey, writeSigningKey } from "../proof/identity.ts";
import { rpcCall } from "../rpc/client.ts";
import { buildCreate, findProofNonce, unescapeMetadata } from "../wallet/create.ts";
import { flag, intFlag, noExtraArgs, parseOrHelp, UsageError, type CommandSpec } from "./args.ts";
import { endpointOf } from "./rpc.ts";
import { CliError } from "./errors.ts";

export const spec: CommandSpec = {
  name: "create",
  summary: "register an asset and issue bitmarks of it through a node's client RPC (free issues: proof nonce); prints the ids as JSON",
  flags: [
    { name: "identity", value: "FILE", help: "signing key of the registrant and owner (`SEED:` form, see --new-identity and gen-proof-identity)" },
    { name: "new-identity", value: "FILE", help: "write a new signing key to FILE (mode 0600, never overwrites), print its account, and stop" },
    { name: "chain", value: "NAME", default: "local", help: "with --new-identity: network of the key, bitmark (live) or testing/local (test)" },
    { name: "name", value: "NAME", help: "asset name (up to 64 bytes)" },
    { name: "fingerprint", value: "F", help: "asset fingerprint (1..1024 bytes); the asset id is its SHA3-512" },
    { name: "metadata", value: "TEXT", help: "asset metadata: key\\u0000value\\u0000… (the six characters \\u0000 separate, as in bitmark-cli)" },
    { name: "quantity", value: "N", default: "1", help: "number of bitmarks to issue (1..100)" },
    { name: "data", value: "DIR", default: "./data", help: "a node on this machine: its RPC address and certificate fingerprint from DIR/node.json" },
    { name: "connect", value: "HOST:PORT", help: "the node's client_rpc address instead" },
    { name: "fingerprint-rpc", value: "HEX", help: "with --connect: SHA3-256 of the node's certificate (64 hex); refused on a mismatch" },
  ],
  example: `bunmark create --new-identity me.sign && bunmark create --identity me.sign --name "first asset" --fingerprint fp-0001 --metadata 'owner\\u0000me' --quantity 3 --data testnet/node-1`,
};

function need(value: string | undefined, name: string): string {
  if (value === undefined) throw new UsageError(`--${name} missing`);
  return value;
}

/** A fixed-length hex field of the node's reply; anything else means the node is not speaking 8.2's RPC. */
function replyBytes(hex: string, length: number, what: string): Uint8Array {
  const bytes = /^[0-9a-f]*$/i.test(hex) ? new Uint8Array(Buffer.from(hex, "hex")) : new Uint8Array();
  if (bytes.length !== length) throw new CliError({ code: "NODE_REPLY_INVALID", what }, `the node replied a malformed ${what}: ${JSON.stringify(hex)}`);
  return bytes;
}

export async function main(args: string[]): Promise<number> {
  setLogLevel("warn");
  const p = parseOrHelp(spec, args);
  if (p === 0) return 0;
  noExtraArgs(p);
  const newIdentity = flag(p, "new-identity");
  if (newIdentity !== undefined) {
    const chain = (flag(p, "chain") ?? "local").toLowerCase();
    if (!isChainName(chain)) throw new UsageError(`--chain: ${JSON.stringify(chain)} is not bitmark, testing or local`);
    const key = writeSigningKey(newIdentity, isTestnet(chain));
    console.log(JSON.stringify({ identity: newIdentity, account: accountToString(key.account) }, null, 2));
    return 0;
  }
  const quantity = intFlag(p, "quantity", 1);
  if (quantity < 1 || quantity > 100) throw new UsageError("--quantity must be 1..100");
  const signer = readSigningKey(need(flag(p, "identity"), "identity"));
  const endpoint = endpointOf(p, "fingerprint-rpc");
  const request = buildCreate(
    signer,
    { name: need(flag(p, "name"), "name"), fingerprint: need(flag(p, "fingerprint"), "fingerprint"), metadata: unescapeMetadata(flag(p, "metadata") ?? ""), quantity },
    () => randomBytes(8).readBigUInt64BE(),
  );

  const created = await rpcCall(endpoint, "Bitmarks.Create", request.argument, 1);
  if (created.error !== null) {
    console.error(created.error);
    return 1;
  }
  const r = created.result as { assets: { id: string; duplicate: boolean }[]; issues: { txId: string }[]; payId: string; payNonce: string; difficulty: string };
  const target = Buffer.from(r.difficulty, "hex");
  const nonce = findProofNonce(replyBytes(r.payId, 48, "pay id"), replyBytes(r.payNonce, 8, "pay nonce"), new Uint8Array(target), activeBackend().proofCheck);
  const proved = await rpcCall(endpoint, "Bitmarks.Proof", JSON.stringify({ payId: r.payId, nonce: toHex(nonce) }), 2);
  if (proved.error !== null) {
    console.error(proved.error);
    return 1;
  }
  const out = {
    assetId: toHex(request.assetId),
    duplicateAsset: r.assets[0]?.duplicate ?? false,
    owner: accountToString(signer.account),
    issues: r.issues.map((i) => i.txId),
    payId: r.payId,
    proofNonce: toHex(nonce),
    proof: (proved.result as { status: string }).status,
  };
  console.log(JSON.stringify(out, null, 2));
  return 0;
}
