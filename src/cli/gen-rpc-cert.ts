/**
 * `bunmark gen-rpc-cert [PREFIX [IP|NAME…]] [--data DIR]` (bitmarkd 8.2 command/bitmarkd/commands.go
 * `gen-rpc-cert`): writes a self-signed ECDSA P-521 certificate and key for client RPC / HTTPS — `rpc.crt` and
 * `rpc.key` in the data directory (default ./data), or `PREFIX.crt` / `PREFIX.key` (PREFIX relative to the data
 * directory). With IPs or names after PREFIX only those (plus localhost, the host name, 127.0.0.1, ::1) are in the
 * certificate, else every interface address. Existing files are never overwritten. Prints the fingerprint.
 */
import { mkdirSync } from "node:fs";
import { hostname, networkInterfaces } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { certificateFingerprint, makeSelfSignedCertificate, subjectNames, writeCertificateFiles } from "../rpc/certificate.ts";
import { flag, parseOrHelp, type CommandSpec } from "./args.ts";

export const spec: CommandSpec = {
  name: "gen-rpc-cert",
  summary: "write a self-signed ECDSA P-521 certificate and key for client_rpc/https_rpc (never overwrites), as bitmarkd gen-rpc-cert",
  args: "[PREFIX [IP|NAME …]]",
  flags: [{ name: "data", value: "DIR", default: "./data", help: "where rpc.crt/rpc.key (or PREFIX.crt/PREFIX.key) are written" }],
  example: "bunmark gen-rpc-cert --data /var/lib/bunmark",
};

export async function main(args: string[]): Promise<number> {
  const p = parseOrHelp(spec, args);
  if (p === 0) return 0;
  const dataDir = resolve(flag(p, "data") ?? "data");
  const [prefix, ...hosts] = p.positional;
  const base = prefix ? (isAbsolute(prefix) ? prefix : join(dataDir, prefix)) : undefined;
  const certificatePath = base ? `${base}.crt` : join(dataDir, "rpc.crt");
  const privateKeyPath = base ? `${base}.key` : join(dataDir, "rpc.key");
  const interfaces = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address));
  const extra = hosts.filter((h) => h !== "");
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const cert = makeSelfSignedCertificate(subjectNames(hostname(), interfaces, extra));
    writeCertificateFiles(certificatePath, privateKeyPath, cert);
    console.log(`generated RPC key: ${JSON.stringify(privateKeyPath)} and certificate: ${JSON.stringify(certificatePath)}`);
    console.log(`SHA3-256 fingerprint: ${Buffer.from(certificateFingerprint(cert.der)).toString("hex")}`);
    return 0;
  } catch (e) {
    console.error(`cannot generate RPC key: ${JSON.stringify(privateKeyPath)} and certificate: ${JSON.stringify(certificatePath)}`);
    console.error(`error generating RPC key/certificate: ${(e as Error).message}`);
    return 1;
  }
}
