/**
 * The checks of bitmarkd 8.2's StoreIncoming (block/store.go, docs/records.md §11.1), as functions of the block's
 * bytes, its digest and a read-only view of the chain: nothing here writes. Checks run in 8.2's order with
 * 8.2's error texts (`Fault`s: they go into logs and, for pushed blocks, decide what peers see).
 *
 * Where 8.2 panics the block is refused instead (quirks #6, #8, #16 here; #7 and #9 are found by the writes,
 * see store/write-block.ts):
 *   #6/#16 a transfer whose link is not a confirmed transaction, or names an old BaseData foundation, and a
 *          BlockOwnerTransfer whose link has no BlockOwnerTxIndex entry → "link to invalid or unconfirmed transaction";
 *   #8     number ≠ height + 1 (checked last, before any write) → "invalid block header version"
 *          (8.2's text for a block number it cannot accept).
 *
 * The Argon2 digest is the one slow step; it is computed between `checkBlockHeader` and `validateBlock`
 * (`digestsFor` computes a batch in parallel on native threads), so a caller holding it already skips it.
 *
 * See docs/deviations.md §2 and §D.
 */
import type { HashBackend } from "../../crypto/api.ts";
import { at } from "../../base/at.ts";
import { fail, isFault } from "../../base/fault.ts";
import { bytesEqual, concatBytes } from "../../encoding/hex.ts";
import { utf8Text } from "../../encoding/utf8.ts";
import { accountToBytes, type Account } from "../types/account.ts";
import { blockRecords, type BlockRecord } from "../types/block.ts";
import { checksDigestDifficulty, type ChainName } from "../types/chains.ts";
import { litecoinFromBitcoin } from "../types/coin-address.ts";
import { CURRENCY_LITECOIN, checkPayments, packCurrencyMap, validateAddress, type Currency, type CurrencyMap } from "../types/currency.ts";
import { checkHeader, HEADER_SIZE, type BlockHeader } from "../types/header.ts";
import { assetIdOf } from "../types/records/ids.ts";
import { packRecord } from "../types/records/pack.ts";
import { ownerOf } from "../types/records/roles.ts";
import { Tag, type BaseData } from "../types/records/types.ts";
import { unpackRecord } from "../types/records/unpack.ts";
import { targetBytes, withinHeaderWindow } from "./difficulty.ts";
import { merkleRoot } from "./merkle.ts";
import { currentlyOwns } from "./ownership.ts";

/** The highest stored block as StoreIncoming compares against it. */
export interface ChainTip {
  height: number;
  /** digest of the highest block (the genesis digest when none is stored) */
  digest: Uint8Array;
  version: number;
  timestamp: number;
}

/** One table, read only. */
interface ReadTable {
  get(key: Uint8Array): Uint8Array | undefined;
  has(key: Uint8Array): boolean;
}

/** What validation reads of the chain: the tip and four tables, never written through this view. */
export interface ChainView {
  readonly chain: ChainName;
  readonly testnet: boolean;
  tip(): Readonly<ChainTip>;
  readonly tables: {
    readonly assets: ReadTable;
    readonly transactions: ReadTable;
    readonly blockOwnerTxIndex: ReadTable;
    readonly ownerDigest: ReadTable;
  };
}

/** A record that passed validation, with what the writes need. */
export interface CheckedRecord extends BlockRecord {
  /** current owner of `link` (transfers) */
  linkOwner?: Account;
  /** BE64 number of the block whose ownership a BlockOwnerTransfer moves */
  transferredBlockKey?: Uint8Array;
  /** asset id of an AssetData */
  assetId?: Uint8Array;
}

/** Step 8's result: who owns the block and where its fees go. */
export interface BlockOwner {
  owner: Account;
  packedPayments: Uint8Array;
  /** the foundation record(s) as stored under the foundation txid */
  foundation: Uint8Array;
  /** index of the first record after the owner record(s) */
  firstProcessed: number;
}

/** A block that passed every check: what `write-block.ts` stores. */
export interface ValidBlock {
  packed: Uint8Array;
  header: BlockHeader;
  digest: Uint8Array;
  records: CheckedRecord[];
  owner: BlockOwner;
}

const LINK_ERROR = "link to invalid or unconfirmed transaction";

/** Argon2 digests of the headers of several packed blocks, computed in parallel off the JS thread. */
export async function digestsFor(source: { hash: Pick<HashBackend, "blockDigestBatch"> }, packedBlocks: Uint8Array[]): Promise<Uint8Array[]> {
  for (const p of packedBlocks) if (p.length < HEADER_SIZE) fail("invalid block header size");
  return source.hash.blockDigestBatch(packedBlocks.map((p) => p.subarray(0, HEADER_SIZE)));
}

/**
 * Current owner of a confirmed transaction (8.2 ownership.OwnerOf): the owner field of the record stored
 * under `txId`; undefined when it is not in Transactions. A stored record without an owner (an old BaseData
 * foundation) makes 8.2 panic (quirk #6): refused here.
 */
export function linkOwner(view: Pick<ChainView, "testnet" | "tables">, txId: Uint8Array): Account | undefined {
  const stored = view.tables.transactions.get(txId);
  if (!stored || stored.length < 9) return undefined;
  return ownerOf(unpackRecord(stored.subarray(8), view.testnet).record) ?? fail(LINK_ERROR);
}

/** Step 1 without the digest (8.2 ExtractHeader): field checks, then the difficulty window. */
export function checkBlockHeader(packed: Uint8Array, nowSeconds: number): { header: BlockHeader; target: bigint } {
  const checked = checkHeader(packed, nowSeconds);
  // (8.2 tests the window and the digest together; the window first spares a refused block its Argon2 run)
  if (!withinHeaderWindow(checked.target)) fail("invalid block header difficulty");
  return checked;
}

