/**
 * `bunmark tx decode HEX [--chain local|testing|bitmark]`: decodes packed transaction record(s) and prints
 * JSON — type name, txid, asset id, owner account strings, and whether the signatures hold under 8.2's rules.
 * The chain (default `local`, as for `run`) only selects the network flag that account and address decoding require.
 * Several records back to back are printed as an array. Invalid input: exit 1 with bitmarkd's error text.
 */
import { isTestnet, type ChainName } from "../chain/types/chains.ts";
import { accountToString, checkSignature, type Account } from "../chain/types/account.ts";
import { bytesEqual, toDisplayHex, toHex } from "../encoding/hex.ts";
import {
  assetIdOf,
  encodeCountersignedPart,
  encodeRecord,
  isCountersigned,
  packRecord,
  RECORD_NAMES,
  recordJSON,
  selfSigner,
  txIdOf,
  unpackRecord,
  type JsonValue,
  type TxRecord,
} from "../chain/types/records/index.ts";
import { isFault } from "../base/fault.ts";
import { CHAIN_FLAG, runDecodeCommand } from "./decode-command.ts";
import type { CommandSpec } from "./args.ts";
import { Tag } from "../chain/types/records/types.ts";

function faultText(e: unknown): string {
  if (isFault(e)) return e.text;
  throw e;
}

/** Validation with the record's own signer (self-signed types), else what can be checked without the chain. */
function signatureReport(rec: TxRecord): { [key: string]: JsonValue } {
  const signer = selfSigner(rec);
  if (signer === undefined) {
    return {
      signer: null,
      valid: null,
      note: "signed by the current owner of the link: unknown without the chain",
    };
  }
  try {
    packRecord(rec, signer);
    return { signer: accountToString(signer), valid: true };
  } catch (e) {
    return { signer: accountToString(signer), valid: false, error: faultText(e) };
  }
}

/** A countersignature is by the new owner, so it can be checked alone. */
function countersignatureReport(rec: TxRecord, owner: Account): { [key: string]: JsonValue } {
  if (!isCountersigned(rec)) return {};
  try {
    checkSignature(owner, encodeCountersignedPart(rec), rec.countersignature);
    return { signer: accountToString(owner), valid: true };
  } catch (e) {
    return { signer: accountToString(owner), valid: false, error: faultText(e) };
  }
}

/** One record as `tx decode` prints it; `raw` is its packed form as given (its txid and canonical form are checked on it). */
export function describeRecord(raw: Uint8Array, rec: TxRecord): { [key: string]: JsonValue } {
  const txId = txIdOf(raw);
  const out: { [key: string]: JsonValue } = {
    type: RECORD_NAMES[rec.tag],
    tag: rec.tag,
    txId: toHex(txId),
    txIdDisplay: toDisplayHex(txId),
    length: raw.length,
    // false when the record used non-minimal varints or key variants: its txid differs from the canonical twin's
    canonical: bytesEqual(raw, encodeRecord(rec)),
  };
  if (rec.tag === Tag.AssetData) out.assetId = toHex(assetIdOf(rec.fingerprint));
  out.signature = signatureReport(rec);
  if (isCountersigned(rec)) out.countersignature = countersignatureReport(rec, rec.owner);
  out.data = recordJSON(rec);
  return out;
}

/** Decodes every record in `bytes` (throws the first Fault). */
function decodeRecords(bytes: Uint8Array, chain: ChainName): { [key: string]: JsonValue }[] {
  const testnet = isTestnet(chain);
  const out: { [key: string]: JsonValue }[] = [];
  let offset = 0;
  do {
    const rest = bytes.subarray(offset);
    const { record, consumed } = unpackRecord(rest, testnet);
    out.push(describeRecord(rest.subarray(0, consumed), record));
    offset += consumed;
  } while (offset < bytes.length);
  return out;
}

export const spec: CommandSpec = {
  name: "tx decode",
  summary: "decode packed transaction records (several back to back print as an array)",
  args: "HEX",
  flags: [CHAIN_FLAG],
  example: "bunmark tx decode 0x0c… --chain testing",
};

export async function main(args: string[]): Promise<number> {
  return runDecodeCommand(
    {
      spec,
      notHex: "not transaction pack (input is not hex)",
      decode: (bytes, chain) => {
        const records = decodeRecords(bytes, chain);
        const [only, ...more] = records;
        return { json: only !== undefined && more.length === 0 ? only : records };
      },
    },
    args,
  );
}
