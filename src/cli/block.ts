/**
 * `bunmark block decode HEX [--chain local|testing|bitmark] [--lenient]`: decodes a packed block and prints JSON — the
 * header in bitmarkd's JSON form, the Argon2 digest (one computation), the merkle root of the records' txids,
 * the foundation txid, the block CRC, and each record as `bunmark tx decode` shows it. The chain (default
 * `testing`) selects the network flag records are decoded with. Invalid input: exit 1 with bitmarkd's error
 * text (header checks as ExtractHeader applies them, then record decoding in block order).
 */
import { activeBackend } from "../crypto/index.ts";
import { blockRecords, type BlockRecord } from "../chain/types/block.ts";
import { isTestnet, type ChainName } from "../chain/types/chains.ts";
import { crc64 } from "../encoding/crc64.ts";
import { checkHeader, headerJSON, HEADER_SIZE } from "../chain/types/header.ts";
import { bytesEqual, toDisplayHex, toHex } from "../encoding/hex.ts";
import { merkleRoot } from "../chain/rules/merkle.ts";
import type { JsonValue } from "../chain/types/records/index.ts";
import { foundationTxId } from "../chain/types/records/ids.ts";
import { CHAIN_FLAG, runDecodeCommand } from "./decode-command.ts";
import { checksDigestDifficulty } from "../chain/types/chains.ts";
import { targetBytes, withinHeaderWindow } from "../chain/rules/difficulty.ts";
import { isFault } from "../base/fault.ts";
import type { CommandSpec } from "./args.ts";
import { describeRecord } from "./tx.ts";
import { Tag } from "../chain/types/records/types.ts";
import { CliError } from "./errors.ts";

/** The records one by one, so that a failure names the record and the byte where it starts. */
function records(packed: Uint8Array, count: number, chain: ChainName): BlockRecord[] {
  const out: BlockRecord[] = [];
  let offset = HEADER_SIZE;
  try {
    for (const r of blockRecords(packed.subarray(HEADER_SIZE), count, isTestnet(chain))) {
      out.push(r);
      offset += r.packed.length;
    }
  } catch (e) {
    if (!isFault(e)) throw e;
    const type = { code: "BLOCK_INVALID", fault: e.text, offset, length: packed.length } as const;
    if (out.length === count) throw new CliError(type, `${e.text}: ${packed.length - offset} bytes after the last record (from byte ${offset})`);
    throw new CliError(type, `${e.text}: record ${out.length + 1} of ${count} at byte ${offset}, the input has ${packed.length} bytes`);
  }
  return out;
}

/** JSON description of a packed block and the rules it breaks that can be checked without the chain. */
export function describeBlock(packed: Uint8Array, chain: ChainName): { json: { [key: string]: JsonValue }; problems: string[] } {
  if (packed.length < HEADER_SIZE) {
    const type = { code: "BLOCK_INVALID", fault: "invalid block header size", offset: packed.length, length: packed.length } as const;
    throw new CliError(type, `invalid block header size: truncated at byte ${packed.length} (a header has ${HEADER_SIZE})`);
  }
  const { header, target } = checkHeader(packed, Date.now() / 1000);
  const list = records(packed, header.transactionCount, chain);
  const hash = activeBackend();
  const digest = hash.blockDigest(packed.subarray(0, HEADER_SIZE));
  const root = merkleRoot(list.map((r) => r.txId));
  const problems: string[] = [];
  if (!withinHeaderWindow(target) || (checksDigestDifficulty(chain) && !hash.meetsDifficulty(digest, targetBytes(target)))) {
    problems.push("invalid block header difficulty");
  }
  if (!bytesEqual(root, header.merkleRoot)) problems.push("Merkle Root Does Not Match");
  if (list[0] !== undefined && list[0].record.tag !== Tag.BaseData && list[0].record.tag !== Tag.BlockFoundation) problems.push("missing block owner"); // BaseData or BlockFoundation
  const json = {
    header: headerJSON(header) as { [key: string]: JsonValue },
    digest: toHex(digest),
    digestDisplay: toDisplayHex(digest),
    merkleRoot: toHex(root),
    merkleRootMatches: bytesEqual(root, header.merkleRoot),
    foundationTxId: toHex(foundationTxId(digest, header.numberU64)),
    crc64: crc64(header.numberU64, packed).toString(16).padStart(16, "0"),
    txIds: list.map((r) => toHex(r.txId)),
    transactions: list.map((r) => describeRecord(r.packed, r.record)),
  };
  return { json, problems };
}

export const spec: CommandSpec = {
  name: "block decode",
  summary: "decode a packed block; exit 1 when it breaks a rule checkable alone (difficulty, merkle root, block owner)",
  args: "HEX",
  flags: [CHAIN_FLAG, { name: "lenient", help: "exit 0 even when the block breaks a rule (to inspect bad blocks)" }],
  example: "bunmark block decode \"$(cat block.hex)\" --chain bitmark",
};

export async function main(args: string[]): Promise<number> {
  return runDecodeCommand({ spec, notHex: "invalid block header size (input is not hex)", decode: describeBlock }, args);
}
