/**
 * Typed errors carrying bitmarkd 8.2's exact texts (fault/fault.go at b013d5e).
 *
 * The texts travel on the wire in `E` replies and appear in logs and CLI output, so they are
 * part of the compatibility contract: never reword them.
 *
 * See docs/records.md §15, docs/wire.md §7.
 */

export const FAULTS = [
  // records, accounts, currencies
  "not transaction pack",
  "not link",
  "not asset id",
  "not public key",
  "not private key",
  "invalid key type",
  "invalid key length",
  "checksum mismatch",
  "cannot decode account",
  "cannot decode private key",
  "cannot decode seed",
  "invalid seed length",
  "invalid seed header",
  "wrong network for public key",
  "invalid signature",
  "signature too long",
  "invalid owner or registrant",
  "name too short",
  "name too long",
  "fingerprint too short",
  "fingerprint too long",
  "metadata too long",
  "metadata is not map",
  "invalid currency",
  "invalid currency address",
  "invalid Payment version",
  "invalid buffer",
  "invalid count",
  "payment address too long",
  "invalid bitcoin address",
  "invalid litecoin address",
  "bitcoin address for wrong network",
  "litecoin address for wrong network",
  // blocks
  "invalid block header size",
  "invalid block header version",
  "transaction count out of range",
  "invalid block header timestamp",
  "invalid block header difficulty",
  "previous block digest does not match",
  "block version must not decrease",
  "Merkle Root Does Not Match",
  "missing block owner",
  "transaction already exists",
  "double transfer attempt",
  "block not found",
  "initialisation failed",
  // reservoir
  "link to invalid or unconfirmed transaction",
  "transaction links to self",
  "asset not found",
  "assets already registered",
  "too many items to process",
  "missing parameters",
  "invalid item",
  "invalid nonce",
  "payId already used",
  "not available during synchronise",
  "no new transactions",
  "transaction is not an asset",
  "transaction is not an issue",
  "transaction is not a transfer",
  "not a pay id",
  "not a pay nonce",
  // peer protocol
  "packet too short",
  "incorrect chain",
  "invalid public key",
  "invalid length",
  "invalid port number",
  "invalid IP Address",
  "connecting to self forbidden",
  "no connections available",
  "key file not found",
  "key file already exists",
  "invalid public key file",
  "invalid private key file",
  "not connected",
  "invalid peer response",
  "invalid dns txt record",
  "invalid fingerprint",
  // proofer (proof/setup.go)
  "currency is not supported by proofer",
  "invalid proof signing key",
  // client RPC certificate (sic: 8.2's spelling)
  "cerfificate file not found",
  "certificate file already exists",
] as const;

export type FaultText = (typeof FAULTS)[number];

/** An error whose message is one of bitmarkd's texts. */
export class Fault extends Error {
  override readonly name = "Fault";
  constructor(readonly text: FaultText) {
    super(text);
  }
}

/** Throws the fault for `text`; typed `never` so it reads as a statement. */
export function fail(text: FaultText): never {
  throw new Fault(text);
}

export function isFault(e: unknown, text?: FaultText): e is Fault {
  return e instanceof Fault && (text === undefined || e.text === text);
}
