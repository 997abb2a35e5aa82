/**
 * Where a miner connects (bunmark's form of recorderd's `peering.connect` entry, docs/proof.md §5):
 * `PROOF-PUBKEY@HOST:PUBLISH-PORT,SUBMIT-PORT`, e.g. `3f0c…@127.0.0.1:2140,2141` or `3f0c…@[::1]:2140,2141`.
 */
import { MinerError } from "./errors.ts";

export interface MinerTarget {
  /** the proofer's CURVE public key */
  serverKey: Uint8Array;
  /** `host:port` of the job (PUB) socket */
  publish: string;
  /** `host:port` of the submission (REP) socket */
  submit: string;
}

export function parseMinerTarget(text: string): MinerTarget {
  const m = /^([0-9a-fA-F]{64})@(\[[^\]]+\]|[^:@\[\]]+):(\d{1,5}),(\d{1,5})$/.exec(text);
  if (!m) throw new MinerError({ code: "TARGET_INVALID", text }, `--connect expects PROOF-PUBKEY@HOST:PUBLISH-PORT,SUBMIT-PORT with 64 hex digits, got ${JSON.stringify(text)}`);
  const [, key, host, publish, submit] = m as unknown as [string, string, string, string, string];
  for (const port of [publish, submit]) if (Number(port) < 1 || Number(port) > 65535) throw new MinerError({ code: "PORT_INVALID", port }, `invalid port ${port}`);
  return { serverKey: new Uint8Array(Buffer.from(key, "hex")), publish: `${host}:${publish}`, submit: `${host}:${submit}` };
}

/** A bound endpoint (`tcp://0.0.0.0:2140`, `tcp://[::]:2140`) as an address to connect to on this host. */
export function localAddress(endpoint: string): string {
  const address = endpoint.replace(/^tcp:\/\//, "");
  return address.replace(/^0\.0\.0\.0:/, "127.0.0.1:").replace(/^\[::\]:/, "[::1]:");
}
