/**
 * `bunmark block decode HEX [--chain testing|bitmark|local]`: decodes a packed block and prints JSON — the
 * header in bitmarkd's JSON form, the Argon2 digest (one computation), the merkle root of the records' txids,
 * the foundation txid, the block CRC, and each record as `bunmark tx decode` shows it. The chain (default
 * `testing`) selects the network flag records are decoded with. Invalid input: exit 1 with bitmarkd's error
 * text (header checks as ExtractHeader applies them, then record decoding in block order).
 */
import { hash } from "../crypto/index.ts";
import { decodeBlock } from "../chain/types/block.ts";
import { isTestnet, type ChainName } from "../chain/types/chains.ts";
import { crc64 } from "../encoding/crc64.ts";
import { checkHeader, headerJSON, HEADER_SIZE } from "../chain/types/header.ts";
import { bytesEqual, toDisplayHex, toHex } from "../encoding/hex.ts";
import { merkleRoot } from "../chain/rules/merkle.ts";
import type { JsonValue } from "../chain/types/records/index.ts";
import { foundationTxId } from "../chain/types/records/ids.ts";
import { runDecodeCommand } from "./decode-command.ts";
import { decodeRecords } from "./tx.ts";

/** JSON description of a packed block; throws the first Fault. */
export function describeBlock(packed: Uint8Array, chain: ChainName): { [key: string]: JsonValue } {
  const { header } = checkHeader(packed, Date.now() / 1000);
  const { records } = decodeBlock(packed, isTestnet(chain));
  const digest = hash.blockDigest(packed.subarray(0, HEADER_SIZE));
  const root = merkleRoot(records.map((r) => r.txId));
  return {
    header: headerJSON(header) as { [key: string]: JsonValue },
    digest: toHex(digest),
    digestDisplay: toDisplayHex(digest),
    merkleRoot: toHex(root),
    merkleRootMatches: bytesEqual(root, header.merkleRoot),
    foundationTxId: toHex(foundationTxId(digest, header.numberU64)),
    crc64: crc64(header.numberU64, packed).toString(16).padStart(16, "0"),
    txIds: records.map((r) => toHex(r.txId)),
    transactions: records.map((r) => decodeRecords(r.packed, chain)[0]!),
  };
}

export async function main(args: string[]): Promise<number> {
  return runDecodeCommand({ name: "block", notHex: "invalid block header size (input is not hex)", decode: describeBlock }, args);
}
