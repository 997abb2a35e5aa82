/**
 * bitmarkd key file format (zmqutil/keypair.go, docs/wire.md §2.1) as pure functions:
 * `PUBLIC:<64 hex>\n` / `PRIVATE:<64 hex>\n`; reading trims white space like Go's strings.TrimSpace, accepts
 * either hex case, and reports bad hex with Go's encoding/hex texts.
 */
import { Fault } from "../base/fault.ts";
import { BunmarkError } from "../base/errors.ts";

const PUBLIC_TAG = "PUBLIC:";
const PRIVATE_TAG = "PRIVATE:";
const KEY_BYTES = 32;

export interface TaggedKey {
  key: Uint8Array;
  private: boolean;
}

/** Bad hex in a key file; the message is Go's encoding/hex text, as bitmarkd logs it. */
export class HexDecodeError extends BunmarkError<{ code: "KEY_FILE_HEX" }> {
  constructor(goText: string) {
    super({ code: "KEY_FILE_HEX" }, goText);
  }
}

export function formatPublicKeyFile(key: Uint8Array): string {
  return `${PUBLIC_TAG}${Buffer.from(key).toString("hex")}\n`;
}

export function formatPrivateKeyFile(key: Uint8Array): string {
  return `${PRIVATE_TAG}${Buffer.from(key).toString("hex")}\n`;
}

/** Parses file bytes as bitmarkd does, whichever kind of key they hold. */
export function parseKeyFile(bytes: Uint8Array): TaggedKey {
  // One char per byte, so the hex errors can name the offending byte as Go does.
  const s = goTrimSpace(Buffer.from(bytes).toString("latin1"));
  if (s.startsWith(PRIVATE_TAG)) {
    const key = goHexDecode(s.slice(PRIVATE_TAG.length));
    if (key.length !== KEY_BYTES) throw new Fault("invalid private key file");
    return { key, private: true };
  }
  if (s.startsWith(PUBLIC_TAG)) {
    const key = goHexDecode(s.slice(PUBLIC_TAG.length));
    if (key.length !== KEY_BYTES) throw new Fault("invalid public key file");
    return { key, private: false };
  }
  throw new Fault("invalid public key file");
}

export function parsePublicKeyFile(bytes: Uint8Array): Uint8Array {
  const k = parseKeyFile(bytes);
  if (k.private) throw new Fault("invalid public key file");
  return k.key;
}

export function parsePrivateKeyFile(bytes: Uint8Array): Uint8Array {
  const k = parseKeyFile(bytes);
  if (!k.private) throw new Fault("invalid private key file");
  return k.key;
}

// Go's unicode.IsSpace set, as UTF-8 byte sequences in a latin1 string.
const SPACE = "(?:[\\t\\n\\v\\f\\r ]|\\xC2[\\x85\\xA0]|\\xE1\\x9A\\x80|\\xE2\\x80[\\x80-\\x8A\\xA8\\xA9\\xAF]|\\xE2\\x81\\x9F|\\xE3\\x80\\x80)";
const LEADING = new RegExp(`^${SPACE}+`);
const TRAILING = new RegExp(`${SPACE}+$`);

function goTrimSpace(s: string): string {
  return s.replace(LEADING, "").replace(TRAILING, "");
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** Go's hex.DecodeString: the first invalid byte wins over an odd length. */
function goHexDecode(s: string): Uint8Array {
  const out = new Uint8Array(s.length >> 1);
  for (let i = 0; i < s.length; i++) {
    const v = hexValue(s.charCodeAt(i));
    if (v < 0) throw new HexDecodeError(`encoding/hex: invalid byte: ${goRune(s.charCodeAt(i))}`);
    if (i % 2 === 1) out[i >> 1] = (hexValue(s.charCodeAt(i - 1)) << 4) | v;
  }
  if (s.length % 2 === 1) throw new HexDecodeError("encoding/hex: odd length hex string");
  return out;
}

/** Go's `%#U` of a byte value: `U+0067 'g'`, the quoted char only when printable. */
function goRune(b: number): string {
  const code = `U+${b.toString(16).toUpperCase().padStart(4, "0")}`;
  const printable = (b >= 0x20 && b < 0x7f) || (b >= 0xa1 && b !== 0xad);
  return printable ? `${code} '${String.fromCharCode(b)}'` : code;
}
