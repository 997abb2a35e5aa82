/**
 * Validation ("Pack", transactionrecord/pack.go, docs/records.md §5.5): checks limits in 8.2's order, rebuilds the
 * canonical packed form and verifies the signature(s) over the CANONICAL bytes. This is the only place
 * signatures are checked; the txid is still taken over the raw bytes (quirk #1).
 */
import { type Account, accountToBytes, checkSignature, isZeroAccount } from "../account.ts";
import { checkPayments, encodeCurrencyMap, packCurrencyMap, validateAddress } from "../currency.ts";
import { fail } from "../../../base/fault.ts";
import { concatBytes } from "../../../encoding/hex.ts";
import { codePointCount } from "../../../encoding/utf8.ts";
import { encodeVarint } from "../../../encoding/varint.ts";
import { Tag, type CountersignedRecord, type Escrow, type TxRecord } from "./types.ts";

const MAX_SIGNATURE = 1024;
const MIN_NAME = 1;
const MAX_NAME = 64;
const MIN_FINGERPRINT = 1;
const MAX_FINGERPRINT = 1024;
const MAX_METADATA = 2048;

/** `varint(len) ‖ bytes` */
function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  return concatBytes(encodeVarint(bytes.length), bytes);
}

const accountField = (a: Account) => lengthPrefixed(accountToBytes(a));

/** `signed ‖ lp(signature)`: a record's bytes up to and including one of its signatures. */
const withSignature = (signed: Uint8Array, signature: Uint8Array) => concatBytes(signed, lengthPrefixed(signature));

function escrowField(escrow: Escrow | null): Uint8Array {
  if (escrow === null) return Uint8Array.of(0);
  return concatBytes(Uint8Array.of(1), encodeVarint(escrow.currency), lengthPrefixed(escrow.address), encodeVarint(escrow.amount));
}

/**
 * Canonical encoding of `varint(tag) ‖ fields`, i.e. everything before the first signature, with no checks:
 * shortest varints, one-byte key variants, payments in ascending currency order.
 */
function encodeSignedPart(rec: TxRecord): Uint8Array {
  const tag = encodeVarint(rec.tag);
  switch (rec.tag) {
    case Tag.BaseData:
      return concatBytes(tag, encodeVarint(rec.currency), lengthPrefixed(rec.paymentAddress), accountField(rec.owner), encodeVarint(rec.nonce));
    case Tag.AssetData:
      return concatBytes(tag, lengthPrefixed(rec.name), lengthPrefixed(rec.fingerprint), lengthPrefixed(rec.metadata), accountField(rec.registrant));
    case Tag.BitmarkIssue:
      return concatBytes(tag, lengthPrefixed(rec.assetId), accountField(rec.owner), encodeVarint(rec.nonce));
    case Tag.BitmarkTransferUnratified:
    case Tag.BitmarkTransferCountersigned:
      return concatBytes(tag, lengthPrefixed(rec.link), escrowField(rec.escrow), accountField(rec.owner));
    case Tag.BlockFoundation:
      return concatBytes(tag, encodeVarint(rec.version), lengthPrefixed(encodeCurrencyMap(rec.payments)), accountField(rec.owner), encodeVarint(rec.nonce));
    case Tag.BlockOwnerTransfer:
      return concatBytes(
        tag,
        lengthPrefixed(rec.link),
        escrowField(rec.escrow),
        encodeVarint(rec.version),
        lengthPrefixed(encodeCurrencyMap(rec.payments)),
        accountField(rec.owner),
      );
  }
}

export function isCountersigned(rec: TxRecord): rec is CountersignedRecord {
  return rec.tag === Tag.BitmarkTransferCountersigned || rec.tag === Tag.BlockOwnerTransfer;
}

/** What the countersignature covers, without checks: the signed part ‖ lp(signature). */
export function encodeCountersignedPart(rec: TxRecord): Uint8Array {
  return withSignature(encodeSignedPart(rec), rec.signature);
}

/** The complete canonical packed record (signatures included), without any checks. */
export function encodeRecord(rec: TxRecord): Uint8Array {
  const signed = encodeCountersignedPart(rec);
  return isCountersigned(rec) ? withSignature(signed, rec.countersignature) : signed;
}

