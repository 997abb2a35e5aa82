/**
 * Building and signing records (tests, the chain generator, the proofer): constructors taking strings for
 * text fields, and `signRecord` that signs the canonical signed part with Ed25519 (RFC 8032).
 *
 * See docs/records.md §5.3.
 */
import { ed25519Sign } from "../../../crypto/index.ts";
import { type Account, type PrivateKey, privateKeyAccount } from "../account.ts";
import type { Currency, CurrencyMap } from "../currency.ts";
import { PAYMENT_VERSION } from "../currency.ts";
import { utf8Bytes } from "../../../encoding/utf8.ts";
import { countersignedPart, isCountersigned, signedPart } from "./pack.ts";
import {
  Tag,
  type AssetData,
  type BitmarkIssue,
  type BitmarkTransferCountersigned,
  type BitmarkTransferUnratified,
  type BlockFoundation,
  type BlockOwnerTransfer,
  type Escrow,
  type TxRecord,
} from "./types.ts";
import { SigningError } from "../../errors.ts";

type Text = string | Uint8Array;
const bytes = (t: Text): Uint8Array => (typeof t === "string" ? utf8Bytes(t) : t);
const NONE = new Uint8Array(0);

/** Escrow with a string address. */
export function escrow(currency: Currency, address: Text, amount: bigint): Escrow {
  return { currency, address: bytes(address), amount };
}

export function newAssetData(name: Text, fingerprint: Text, metadata: Text, registrant: Account): AssetData {
  return { tag: Tag.AssetData, name: bytes(name), fingerprint: bytes(fingerprint), metadata: bytes(metadata), registrant, signature: NONE };
}

export function newBitmarkIssue(assetId: Uint8Array, owner: Account, nonce: bigint): BitmarkIssue {
  return { tag: Tag.BitmarkIssue, assetId, owner, nonce, signature: NONE };
}

export function newTransferUnratified(link: Uint8Array, owner: Account, escrow: Escrow | null = null): BitmarkTransferUnratified {
  return { tag: Tag.BitmarkTransferUnratified, link, escrow, owner, signature: NONE };
}

export function newTransferCountersigned(link: Uint8Array, owner: Account, escrow: Escrow | null = null): BitmarkTransferCountersigned {
  return { tag: Tag.BitmarkTransferCountersigned, link, escrow, owner, signature: NONE, countersignature: NONE };
}

export function newBlockFoundation(payments: CurrencyMap, owner: Account, nonce: bigint, version = BigInt(PAYMENT_VERSION)): BlockFoundation {
  return { tag: Tag.BlockFoundation, version, payments, owner, nonce, signature: NONE };
}

export function newBlockOwnerTransfer(
  link: Uint8Array,
  payments: CurrencyMap,
  owner: Account,
  escrow: Escrow | null = null,
  version = BigInt(PAYMENT_VERSION),
): BlockOwnerTransfer {
  return { tag: Tag.BlockOwnerTransfer, link, escrow, version, payments, owner, signature: NONE, countersignature: NONE };
}

function signerAccount(key: PrivateKey): Account {
  const account = privateKeyAccount(key);
  if (account === undefined) throw new SigningError({ code: "NOTHING_KEY" }, "cannot sign with a key of the Nothing algorithm");
  return account;
}

/** Ed25519 signature with a 64-byte private key (seed ‖ public): the seed half determines everything. */
const sign = (key: PrivateKey, message: Uint8Array) => ed25519Sign(key.privateKey.subarray(0, 32), message);

/**
 * Signs `rec` with `signer` (the owner/registrant, or for transfers the current owner of the link) and, for
 * tags 5 and 7, countersigns with `countersigner` (the new owner). The record's non-signature checks run
 * first, so an invalid record throws its Fault. Returns a new record; pack it with `packRecord`.
 */
export function signRecord<T extends TxRecord>(rec: T, signer: PrivateKey, countersigner?: PrivateKey): T {
  const signature = sign(signer, signedPart({ ...rec, signature: NONE }, signerAccount(signer)));
  const signed = { ...rec, signature };
  if (!isCountersigned(signed)) return signed;
  if (countersigner === undefined) {
    const what = rec.tag === Tag.BitmarkTransferCountersigned ? "countersigned transfer" : "block owner transfer";
    throw new SigningError({ code: "COUNTERSIGNER_MISSING", tag: rec.tag }, `a ${what} needs a countersigner`);
  }
  const countersignature = sign(countersigner, countersignedPart(signed, signerAccount(signer)));
  return { ...signed, countersignature };
}
