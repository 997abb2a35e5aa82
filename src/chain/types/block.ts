/**
 * Packed blocks: `header(100) ‖ record_0 ‖ … ‖ record_{count−1}` with nothing after the last record.
 *
 * `blockRecords` walks the records lazily so that a caller validating each record (StoreIncoming) reports
 * errors in bitmarkd's order: record i is checked before record i+1 is even decoded, and trailing bytes are
 * reported only after the last record passed ("transaction count out of range").
 *
 * See docs/records.md §8.2.
 */
import { fail } from "../../base/fault.ts";
import { txIdOf } from "./records/ids.ts";
import { unpackRecord } from "./records/unpack.ts";
import type { TxRecord } from "./records/types.ts";
import { type BlockHeader, HEADER_SIZE, unpackHeader } from "./header.ts";

export interface BlockRecord {
  /** position in the block */
  index: number;
  record: TxRecord;
  /** the record's bytes exactly as they appear in the block */
  packed: Uint8Array;
  /** sha3-256 of `packed` (storage order); the merkle leaf */
  txId: Uint8Array;
}

/** What the store reports for each stored or deleted block (the reservoir drops these items from its pools). */
export interface BlockEvent {
  number: number;
  digest: Uint8Array;
  header: BlockHeader;
  records: BlockRecord[];
}

/** Decodes the `count` records of a block body one at a time; see the file comment for the error order. */
export function* blockRecords(body: Uint8Array, count: number, testnet: boolean): Generator<BlockRecord> {
  let rest = body;
  for (let index = 0; index < count; index++) {
    const { record, consumed } = unpackRecord(rest, testnet);
    const packed = rest.subarray(0, consumed);
    rest = rest.subarray(consumed);
    yield { index, record, packed, txId: txIdOf(packed) };
  }
  if (rest.length > 0) fail("transaction count out of range");
}

/** Header and all records of a packed block, without any rule check beyond decoding. */
export function decodeBlock(packed: Uint8Array, testnet: boolean): { header: BlockHeader; records: BlockRecord[] } {
  const header = unpackHeader(packed);
  return { header, records: [...blockRecords(packed.subarray(HEADER_SIZE), header.transactionCount, testnet)] };
}
