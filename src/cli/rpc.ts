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
import { connect, type TLSSocket } from "node:tls";
import { join, resolve } from "node:path";
import { RUNNING_FILE, type RunningNode } from "../node/node.ts";
import { certificateFingerprint } from "../rpc/certificate.ts";
import { setLogLevel } from "../base/log.ts";
import { flag, parseOrHelp, UsageError, type CommandSpec } from "./args.ts";

const TIMEOUT_MS = 30_000;

/** `host:port` / `[v6]:port`; a wildcard host is reached on loopback. */
function target(address: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]*)\]|([^:]*)):(\d+)$/.exec(address);
  if (!m) throw new Error(`--connect expects HOST:PORT, got ${JSON.stringify(address)}`);
  const host = m[1] ?? m[2]!;
  return { host: host === "" || host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host, port: Number(m[3]) };
}

function localNode(dataDir: string): { address: string; fingerprint: string } {
  let running: RunningNode;
  try {
    running = JSON.parse(readFileSync(join(dataDir, RUNNING_FILE), "utf8")) as RunningNode;
  } catch {
    throw new Error(`no running node found in ${dataDir} (start one with \`bunmark run\`, or use --connect HOST:PORT)`);
  }
  if (!running.rpc || running.rpc.listen.length === 0) throw new Error(`the node in ${dataDir} has no client RPC (set client_rpc.listen)`);
  return { address: running.rpc.listen[0]!, fingerprint: running.rpc.fingerprint };
}

/** Sends one request line and resolves with the first reply line. */
function call(host: string, port: number, fingerprint: string | undefined, line: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const socket: TLSSocket = connect({ host, port, rejectUnauthorized: false, servername: undefined }, () => {
      const der = socket.getPeerCertificate(true)?.raw;
      const actual = der ? Buffer.from(certificateFingerprint(new Uint8Array(der))).toString("hex") : "";
      if (fingerprint && actual !== fingerprint.toLowerCase()) {
        socket.destroy();
        reject(new Error(`certificate fingerprint ${actual || "(none)"} does not match ${fingerprint}`));
        return;
      }
      socket.write(line);
    });
    let received = "";
    socket.setEncoding("utf8");
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error("no reply")));
    socket.on("data", (chunk: string) => {
      received += chunk;
      const nl = received.indexOf("\n");
      if (nl >= 0) {
        socket.end();
        resolvePromise(received.slice(0, nl));
      }
    });
    socket.on("error", reject);
    socket.on("close", () => reject(new Error("connection closed without a reply")));
  });
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
      throw new Error(`JSON-ARGUMENT is not JSON: ${(e as Error).message}`);
    }
  }
  const connectFlag = flag(p, "connect");
  const local = connectFlag ? undefined : localNode(resolve(flag(p, "data") ?? "data"));
  const fingerprint = flag(p, "fingerprint") ?? local?.fingerprint;
  if (fingerprint !== undefined && !/^[0-9a-fA-F]{64}$/.test(fingerprint)) throw new Error("--fingerprint expects 64 hex digits");
  const { host, port } = target(connectFlag ?? local!.address);
  const reply = JSON.parse(await call(host, port, fingerprint, JSON.stringify({ method, params: [arg], id: 1 }) + "\n")) as { result: unknown; error: string | null };
  if (reply.error !== null) {
    console.error(reply.error);
    return 1;
  }
  console.log(JSON.stringify(reply.result, null, 2));
  return 0;
}
