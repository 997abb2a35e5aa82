/**
 * The client RPC certificate: a self-signed ECDSA P-521 X.509 certificate as `bitmarkd gen-rpc-cert` writes it
 * (command/bitmarkd/certificates.go `makeSelfSignedCertificate`, vendored certgen `NewTLSCertPair`, Go
 * crypto/x509 `CreateCertificate`), the PEM files, and the fingerprint peers and wallets pin: SHA3-256 of the
 * DER of the first certificate in the file (rpc/setup.go `CertificateFingerprint`, rpc.md §3.2–3.3).
 *
 * Certificate contents as 8.2's: subject O=`bitmarkd self signed cert for: rpc` (issuer the same), random
 * 128-bit serial, valid from now − 24 h for 10 × 365 days capped at 2049-12-31 23:59:59 UTC, ecdsa-with-SHA512,
 * extensions in Go's order — key usage (critical: digital signature, key encipherment, cert sign), basic
 * constraints (critical, CA), subject key id (SHA-1 of the public point, as Go adds for CAs), SANs (DNS: host
 * name, localhost, extra names; IP: 127.0.0.1, ::1 and the interface addresses or the extra IPs).
 * Deviation: SANs are in a fixed order (Go iterates a map, so its order is random).
 */
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { activeBackend } from "../crypto/index.ts";
import { fail } from "../base/fault.ts";
import { bitString, boolean, directoryString, explicit, implicit, octetString, oid, sequence, set, smallInteger, time, unsignedInteger } from "./der.ts";
import { RpcServiceError } from "./errors.ts";

const OID = {
  organization: "2.5.4.10",
  ecdsaWithSha512: "1.2.840.10045.4.3.4",
  keyUsage: "2.5.29.15",
  basicConstraints: "2.5.29.19",
  subjectKeyId: "2.5.29.14",
  subjectAltName: "2.5.29.17",
};

/** Go's KeyUsageDigitalSignature | KeyEncipherment | CertSign as a DER BIT STRING (bits 0, 2, 5; 2 unused). */
const KEY_USAGE_BITS = Uint8Array.of(0x03, 0x02, 0x02, 0xa4);
const DAY_MS = 86_400_000;
const END_OF_ASN1_TIME = Date.UTC(2049, 11, 31, 23, 59, 59);

export const RPC_ORGANISATION = "bitmarkd self signed cert for: rpc";

export interface SubjectNames {
  dns: string[];
  /** IP literals (v4 dotted or v6 text) */
  ips: string[];
}

/**
 * certgen's SAN choice: localhost, the host name, 127.0.0.1 and ::1, then either every interface address (no
 * extra hosts given) or the extra hosts (`host:port` reduced to host; an IP literal is an IP SAN, anything else
 * a DNS name). Duplicates removed.
 */
export function subjectNames(hostName: string, interfaceIps: readonly string[], extraHosts: readonly string[]): SubjectNames {
  const dns = new Set([hostName, "localhost"]);
  const ips = new Map<string, string>();
  const addIp = (ip: string) => {
    if (!ips.has(canonicalIp(ip))) ips.set(canonicalIp(ip), ip);
  };
  addIp("127.0.0.1");
  addIp("::1");
  if (extraHosts.length === 0) interfaceIps.forEach(addIp);
  for (const entry of extraHosts) {
    const host = splitHost(entry);
    if (isIP(host)) addIp(host);
    else dns.add(host);
  }
  return { dns: [...dns], ips: [...ips.values()] };
}

/** Go's net.SplitHostPort host part when the entry is `host:port` / `[v6]:port`, else the entry itself. */
function splitHost(entry: string): string {
  return (/^\[([^\]]*)\]:[^:]*$/.exec(entry) ?? /^([^:[\]]*):[^:]*$/.exec(entry))?.[1] ?? entry;
}

function canonicalIp(ip: string): string {
  return Buffer.from(ipBytes(ip)).toString("hex");
}

/** 4 bytes for IPv4, 16 for IPv6 (as Go's x509 writes iPAddress SANs). */
export function ipBytes(ip: string): Uint8Array {
  if (isIP(ip) === 4) return Uint8Array.from(ip.split(".").map(Number));
  const [head, tail] = ip.includes("::") ? ip.split("::") : [ip, undefined];
  const groups = (s: string | undefined) => (s ? s.split(":") : []);
  let left = groups(head);
  let right = groups(tail);
  // an embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups
  const v4 = (list: string[]) => {
    const last = list[list.length - 1];
    if (last && last.includes(".")) {
      const b = Buffer.from(ipBytes(last));
      list.splice(list.length - 1, 1, b.readUInt16BE(0).toString(16), b.readUInt16BE(2).toString(16));
    }
    return list;
  };
  if (tail === undefined) left = v4(left);
  else right = v4(right);
  const all = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}

