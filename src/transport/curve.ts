/**
 * CurveZMQ key helpers over libzmq (Curve25519 via libsodium/tweetnacl inside libzmq). Keys are raw 32-byte
 * arrays everywhere in bunmark; libzmq's own API speaks Z85, so the conversion lives here.
 *
 * See docs/wire.md §2.1–§2.2.
 */
import { check, cstr, zmq } from "./libzmq.ts";
import { z85Decode, z85Encode } from "./z85.ts";
import { TransportError } from "./errors.ts";

export const KEY_LENGTH = 32;

export interface CurveKeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

/** A fresh random key pair (libzmq `zmq_curve_keypair`). */
export function curveKeyPair(): CurveKeyPair {
  const pub = new Uint8Array(41);
  const sec = new Uint8Array(41);
  try {
    check(zmq.zmq_curve_keypair(pub, sec), "zmq_curve_keypair");
    const text = (b: Uint8Array) => new TextDecoder().decode(b.subarray(0, 40));
    return { publicKey: z85Decode(text(pub)), secretKey: z85Decode(text(sec)) };
  } finally {
    sec.fill(0);
  }
}

/** The public key of a 32-byte secret key (libzmq `zmq_curve_public`). */
export function curvePublicKey(secretKey: Uint8Array): Uint8Array {
  if (secretKey.length !== KEY_LENGTH) throw new TransportError({ code: "KEY_LENGTH", owner: "curve", key: "secret key" }, "curve: secret key must be 32 bytes");
  const pub = new Uint8Array(41);
  const sec = cstr(z85Encode(secretKey));
  try {
    check(zmq.zmq_curve_public(pub, sec), "zmq_curve_public");
  } finally {
    sec.fill(0);
  }
  return z85Decode(new TextDecoder().decode(pub.subarray(0, 40)));
}