/** Step 6 for one record: validation against the tables as they were before this block. */
function checkRecord(view: ChainView, version: number, r: BlockRecord): CheckedRecord {
  const tx = r.record;
  const checkDuplicates = version !== 1; // 8.2 skips them for version-1 blocks (quirk #10)
  switch (tx.tag) {
    case Tag.BaseData:
    case Tag.BlockFoundation:
      packRecord(tx, tx.owner);
      return r;
    case Tag.AssetData: {
      packRecord(tx, tx.registrant);
      const assetId = assetIdOf(tx.fingerprint);
      if (checkDuplicates && view.tables.assets.has(assetId)) fail("transaction already exists");
      return { ...r, assetId };
    }
    case Tag.BitmarkIssue:
      packRecord(tx, tx.owner);
      if (checkDuplicates && view.tables.transactions.has(r.txId)) fail("transaction already exists");
      return r;
    case Tag.BitmarkTransferUnratified:
    case Tag.BitmarkTransferCountersigned: {
      const owner = linkOwner(view, tx.link);
      if (!owner) fail(LINK_ERROR); // 8.2: panic "Transactions database is corrupt"
      packRecord(tx, owner);
      if (!currentlyOwns(view.tables, accountToBytes(owner), tx.link)) fail("double transfer attempt");
      return { ...r, linkOwner: owner };
    }
    case Tag.BlockOwnerTransfer: {
      const owner = linkOwner(view, tx.link);
      packRecord(tx, owner); // an unknown link owner fails here: "invalid owner or registrant"
      if (!currentlyOwns(view.tables, accountToBytes(owner!), tx.link)) fail("double transfer attempt");
      const transferredBlockKey = view.tables.blockOwnerTxIndex.get(tx.link);
      if (!transferredBlockKey) fail(LINK_ERROR); // 8.2: panic "missing BlockOwnerTxIndex" (quirk #16)
      checkPayments(tx.version, view.testnet, tx.payments);
      return { ...r, linkOwner: owner!, transferredBlockKey };
    }
  }
}

/** Step 8: record 0 decides the block owner and the payment map. */
function blockOwnerOf(records: CheckedRecord[], testnet: boolean): BlockOwner {
  const head = at(records, 0); // checkHeader refuses a block without records
  const first = head.record;
  if (first.tag === Tag.BlockFoundation) {
    checkPayments(first.version, testnet, first.payments);
    return { owner: first.owner, packedPayments: packCurrencyMap(first.payments, testnet), foundation: head.packed, firstProcessed: 1 };
  }
  if (first.tag !== Tag.BaseData) fail("missing block owner");
  const address = (b: BaseData) => utf8Text(b.paymentAddress);
  validateAddress(first.currency, first.paymentAddress, testnet);
  const map: CurrencyMap = new Map<Currency, string>([[first.currency, address(first)]]);
  // (a genesis-form block, count 1, has no second record: 8.2 panics here; bunmark refuses it, by the number check at the latest)
  const next = records[1];
  const second = next?.record;
  if (next !== undefined && second?.tag === Tag.BaseData) {
    map.set(second.currency, address(second));
    const foundation = concatBytes(head.packed, next.packed);
    return { owner: first.owner, packedPayments: packCurrencyMap(map, testnet), foundation, firstProcessed: 2 };
  }
  // a single base record pays Litecoin to the same hash; a failed conversion leaves "" (quirk #13)
  let litecoin = "";
  try {
    litecoin = litecoinFromBitcoin(address(first));
  } catch (e) {
    if (!isFault(e)) throw e;
  }
  map.set(CURRENCY_LITECOIN, litecoin);
  return { owner: first.owner, packedPayments: packCurrencyMap(map, testnet), foundation: head.packed, firstProcessed: 1 };
}

/**
 * Steps 1 (digest vs target) to 8 and 11 for a block whose header passed `checkBlockHeader` and whose digest is
 * known; throws the first failing check's Fault.
 */
export function validateBlock(
  view: ChainView,
  hash: Pick<HashBackend, "meetsDifficulty">,
  packed: Uint8Array,
  checked: { header: BlockHeader; target: bigint },
  digest: Uint8Array,
): ValidBlock {
  const { header, target } = checked;
  if (checksDigestDifficulty(view.chain) && !hash.meetsDifficulty(digest, targetBytes(target))) {
    fail("invalid block header difficulty");
  }
  // 2–5. linkage, version, timestamp against the tip
  const tip = view.tip();
  if (!bytesEqual(header.previousBlock, tip.digest)) fail("previous block digest does not match");
  if (tip.version > header.version) fail("block version must not decrease");
  if (tip.timestamp > header.timestamp) {
    const back = tip.timestamp - header.timestamp;
    const allowed = header.version === 1 ? 240 * 60 : header.version === 2 ? 10 * 60 : -1;
    if (back > allowed) fail("invalid block header timestamp");
  }
  // 6. records, each validated before the next is decoded
  const records: CheckedRecord[] = [];
  for (const r of blockRecords(packed.subarray(HEADER_SIZE), header.transactionCount, view.testnet)) {
    records.push(checkRecord(view, header.version, r));
  }
  // 7. merkle root
  if (!bytesEqual(merkleRoot(records.map((r) => r.txId)), header.merkleRoot)) fail("Merkle Root Does Not Match");
  // 8. block owner
  const owner = blockOwnerOf(records, view.testnet);
  // 11 (quirk #8): the number must follow the tip — checked before anything is written
  if (header.numberU64 !== BigInt(tip.height + 1)) fail("invalid block header version");
  return { packed, header, digest, records, owner };
}
