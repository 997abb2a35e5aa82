/**
 * NaCl secretbox seal (XSalsa20-Poly1305), the one primitive bitmarkd uses to turn a wallet seed into an
 * Ed25519 seed (account/private.go). Small and unoptimised: it runs once per seed.
 *
 * See docs/records.md §3.3.
 */
import { at } from "../../base/at.ts";

const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574] as const; // "expand 32-byte k"

function word(b: Uint8Array, i: number): number {
  return new DataView(b.buffer, b.byteOffset, b.length).getUint32(i, true);
}

function rotl(x: number, n: number): number {
  return ((x << n) | (x >>> (32 - n))) >>> 0;
}

/** 20 Salsa20 rounds over `x` in place. */
function rounds(x: Uint32Array): void {
  const qr = (a: number, b: number, c: number, d: number) => {
    x[b] = at(x, b) ^ rotl((at(x, a) + at(x, d)) >>> 0, 7);
    x[c] = at(x, c) ^ rotl((at(x, b) + at(x, a)) >>> 0, 9);
    x[d] = at(x, d) ^ rotl((at(x, c) + at(x, b)) >>> 0, 13);
    x[a] = at(x, a) ^ rotl((at(x, d) + at(x, c)) >>> 0, 18);
  };
  for (let i = 0; i < 10; i++) {
    qr(0, 4, 8, 12);
    qr(5, 9, 13, 1);
    qr(10, 14, 2, 6);
    qr(15, 3, 7, 11);
    qr(0, 1, 2, 3);
    qr(5, 6, 7, 4);
    qr(10, 11, 8, 9);
    qr(15, 12, 13, 14);
  }
}

/** Salsa20 state: constants on the diagonal, key in 1–4 and 11–14, 16 input bytes in 6–9. */
function state(key: Uint8Array, input16: Uint8Array): Uint32Array {
  const s = new Uint32Array(16);
  s[0] = SIGMA[0];
  s[5] = SIGMA[1];
  s[10] = SIGMA[2];
  s[15] = SIGMA[3];
  for (let i = 0; i < 4; i++) {
    s[1 + i] = word(key, 4 * i);
    s[11 + i] = word(key, 16 + 4 * i);
    s[6 + i] = word(input16, 4 * i);
  }
  return s;
}

function hsalsa20(key: Uint8Array, nonce16: Uint8Array): Uint8Array {
  const x = state(key, nonce16);
  rounds(x);
  const out = new Uint8Array(32);
  const dv = new DataView(out.buffer);
  [0, 5, 10, 15, 6, 7, 8, 9].forEach((w, i) => dv.setUint32(4 * i, at(x, w), true));
  return out;
}

/** XSalsa20 keystream XOR `data` (counter from 0). */
function xsalsa20Xor(key: Uint8Array, nonce: Uint8Array, data: Uint8Array): Uint8Array {
  const subkey = hsalsa20(key, nonce.subarray(0, 16));
  const input = new Uint8Array(16);
  input.set(nonce.subarray(16, 24));
  const out = new Uint8Array(data.length);
  const block = new Uint8Array(64);
  const bv = new DataView(block.buffer);
  for (let off = 0, counter = 0; off < data.length; off += 64, counter++) {
    new DataView(input.buffer).setUint32(8, counter, true);
    const s = state(subkey, input);
    const x = s.slice();
    rounds(x);
    for (let i = 0; i < 16; i++) bv.setUint32(4 * i, (at(x, i) + at(s, i)) >>> 0, true);
    for (let i = 0; i < 64 && off + i < data.length; i++) out[off + i] = at(data, off + i) ^ at(block, i);
  }
  return out;
}

function leBigInt(b: Uint8Array): bigint {
  return b.reduceRight((n, byte) => (n << 8n) | BigInt(byte), 0n);
}

/** Poly1305 one-time authenticator (RFC 8439 §2.5). */
function poly1305(key: Uint8Array, msg: Uint8Array): Uint8Array {
  const p = (1n << 130n) - 5n;
  const r = leBigInt(key.subarray(0, 16)) & 0x0ffffffc0ffffffc0ffffffc0fffffffn;
  const s = leBigInt(key.subarray(16, 32));
  let acc = 0n;
  for (let off = 0; off < msg.length; off += 16) {
    const chunk = msg.subarray(off, Math.min(off + 16, msg.length));
    acc = ((acc + leBigInt(chunk) + (1n << BigInt(8 * chunk.length))) * r) % p;
  }
  acc = (acc + s) & ((1n << 128n) - 1n);
  const tag = new Uint8Array(16);
  for (let i = 0; i < 16; i++) tag[i] = Number((acc >> BigInt(8 * i)) & 0xffn);
  return tag;
}

/** secretbox(message, nonce24, key32) = Poly1305 tag (16 bytes) ‖ XSalsa20 ciphertext. */
export function secretboxSeal(message: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array {
  if (nonce.length !== 24 || key.length !== 32) throw new RangeError("secretbox: nonce must be 24 bytes, key 32");
  const padded = new Uint8Array(32 + message.length);
  padded.set(message, 32);
  const stream = xsalsa20Xor(key, nonce, padded);
  const ciphertext = stream.subarray(32);
  const out = new Uint8Array(16 + message.length);
  out.set(poly1305(stream.subarray(0, 32), ciphertext));
  out.set(ciphertext, 16);
  return out;
}
