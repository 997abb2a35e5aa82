/**
 * Building a job (bitmarkd 8.2 proof/publisher.go `process`, docs/proof.md §3.2): pure functions of the verified
 * pool, the tip, the clock and a nonce.
 *
 *   foundationRecord(payments, signing)  the signed, packed BlockFoundation ("TxZero"), nonce 1234
 *   buildJob({ pool, txZero, assetFor, tip, bits, timestamp, nonce, testnet }) → Job
 *   blockOf(job, nonce)                  header(100) ‖ TxZero ‖ transactions: the block a found nonce makes
 *
 * Deviations: an issue whose asset is neither confirmed nor cached is left out of the job (8.2 panics); the
 * selection stops before the block would exceed 10 000 records (8.2 panics).
 */
import { BunmarkError } from "../base/errors.ts";
import { CURRENT_VERSION, packHeader, type HeaderFields } from "../chain/types/header.ts";
import { merkleRoot } from "../chain/rules/merkle.ts";
import type { CurrencyMap } from "../chain/types/currency.ts";
import { txIdOf } from "../chain/types/records/ids.ts";
import { packRecord } from "../chain/types/records/pack.ts";
import { newBlockFoundation, signRecord } from "../chain/types/records/sign.ts";
import { unpackRecord } from "../chain/types/records/unpack.ts";
import { bytesEqual, concatBytes, toHex } from "../encoding/hex.ts";
import type { SigningKey } from "./identity.ts";

/** A broken promise of what feeds the proofer: the pool's two lists of one length, one digest per header hashed. */
export class ProoferError extends BunmarkError<{ code: "POOL_MISMATCH"; packed: number; txIds: number } | { code: "DIGEST_MISSING" }> {}

/** Records a block may hold (blockrecord.MaximumTransactions), foundation included. */
export const MAXIMUM_TRANSACTIONS = 10_000;
/** The foundation nonce 8.2 writes into every block it makes. */
export const FOUNDATION_NONCE = 1234n;

export interface Job {
  /** header with the published nonce */
  header: HeaderFields;
  txZero: Uint8Array;
  /** merkle leaves: SHA3-256(TxZero), then each inserted asset and pooled transaction */
  txIds: Uint8Array[];
  /** assets inserted before their first issue */
  assetIds: Uint8Array[];
  /** the records after TxZero, concatenated in txIds order */
  transactions: Uint8Array;
}

/** What the block needs for an issue's asset: nothing (already in a block), its packed record, or unknown. */
export type AssetNeed = { confirmed: true } | { packed: Uint8Array } | undefined;

export interface JobInputs {
  /** verified pool items, in fetch order */
  pool: { txIds: readonly Uint8Array[]; packed: readonly Uint8Array[] };
  txZero: Uint8Array;
  assetFor: (assetId: Uint8Array) => AssetNeed;
  tip: { height: number; digest: Uint8Array };
  bits: bigint;
  timestamp: number;
  nonce: bigint;
  testnet: boolean;
}

/** The node's BlockFoundation: version 1, the configured BTC/LTC addresses, owned and signed by the signing key. */
export function foundationRecord(payments: CurrencyMap, signing: SigningKey): Uint8Array {
  const unsigned = newBlockFoundation(payments, signing.account, FOUNDATION_NONCE);
  return packRecord(signRecord(unsigned, signing.key), signing.account);
}

/** A job, or undefined when nothing from the pool can go into a block (8.2 makes no empty blocks). */
export function buildJob(i: JobInputs): Job | undefined {
  const txIds = [txIdOf(i.txZero)];
  const records: Uint8Array[] = [];
  const assetIds: Uint8Array[] = [];
  const seen = new Set<string>();
  for (const [n, packed] of i.pool.packed.entries()) {
    const txId = i.pool.txIds[n];
    if (txId === undefined) throw new ProoferError({ code: "POOL_MISMATCH", packed: i.pool.packed.length, txIds: i.pool.txIds.length });
    const { record } = unpackRecord(packed, i.testnet);
    let asset: { id: Uint8Array; packed: Uint8Array } | undefined;
    if (record.tag === 3 && !seen.has(toHex(record.assetId))) {
      const need = i.assetFor(record.assetId);
      if (need === undefined) continue;
      if ("packed" in need) asset = { id: record.assetId, packed: need.packed };
    }
    if (txIds.length + (asset ? 2 : 1) > MAXIMUM_TRANSACTIONS) break;
    if (asset) {
      txIds.push(txIdOf(asset.packed));
      records.push(asset.packed);
      assetIds.push(asset.id);
    }
    if (record.tag === 3) seen.add(toHex(record.assetId));
    txIds.push(txId);
    records.push(packed);
  }
  if (records.length === 0) return undefined;
  return {
    header: {
      version: CURRENT_VERSION,
      transactionCount: txIds.length,
      number: i.tip.height + 1,
      previousBlock: i.tip.digest,
      merkleRoot: merkleRoot(txIds),
      timestamp: i.timestamp,
      bits: i.bits,
      nonce: i.nonce,
    },
    txZero: i.txZero,
    txIds,
    assetIds,
    transactions: concatBytes(...records),
  };
}

/** The 100-byte header of `job` with `nonce` in place of the published one. */
export function headerWithNonce(job: Job, nonce: bigint): Uint8Array {
  return packHeader({ ...job.header, nonce });
}

/** The packed block a winning nonce makes. */
export function blockOf(job: Job, nonce: bigint): Uint8Array {
  return concatBytes(headerWithNonce(job, nonce), job.txZero, job.transactions);
}

/** Whether `job` was built on `tip` (a job on an older tip can only make a block the store refuses). */
export function builtOn(job: Job, tip: { height: number; digest: Uint8Array }): boolean {
  return BigInt(job.header.number) === BigInt(tip.height) + 1n && bytesEqual(job.header.previousBlock, tip.digest);
}
