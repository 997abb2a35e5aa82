/**
 * The few DER (ITU-T X.690) encodings an X.509 certificate needs: TLV with definite lengths, INTEGER from
 * unsigned bytes, OBJECT IDENTIFIER from dotted text, strings, times, BIT/OCTET STRING. Encoding only; nothing
 * here parses DER (the PEM reader in certificate.ts only strips the armour).
 *
 * Follows what Go's encoding/asn1 writes for crypto/x509.CreateCertificate (bitmarkd 8.2 vendored certgen):
 * UTCTime for years 1950–2049, GeneralizedTime otherwise; PrintableString where the text allows it.
 */
import { BunmarkError } from "../base/errors.ts";
import { concatBytes } from "../encoding/hex.ts";

/** An OBJECT IDENTIFIER text with fewer than the two arcs every OID has: a bug in the caller's constant. */
class OidError extends BunmarkError<{ code: "OID_TOO_SHORT"; oid: string }> {}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

function length(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** One TLV: `tag` is the whole identifier octet (class, constructed bit and number < 31). */
export function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = concatBytes(...content);
  return concatBytes(Uint8Array.of(tag), length(body.length), body);
}

export const sequence = (...items: Uint8Array[]) => tlv(TAG.SEQUENCE, ...items);
export const set = (...items: Uint8Array[]) => tlv(TAG.SET, ...items);
/** `[n] EXPLICIT` (constructed, context-specific). */
export const explicit = (n: number, inner: Uint8Array) => tlv(0xa0 | n, inner);
/** `[n] IMPLICIT` of a primitive type (context-specific, primitive). */
export const implicit = (n: number, content: Uint8Array) => tlv(0x80 | n, content);

export const boolean = (v: boolean) => tlv(TAG.BOOLEAN, Uint8Array.of(v ? 0xff : 0x00));
export const octetString = (b: Uint8Array) => tlv(TAG.OCTET_STRING, b);
/** BIT STRING of whole bytes (no unused bits). */
export const bitString = (b: Uint8Array) => tlv(TAG.BIT_STRING, Uint8Array.of(0), b);

/** Non-negative INTEGER from big-endian bytes: leading zeros trimmed, a 00 added when the top bit is set. */
export function unsignedInteger(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const v = bytes.subarray(i);
  const top = v[0];
  return tlv(TAG.INTEGER, top === undefined || top & 0x80 ? concatBytes(Uint8Array.of(0), v) : v);
}

export function smallInteger(n: number): Uint8Array {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return unsignedInteger(Uint8Array.from(bytes));
}

/** OBJECT IDENTIFIER from dotted text (`1.2.840.10045.2.1`). */
export function oid(dotted: string): Uint8Array {
  const [first, second, ...rest] = dotted.split(".").map(Number);
  if (first === undefined || second === undefined) throw new OidError({ code: "OID_TOO_SHORT", oid: dotted });
  const out: number[] = [];
  const base128 = (v: number) => {
    const groups = [v & 0x7f];
    for (v = Math.floor(v / 128); v > 0; v = Math.floor(v / 128)) groups.unshift(0x80 | (v & 0x7f));
    out.push(...groups);
  };
  base128(first * 40 + second);
  for (const a of rest) base128(a);
  return tlv(TAG.OID, Uint8Array.from(out));
}

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/** PrintableString when every character allows it (as Go does), else UTF8String. */
export function directoryString(text: string): Uint8Array {
  return tlv(PRINTABLE.test(text) ? TAG.PRINTABLE_STRING : TAG.UTF8_STRING, new TextEncoder().encode(text));
}

/** X.509 Time: UTCTime `YYMMDDHHMMSSZ` for 1950–2049, GeneralizedTime `YYYYMMDDHHMMSSZ` otherwise. */
export function time(date: Date): Uint8Array {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-T:]/g, "");
  const year = date.getUTCFullYear();
  const utc = year >= 1950 && year < 2050;
  return tlv(utc ? TAG.UTC_TIME : TAG.GENERALIZED_TIME, new TextEncoder().encode((utc ? digits.slice(2) : digits) + "Z"));
}