function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? sequence(oid(id), boolean(true), octetString(value)) : sequence(oid(id), octetString(value));
}

export interface GeneratedCertificate {
  certificatePem: string;
  privateKeyPem: string;
  der: Uint8Array;
}

/** A new key pair and self-signed certificate for `names`, valid from `now` − 24 h. */
export function makeSelfSignedCertificate(names: SubjectNames, now = new Date()): GeneratedCertificate {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "secp521r1" });
  const spki = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
  // the uncompressed point is the BIT STRING at the end of the SPKI: 04 ‖ X ‖ Y, 133 bytes for P-521
  const point = spki.subarray(spki.length - 133);
  const name = sequence(set(sequence(oid(OID.organization), directoryString(RPC_ORGANISATION))));
  const notAfter = Math.min(now.getTime() + 10 * 365 * DAY_MS, END_OF_ASN1_TIME);
  const sans = sequence(...names.dns.map((d) => implicit(2, new TextEncoder().encode(d))), ...names.ips.map((ip) => implicit(7, ipBytes(ip))));
  const algorithm = sequence(oid(OID.ecdsaWithSha512));
  const tbs = sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(new Uint8Array(randomBytes(16))),
    algorithm,
    name,
    sequence(time(new Date(now.getTime() - DAY_MS)), time(new Date(notAfter))),
    name,
    spki,
    explicit(
      3,
      sequence(
        extension(OID.keyUsage, true, KEY_USAGE_BITS),
        extension(OID.basicConstraints, true, sequence(boolean(true))),
        extension(OID.subjectKeyId, false, octetString(new Uint8Array(createHash("sha1").update(point).digest()))),
        extension(OID.subjectAltName, false, sans),
      ),
    ),
  );
  const signature = new Uint8Array(sign("sha512", tbs, { key: privateKey, dsaEncoding: "der" }));
  const der = sequence(tbs, algorithm, bitString(signature));
  return { certificatePem: pem("CERTIFICATE", der), privateKeyPem: privateKey.export({ type: "sec1", format: "pem" }).toString(), der };
}

function pem(type: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return `-----BEGIN ${type}-----\n${b64}\n-----END ${type}-----\n`;
}

/** DER of the first `CERTIFICATE` block of a PEM text, or undefined. */
export function firstCertificateDer(pemText: string): Uint8Array | undefined {
  const body = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pemText)?.[1];
  return body === undefined ? undefined : new Uint8Array(Buffer.from(body.replace(/\s+/g, ""), "base64"));
}

export function certificateFingerprint(der: Uint8Array): Uint8Array {
  return activeBackend().sha3_256(der);
}

/** Writes PREFIX.crt (mode 0666 before umask) and PREFIX.key (0600); never overwrites either (8.2's texts). */
export function writeCertificateFiles(certificatePath: string, privateKeyPath: string, cert: GeneratedCertificate): void {
  if (existsSync(certificatePath)) fail("certificate file already exists");
  if (existsSync(privateKeyPath)) fail("key file already exists");
  writeFileSync(certificatePath, cert.certificatePem, { mode: 0o666, flag: "wx" });
  writeFileSync(privateKeyPath, cert.privateKeyPem, { mode: 0o600, flag: "wx" });
}

export interface LoadedCertificate {
  certificatePem: string;
  privateKeyPem: string;
  fingerprint: Uint8Array;
}

/**
 * Reads a PEM pair for a TLS server: 8.2's texts for missing files; a pair that does not match or does not
 * parse is refused here, at start-up, with the reason.
 */
export function loadCertificate(certificatePath: string, privateKeyPath: string): LoadedCertificate {
  if (!existsSync(certificatePath)) fail("cerfificate file not found");
  if (!existsSync(privateKeyPath)) fail("key file not found");
  const certificatePem = readFileSync(certificatePath, "utf8");
  const privateKeyPem = readFileSync(privateKeyPath, "utf8");
  const der = firstCertificateDer(certificatePem);
  if (!der) throw new RpcServiceError({ code: "CERTIFICATE_NO_PEM_BLOCK", certificate: certificatePath }, `${certificatePath}: no CERTIFICATE block`);
  let matches: boolean;
  try {
    matches = new X509Certificate(certificatePem).checkPrivateKey(createPrivateKey(privateKeyPem));
  } catch (e) {
    const detail = (e as Error).message;
    throw new RpcServiceError({ code: "CERTIFICATE_UNREADABLE", certificate: certificatePath, privateKey: privateKeyPath, detail }, `${certificatePath} / ${privateKeyPath}: ${detail}`);
  }
  if (!matches) {
    throw new RpcServiceError({ code: "KEY_MISMATCH", certificate: certificatePath, privateKey: privateKeyPath }, `${privateKeyPath}: private key does not match certificate ${certificatePath}`);
  }
  return { certificatePem, privateKeyPem, fingerprint: certificateFingerprint(der) };
}
