/**
 * `bunmark rpc METHOD [JSON-ARGUMENT] [--connect HOST:PORT] [--fingerprint HEX] [--data DIR]`: one client RPC
 * call, like bitcoin-cli. Sends `{"method":METHOD,"params":[ARGUMENT],"id":1}` (ARGUMENT default `{}`) over
 * TLS, prints the result as indented JSON on stdout, or the error text on stderr with exit status 1.
 *
 * Without --connect it calls the node running with data directory DIR (default ./data), whose node.json names
 * its RPC address and certificate fingerprint; the fingerprint (given or known) is checked against the SHA3-256
 * of the server's certificate before anything is sent. The certificate chain itself is not verified (bitmark-cli
 * does the same: the certificates are self-signed).
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { RUNNING_FILE, type RunningNode } from "../node/node.ts";
import { rpcCall, rpcTarget, type RpcEndpoint } from "../rpc/client.ts";
import { setLogLevel } from "../base/log.ts";
import { flag, parseOrHelp, UsageError, type CommandSpec, type ParsedArgs } from "./args.ts";
import { CliError } from "./errors.ts";

function localNode(dataDir: string): { address: string; fingerprint: string } {
  let running: RunningNode;
  try {
    running = JSON.parse(readFileSync(join(dataDir, RUNNING_FILE), "utf8")) as RunningNode;
  } catch {
    throw new CliError({ code: "NO_RUNNING_NODE", dataDir }, `no running node found in ${dataDir} (start one with \`bunmark run\`, or use --connect HOST:PORT)`);
  }
  const address = running.rpc?.listen[0];
  if (!running.rpc || address === undefined) throw new CliError({ code: "NO_CLIENT_RPC", dataDir }, `the node in ${dataDir} has no client RPC (set client_rpc.listen)`);
  return { address, fingerprint: running.rpc.fingerprint };
}

/** The node to call: --connect and the fingerprint flag, or the node running with --data (its node.json). */
export function endpointOf(p: ParsedArgs, fingerprintFlag = "fingerprint"): RpcEndpoint {
  const connectFlag = flag(p, "connect");
  const node: { address: string; fingerprint?: string } = connectFlag ? { address: connectFlag } : localNode(resolve(flag(p, "data") ?? "data"));
  const fingerprint = flag(p, fingerprintFlag) ?? node.fingerprint;
  if (fingerprint !== undefined && !/^[0-9a-fA-F]{64}$/.test(fingerprint)) {
    throw new CliError({ code: "VALUE_INVALID", what: `--${fingerprintFlag}` }, `--${fingerprintFlag} expects 64 hex digits`);
  }
  return { ...rpcTarget(node.address), ...(fingerprint === undefined ? {} : { fingerprint }) };
}

export const spec: CommandSpec = {
  name: "rpc",
  summary: "call a client RPC method (JSON-RPC over TLS) and print its result as JSON; the error text on stderr, exit 1",
  args: "METHOD [JSON-ARGUMENT]",
  flags: [
    { name: "data", value: "DIR", default: "./data", help: "a node on this machine: its RPC address and certificate fingerprint from DIR/node.json" },
    { name: "connect", value: "HOST:PORT", help: "the node's client_rpc address instead" },
    { name: "fingerprint", value: "HEX", help: "SHA3-256 of the node's certificate (64 hex); the connection is refused on a mismatch" },
  ],
  example: `bunmark rpc Owner.Bitmarks '{"owner":"ACCOUNT","start":"0","count":100}'`,
};

export async function main(args: string[]): Promise<number> {
  setLogLevel("warn");
  const p = parseOrHelp(spec, args);
  if (p === 0) return 0;
  const [method, argument, ...extra] = p.positional;
  if (method === undefined) throw new UsageError("METHOD missing (e.g. Node.Info)");
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${JSON.stringify(extra[0])}`);
  let arg: unknown = {};
  if (argument !== undefined) {
    try {
      arg = JSON.parse(argument);
    } catch (e) {
      throw new CliError({ code: "VALUE_INVALID", what: "JSON-ARGUMENT" }, `JSON-ARGUMENT is not JSON: ${(e as Error).message}`);
    }
  }
  const reply = await rpcCall(endpointOf(p), method, JSON.stringify(arg));
  if (reply.error !== null) {
    console.error(reply.error);
    return 1;
  }
  console.log(JSON.stringify(reply.result, null, 2));
  return 0;
}
