/**
 * Client side of the client RPC (what bitmark-cli does in 8.2 command/bitmark-cli, rpc.md §1): one JSON-RPC call
 * per TLS connection, the server's certificate pinned by its SHA3-256 fingerprint before anything is sent. Used
 * by `bunmark rpc` and `bunmark create`.
 *
 *   rpcTarget("0.0.0.0:2130")                          → { host: "127.0.0.1", port: 2130 } (wildcards on loopback)
 *   rpcCall({ host, port, fingerprint }, "Node.Info", "{}") → { result, error } of the reply line
 *
 * Deviation from bitmark-cli: one connection per call (bitmark-cli keeps one for a whole command); the
 * certificate chain is not verified, as in bitmark-cli (the certificates are self-signed).
 */
import { connect, type TLSSocket } from "node:tls";
import { certificateFingerprint } from "./certificate.ts";
import { RpcServiceError } from "./errors.ts";

const TIMEOUT_MS = 30_000;

export interface RpcEndpoint {
  host: string;
  port: number;
  /** 64 hex digits; undefined = not checked */
  fingerprint?: string | undefined;
}

export interface RpcReply {
  result: unknown;
  error: string | null;
}

/** `host:port` / `[v6]:port`; a wildcard host is reached on loopback. */
export function rpcTarget(address: string): { host: string; port: number } {
  const [, v6, name, port] = /^(?:\[([^\]]*)\]|([^:]*)):(\d+)$/.exec(address) ?? [];
  const host = v6 ?? name;
  if (host === undefined) throw new RpcServiceError({ code: "CONNECT_ADDRESS_INVALID", address }, `--connect expects HOST:PORT, got ${JSON.stringify(address)}`);
  return { host: host === "" || host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host, port: Number(port) };
}

/** Sends one request line and resolves with the first reply line. */
function exchange(e: RpcEndpoint, line: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const socket: TLSSocket = connect({ host: e.host, port: e.port, rejectUnauthorized: false, servername: undefined }, () => {
      const der = socket.getPeerCertificate(true)?.raw;
      const actual = der ? Buffer.from(certificateFingerprint(new Uint8Array(der))).toString("hex") : "";
      if (e.fingerprint && actual !== e.fingerprint.toLowerCase()) {
        socket.destroy();
        const expected = e.fingerprint;
        reject(new RpcServiceError({ code: "FINGERPRINT_MISMATCH", actual, expected }, `certificate fingerprint ${actual || "(none)"} does not match ${expected}`));
        return;
      }
      socket.write(line);
    });
    let received = "";
    socket.setEncoding("utf8");
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new RpcServiceError({ code: "NO_REPLY", ms: TIMEOUT_MS }, "no reply")));
    socket.on("data", (chunk: string) => {
      received += chunk;
      const nl = received.indexOf("\n");
      if (nl >= 0) {
        socket.end();
        resolvePromise(received.slice(0, nl));
      }
    });
    socket.on("error", reject);
    socket.on("close", () => reject(new RpcServiceError({ code: "NO_REPLY" }, "connection closed without a reply")));
  });
}

/** Calls METHOD with one argument given as JSON text (so callers may write exact uint64 numbers). */
export async function rpcCall(e: RpcEndpoint, method: string, argumentJSON: string, id = 1): Promise<RpcReply> {
  const line = `{"method":${JSON.stringify(method)},"params":[${argumentJSON}],"id":${id}}\n`;
  return JSON.parse(await exchange(e, line)) as RpcReply;
}