/** The signer, and (except unratified transfers) the owner, must be present and non-zero. */
function requireKeys(owner: Account, signer: Account | undefined, ownerMayBeZero = false): asserts signer is Account {
  if (signer === undefined || isZeroAccount(signer) || (!ownerMayBeZero && isZeroAccount(owner))) {
    fail("invalid owner or registrant");
  }
}

function checkEscrow(escrow: Escrow | null, testnet: boolean): void {
  if (escrow !== null) validateAddress(escrow.currency, escrow.address, testnet);
}

/** Metadata is empty or `k NUL v NUL … k NUL v`: an even number of NUL-separated parts, none empty. */
function checkMetadataMap(metadata: Uint8Array): void {
  if (metadata.length === 0) return;
  let parts = 1;
  let partLength = 0;
  for (const b of metadata) {
    if (b !== 0) {
      partLength++;
      continue;
    }
    if (partLength === 0) fail("metadata is not map");
    parts++;
    partLength = 0;
  }
  if (partLength === 0 || parts % 2 === 1) fail("metadata is not map");
}

/**
 * Every check of Pack that precedes the signature, in 8.2's order. `signer` is the account that must have
 * signed (for transfers: the current owner of `link`; undefined when unknown → "invalid owner or registrant").
 * Addresses are validated on the signer's network.
 */
export function checkRecord(rec: TxRecord, signer: Account | undefined): asserts signer is Account {
  if (rec.signature.length > MAX_SIGNATURE) fail("signature too long");
  switch (rec.tag) {
    case Tag.BaseData:
      requireKeys(rec.owner, signer);
      validateAddress(rec.currency, rec.paymentAddress, signer.testnet);
      return;
    case Tag.AssetData: {
      requireKeys(rec.registrant, signer);
      const name = codePointCount(rec.name);
      if (name < MIN_NAME) fail("name too short");
      if (name > MAX_NAME) fail("name too long");
      const fingerprint = codePointCount(rec.fingerprint);
      if (fingerprint < MIN_FINGERPRINT) fail("fingerprint too short");
      if (fingerprint > MAX_FINGERPRINT) fail("fingerprint too long");
      if (codePointCount(rec.metadata) > MAX_METADATA) fail("metadata too long");
      checkMetadataMap(rec.metadata);
      return;
    }
    case Tag.BitmarkIssue:
      requireKeys(rec.owner, signer);
      return;
    case Tag.BitmarkTransferUnratified:
      requireKeys(rec.owner, signer, true);
      checkEscrow(rec.escrow, signer.testnet);
      return;
    case Tag.BitmarkTransferCountersigned:
      if (rec.countersignature.length > MAX_SIGNATURE) fail("signature too long");
      requireKeys(rec.owner, signer);
      checkEscrow(rec.escrow, signer.testnet);
      return;
    case Tag.BlockFoundation:
    case Tag.BlockOwnerTransfer:
      requireKeys(rec.owner, signer);
      checkPayments(rec.version, signer.testnet, rec.payments);
      packCurrencyMap(rec.payments, signer.testnet);
      if (rec.tag === Tag.BlockOwnerTransfer) checkEscrow(rec.escrow, signer.testnet);
      return;
  }
}

/** Checks (as `checkRecord`) and returns the bytes the first signature covers. */
export function signedPart(rec: TxRecord, signer: Account | undefined): Uint8Array {
  checkRecord(rec, signer);
  return encodeSignedPart(rec);
}

/** Checks and returns the bytes the countersignature covers: the signed part ‖ lp(signature). */
export function countersignedPart(rec: CountersignedRecord, signer: Account | undefined): Uint8Array {
  checkRecord(rec, signer);
  return encodeCountersignedPart(rec);
}

/**
 * bitmarkd's Pack: validates `rec` as signed by `signer` (and countersigned by its new owner for tags 5
 * and 7) and returns the canonical packed record. Throws a Fault with 8.2's text.
 */
export function packRecord(rec: TxRecord, signer: Account | undefined): Uint8Array {
  checkRecord(rec, signer);
  const unsigned = encodeSignedPart(rec);
  checkSignature(signer, unsigned, rec.signature);
  const signed = withSignature(unsigned, rec.signature);
  if (!isCountersigned(rec)) return signed;
  checkSignature(rec.owner, signed, rec.countersignature);
  return withSignature(signed, rec.countersignature);
}
