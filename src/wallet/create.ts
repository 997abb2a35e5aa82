/**
 * What `bunmark create` sends (bitmark-cli 8.2 `create`, rpc.md §6.2–§6.3 and §11.2): a signed AssetData record
 * and N signed BitmarkIssue records for it as the `Bitmarks.Create` argument, then for free issues a proof nonce
 * for the returned pay id: the first 8-byte counter value for which the reservoir's own check
 * (`HashBackend.proofCheck`, sha3-256(payId ‖ payNonce ‖ nonce) ≤ difficulty) passes.
 *
 *   buildCreate(signer, { name, fingerprint, metadata, quantity }, randomNonce)  → { asset, issues, assetId, argument }
 *   findProofNonce(payId, payNonce, target, check)                              → 8-byte nonce
 *   unescapeMetadata("k\\u0000v")                                               → "k\0v" (bitmark-cli's -m form)
 *
 * Deviations from bitmark-cli: the asset and the issues go in one `Bitmarks.Create` call (bitmark-cli makes two,
 * after an `Assets.Get`); the node caches the asset before it stores the issues, so the outcome is the same.
 */
import { assetIdOf } from "../chain/types/records/ids.ts";
import { recordJSON, stringifyJSON } from "../chain/types/records/json.ts";
import { newAssetData, newBitmarkIssue, signRecord } from "../chain/types/records/sign.ts";
import type { AssetData, BitmarkIssue } from "../chain/types/records/types.ts";
import type { Account, PrivateKey } from "../chain/types/account.ts";
import type { HashBackend } from "../crypto/index.ts";
import { BunmarkError } from "../base/errors.ts";

export interface Signer {
  key: PrivateKey;
  account: Account;
}

export interface AssetSpec {
  name: string;
  fingerprint: string;
  metadata: string;
  quantity: number;
}

export interface CreateRequest {
  asset: AssetData;
  issues: BitmarkIssue[];
  assetId: Uint8Array;
  /** the `Bitmarks.Create` argument as JSON text (issue nonces are exact uint64 numbers) */
  argument: string;
}

/** bitmark-cli writes the metadata separator as the six characters `\u0000`. */
export function unescapeMetadata(text: string): string {
  return text.replaceAll("\\u0000", "\u0000");
}

/** Signs the asset (registrant = signer) and `quantity` issues owned by the signer; record checks throw their Fault. */
export function buildCreate(signer: Signer, spec: AssetSpec, randomNonce: () => bigint): CreateRequest {
  const asset = signRecord(newAssetData(spec.name, spec.fingerprint, spec.metadata, signer.account), signer.key);
  const assetId = assetIdOf(spec.fingerprint);
  const nonces = new Set<bigint>();
  while (nonces.size < spec.quantity) nonces.add(randomNonce()); // equal nonces would be one transaction
  const issues = [...nonces].map((n) => signRecord(newBitmarkIssue(assetId, signer.account, n), signer.key));
  const argument = stringifyJSON({ assets: [recordJSON(asset)], issues: issues.map((i) => recordJSON(i)) });
  return { asset, issues, assetId, argument };
}

/** No nonce among the candidates met the target (base/errors.ts pattern). */
class WalletError extends BunmarkError<{ code: "NO_PROOF_NONCE"; limit: number }> {}

/** Counts up from 0 until `check` accepts the 8-byte big-endian nonce; `limit` candidates at most. */
export function findProofNonce(
  payId: Uint8Array,
  payNonce: Uint8Array,
  target: Uint8Array,
  check: HashBackend["proofCheck"],
  limit = 2 ** 40,
): Uint8Array {
  const nonce = new Uint8Array(8);
  const view = new DataView(nonce.buffer);
  for (let n = 0; n < limit; n++) {
    view.setBigUint64(0, BigInt(n));
    if (check(payId, [payNonce], nonce, target) >= 0) return nonce;
  }
  throw new WalletError({ code: "NO_PROOF_NONCE", limit }, `no proof nonce found in ${limit} candidates`);
}
