/**
 * The RPC certificate: DER building blocks, certgen's SAN choice, and a generated certificate checked by an
 * independent parser (`openssl x509 -text`, `openssl verify`, `openssl dgst -sha3-256` for the fingerprint).
 */
import { describe, expect, test } from "bun:test";
import { existsSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { oid, smallInteger, time, tlv, unsignedInteger } from "../../../src/rpc/der.ts";
import { certificateFingerprint, ipBytes, loadCertificate, makeSelfSignedCertificate, subjectNames, writeCertificateFiles } from "../../../src/rpc/certificate.ts";
import { tempDirs } from "../../support/temp-dirs.ts";

const tempDir = tempDirs("bunmark-rpc-cert-");
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("DER", () => {
  test.each([
    ["short length", tlv(0x04, new Uint8Array(3)), "0403000000"],
    ["long length 200", tlv(0x04, new Uint8Array(200)).subarray(0, 3), "0481c8"],
    ["long length 300", tlv(0x04, new Uint8Array(300)).subarray(0, 4), "0482012c"],
    ["integer 2", smallInteger(2), "020102"],
    ["integer with top bit set gets 00", unsignedInteger(Uint8Array.of(0x80, 1)), "0203008001"],
    ["integer leading zeros trimmed", unsignedInteger(Uint8Array.of(0, 0, 5)), "020105"],
    ["OID ecdsa-with-SHA512", oid("1.2.840.10045.4.3.4"), "06082a8648ce3d040304"],
    ["OID subjectAltName", oid("2.5.29.17"), "0603551d11"],
    ["UTCTime", time(new Date(Date.UTC(2026, 11, 6, 4, 5, 6))), "170d" + Buffer.from("261206040506Z").toString("hex")],
    ["GeneralizedTime from 2050", time(new Date(Date.UTC(2050, 0, 1))), "180f" + Buffer.from("20500101000000Z").toString("hex")],
  ])("%s", (_name, bytes, expected) => {
    expect(hex(bytes)).toBe(expected);
  });
});

describe("subject names (certgen)", () => {
  test.each([
    ["no extra hosts: every interface", ["10.1.2.3", "fe80::1", "127.0.0.1"], [], { dns: ["h", "localhost"], ips: ["127.0.0.1", "::1", "10.1.2.3", "fe80::1"] }],
    ["extra hosts replace the interfaces; host:port and names", ["10.1.2.3"], ["192.0.2.1:2130", "[2001:db8::1]:2130", "node.example", "2001:db8::2"], { dns: ["h", "localhost", "node.example"], ips: ["127.0.0.1", "::1", "192.0.2.1", "2001:db8::1", "2001:db8::2"] }],
    ["duplicates removed", [], ["127.0.0.1", "0:0:0:0:0:0:0:1", "localhost"], { dns: ["h", "localhost"], ips: ["127.0.0.1", "::1"] }],
  ])("%s", (_name, interfaces, extra, expected) => {
    expect(subjectNames("h", interfaces, extra)).toEqual(expected);
  });
  test.each([
    ["127.0.0.1", "7f000001"],
    ["::1", "00000000000000000000000000000001"],
    ["2001:db8::2:1", "20010db8000000000000000000020001"],
    ["::ffff:1.2.3.4", "00000000000000000000ffff01020304"],
    ["fe80::", "fe800000000000000000000000000000"],
  ])("ipBytes %s", (ip, expected) => {
    expect(hex(ipBytes(ip))).toBe(expected);
  });
});

describe("a generated certificate, read by openssl", () => {
  const dir = tempDir();
  const crt = join(dir, "rpc.crt");
  const key = join(dir, "rpc.key");
  const cert = makeSelfSignedCertificate(subjectNames("myhost", ["10.0.0.5"], []), new Date(Date.UTC(2026, 11, 6, 0, 0, 0)));
  writeCertificateFiles(crt, key, cert);
  const openssl = (...args: string[]) => {
    const r = Bun.spawnSync(["openssl", ...args]);
    return r.stdout.toString() + r.stderr.toString();
  };

  test("x509 fields as 8.2's certgen writes them", () => {
    const text = openssl("x509", "-in", crt, "-noout", "-text");
    expect(text).toContain("Version: 3 (0x2)");
    expect(text).toContain("Signature Algorithm: ecdsa-with-SHA512");
    expect(text).toContain("Issuer: O = bitmarkd self signed cert for: rpc");
    expect(text).toContain("Subject: O = bitmarkd self signed cert for: rpc");
    expect(text).toContain("Not Before: Dec  5 00:00:00 2026 GMT");
    expect(text).toContain("Not After : Dec  3 00:00:00 2036 GMT"); // 10 × 365 days
    expect(text).toContain("ASN1 OID: secp521r1");
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment, Certificate Sign/);
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE/);
    expect(text).toContain("X509v3 Subject Key Identifier");
    expect(text).toContain("DNS:myhost, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:10.0.0.5");
    expect(openssl("x509", "-in", crt, "-noout", "-serial")).toMatch(/^serial=[0-9A-F]{30,32}\n$/);
  });

  test("self-signature verifies; the key is an EC PRIVATE KEY of the certificate", () => {
    expect(openssl("verify", "-CAfile", crt, crt)).toContain(": OK");
    expect(cert.privateKeyPem.startsWith("-----BEGIN EC PRIVATE KEY-----\n")).toBe(true);
    const stdout = (...args: string[]) => Bun.spawnSync(["openssl", ...args]).stdout.toString();
    expect(stdout("ec", "-in", key, "-pubout")).toBe(stdout("x509", "-in", crt, "-noout", "-pubkey"));
  });

  test("validity capped at the end of ASN.1 UTCTime (2049-12-31 23:59:59)", () => {
    const late = makeSelfSignedCertificate({ dns: ["x"], ips: [] }, new Date(Date.UTC(2045, 0, 1)));
    const f = join(dir, "late.crt");
    writeFileSync(f, late.certificatePem);
    expect(openssl("x509", "-in", f, "-noout", "-enddate")).toBe("notAfter=Dec 31 23:59:59 2049 GMT\n");
  });

  test("fingerprint = SHA3-256 of the DER (openssl x509 -outform DER | openssl dgst -sha3-256)", () => {
    const der = Bun.spawnSync(["openssl", "x509", "-in", crt, "-outform", "DER"]).stdout;
    const digest = Bun.spawnSync(["openssl", "dgst", "-sha3-256", "-r"], { stdin: der }).stdout.toString().split(" ")[0];
    expect(hex(certificateFingerprint(cert.der))).toBe(digest!);
    expect(hex(loadCertificate(crt, key).fingerprint)).toBe(digest!);
  });

  test("file modes 0666/0600 (before umask) and never overwritten", () => {
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(statSync(crt).mode & 0o077 & ~0o022 & 0o044).toBe(0o044);
    const other = makeSelfSignedCertificate({ dns: ["x"], ips: [] });
    expect(() => writeCertificateFiles(crt, join(dir, "new.key"), other)).toThrow("certificate file already exists");
    expect(() => writeCertificateFiles(join(dir, "new.crt"), key, other)).toThrow("key file already exists");
    expect(existsSync(join(dir, "new.crt"))).toBe(false);
  });

  test("loading: 8.2's texts for missing files; a key of another certificate is refused", () => {
    expect(() => loadCertificate(join(dir, "none.crt"), key)).toThrow("cerfificate file not found");
    expect(() => loadCertificate(crt, join(dir, "none.key"))).toThrow("key file not found");
    const other = makeSelfSignedCertificate({ dns: ["x"], ips: [] });
    writeFileSync(join(dir, "other.key"), other.privateKeyPem);
    expect(() => loadCertificate(crt, join(dir, "other.key"))).toThrow("does not match");
  });
});
