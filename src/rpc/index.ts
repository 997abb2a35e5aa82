/**
 * Client RPC start and stop (bitmarkd 8.2 rpc/setup.go `Initialise`): the certificate and its fingerprint, the
 * TLS JSON-RPC server on `client_rpc.listen`, the HTTPS server on `https_rpc.listen`, both over one dispatch of
 * one method table. Either is off when its listen list is empty (bunmark; 8.2 requires client_rpc.listen).
 */
import { logger } from "../base/log.ts";
import { isFault } from "../base/fault.ts";
import { loadCertificate, type LoadedCertificate } from "./certificate.ts";
import type { ClientRpcConfig, HttpsRpcConfig } from "./config.ts";
import type { NodeFacts } from "./deps.ts";
import { createDispatch } from "./dispatch.ts";
import { HttpsRpcServer } from "./https.ts";
import type { MethodTable } from "./method.ts";
import { RpcStats } from "./stats.ts";
import { TlsRpcServer } from "./tls-server.ts";
import { RpcServiceError } from "./errors.ts";

export interface RpcOptions<D> {
  client: ClientRpcConfig;
  https: HttpsRpcConfig;
  table: MethodTable<D>;
  /** built once the stats exist (methods read `rpcs` from them) */
  deps: (stats: RpcStats) => D;
  facts: NodeFacts;
  version: string;
}

export interface RunningRpc {
  /** SHA3-256 of the client_rpc certificate; null when client RPC is off */
  fingerprint: Uint8Array | null;
  endpoints: string[];
  httpsEndpoints: string[];
  stats: RpcStats;
  stop(): void;
}

function certificate(section: string, certificatePath: string, privateKeyPath: string): LoadedCertificate {
  try {
    const c = loadCertificate(certificatePath, privateKeyPath);
    logger(section).info(`SHA3-256 fingerprint: ${Buffer.from(c.fingerprint).toString("hex")}`);
    return c;
  } catch (e) {
    const hint = isFault(e) && e.text !== "key file not found" ? ` (${certificatePath}; create a pair with: bunmark gen-rpc-cert)` : isFault(e) ? ` (${privateKeyPath})` : "";
    const detail = (e as Error).message;
    throw new RpcServiceError({ code: "CERTIFICATE_UNUSABLE", section, certificate: certificatePath, privateKey: privateKeyPath, detail }, `${section}: ${detail}${hint}`);
  }
}

export function startRpc<D>(o: RpcOptions<D>): RunningRpc {
  const stats = new RpcStats(new Set(Object.keys(o.table)));
  const dispatch = createDispatch(o.table, o.deps(stats), stats);
  let tls: TlsRpcServer | undefined;
  let https: HttpsRpcServer | undefined;
  let fingerprint: Uint8Array | null = null;
  try {
    if (o.client.listen.length > 0) {
      const c = certificate("client_rpc", o.client.certificate, o.client.private_key);
      fingerprint = c.fingerprint;
      tls = new TlsRpcServer({ config: o.client, certificatePem: c.certificatePem, privateKeyPem: c.privateKeyPem, dispatch, stats });
    }
    if (o.https.listen.length > 0) {
      const c = certificate("https_rpc", o.https.certificate, o.https.private_key);
      https = new HttpsRpcServer({
        config: o.https,
        certificatePem: c.certificatePem,
        privateKeyPem: c.privateKeyPem,
        dispatch,
        facts: o.facts,
        stats,
        version: o.version,
        maximumRequestSize: o.client.maximum_request_size,
      });
    }
  } catch (e) {
    tls?.stop();
    throw e;
  }
  return {
    fingerprint,
    endpoints: tls?.endpoints ?? [],
    httpsEndpoints: https?.endpoints ?? [],
    stats,
    stop: () => {
      tls?.stop();
      https?.stop();
    },
  };
}
