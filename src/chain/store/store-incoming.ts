/**
 * StoreIncoming (bitmarkd 8.2 block/store.go, docs/records.md §11.1): validates a packed block against the chain tip and
 * the tables, then writes it in ONE LMDB transaction. Checks run in 8.2's order with 8.2's error texts.
 *
 * Where 8.2 panics (quirks #6–#9, #16) the block is rejected instead and nothing is written:
 *   #6/#16 a transfer whose link is not a confirmed transaction, or names an old BaseData foundation, and a
 *          BlockOwnerTransfer whose link has no BlockOwnerTxIndex entry → "link to invalid or unconfirmed transaction";
 *   #8     number ≠ height + 1 (checked after validation, before any write) → "invalid block header version"
 *          (8.2's text for a block number it cannot accept);
 *   #7     a BaseData/BlockFoundation after the block-owner record(s) → "transaction count out of range";
 *   #9     a second move of the same item within one block → "double transfer attempt".
 * #7 and #9 are found while writing (exactly where 8.2 panics); throwing there aborts the transaction.
 *
 * The Argon2 digest is the only slow step and is separable: pass `digest` (e.g. from `digestsFor`, which
 * computes a batch in parallel on native threads) and StoreIncoming does no Argon2 at all.
 *
 * See docs/deviations.md §2 and §D.
 */
import { accountToBytes, type Account } from "../types/account.ts";
import { checksDigestDifficulty } from "../types/chains.ts";
import { CURRENCY_LITECOIN, packCurrencyMap, checkPayments, validateAddress, type CurrencyMap, type Currency } from "../types/currency.ts";
import { litecoinFromBitcoin } from "../types/coin-address.ts";
import { targetBytes, withinHeaderWindow } from "../rules/difficulty.ts";
import { fail, isFault } from "../../base/fault.ts";
import { bytesEqual, concatBytes } from "../../encoding/hex.ts";
import { utf8Text } from "../../encoding/utf8.ts";
import { merkleRoot } from "../rules/merkle.ts";
import { assetIdOf, foundationTxId } from "../types/records/ids.ts";
import { packRecord } from "../types/records/pack.ts";
import { ownerOf } from "../types/records/roles.ts";
import { unpackRecord } from "../types/records/unpack.ts";
import type { BaseData } from "../types/records/types.ts";
import { blockRecords, type BlockEvent, type BlockRecord } from "../types/block.ts";
import { crc64 } from "../../encoding/crc64.ts";
import { blockNumberKey, checkHeader, HEADER_SIZE } from "../types/header.ts";
import { createAssetOwnership, createBlockOwnership, currentlyOwns, NotCurrentlyOwned, transferOwnership } from "../rules/ownership.ts";
import type { Store } from "./store.ts";

export interface StoreIncomingOptions {
  /** the block's Argon2 digest, already computed (skips the only expensive step) */
  digest?: Uint8Array;
}

/** Argon2 digests of the headers of several packed blocks, computed in parallel off the JS thread. */
export async function digestsFor(store: Pick<Store, "hash">, packedBlocks: Uint8Array[]): Promise<Uint8Array[]> {
  for (const p of packedBlocks) if (p.length < HEADER_SIZE) fail("invalid block header size");
  return store.hash.blockDigestBatch(packedBlocks.map((p) => p.subarray(0, HEADER_SIZE)));
}

/** A record that passed validation, with what the write phase needs. */
interface Checked extends BlockRecord {
  /** current owner of `link` (transfers) */
  linkOwner?: Account;
  /** BE64 number of the block whose ownership a BlockOwnerTransfer moves */
  transferredBlockKey?: Uint8Array;
  /** asset id of an AssetData */
  assetId?: Uint8Array;
}

const LINK_ERROR = "link to invalid or unconfirmed transaction";

/**
 * Current owner of a confirmed transaction (8.2 ownership.OwnerOf): the owner field of the record stored
 * under `txId`; undefined when it is not in Transactions. A stored record without an owner (an old BaseData
 * foundation) makes 8.2 panic (quirk #6): rejected here.
 */
export function linkOwner(store: Store, txId: Uint8Array): Account | undefined {
  const stored = store.transaction(txId);
  if (!stored) return undefined;
  return ownerOf(unpackRecord(stored.packed, store.testnet).record) ?? fail(LINK_ERROR);
}

/** Step 6 for one record: validation against the tables as they were before this block. */
function checkRecord(store: Store, version: number, r: BlockRecord): Checked {
  const tx = r.record;
  const checkDuplicates = version !== 1; // 8.2 skips them for version-1 blocks (quirk #10)
  switch (tx.tag) {
    case 1:
    case 6:
      packRecord(tx, tx.owner);
      return r;
    case 2: {
      packRecord(tx, tx.registrant);
      const assetId = assetIdOf(tx.fingerprint);
      if (checkDuplicates && store.tables.assets.has(assetId)) fail("transaction already exists");
      return { ...r, assetId };
    }
    case 3:
      packRecord(tx, tx.owner);
      if (checkDuplicates && store.tables.transactions.has(r.txId)) fail("transaction already exists");
      return r;
    case 4:
    case 5: {
      const owner = linkOwner(store, tx.link);
      if (!owner) fail(LINK_ERROR); // 8.2: panic "Transactions database is corrupt"
      packRecord(tx, owner);
      if (!currentlyOwns(store.tables, accountToBytes(owner), tx.link)) fail("double transfer attempt");
      return { ...r, linkOwner: owner };
    }
    case 7: {
      const owner = linkOwner(store, tx.link);
      packRecord(tx, owner); // an unknown link owner fails here: "invalid owner or registrant"
      if (!currentlyOwns(store.tables, accountToBytes(owner!), tx.link)) fail("double transfer attempt");
      const transferredBlockKey = store.tables.blockOwnerTxIndex.get(tx.link);
      if (!transferredBlockKey) fail(LINK_ERROR); // 8.2: panic "missing BlockOwnerTxIndex" (quirk #16)
      checkPayments(tx.version, store.testnet, tx.payments);
      return { ...r, linkOwner: owner, transferredBlockKey };
    }
  }
}

interface BlockOwner {
  owner: Account;
  packedPayments: Uint8Array;
  foundation: Uint8Array;
  /** index of the first record after the owner record(s) */
  firstProcessed: number;
}

/** Step 8: record 0 decides the block owner and the payment map. */
function blockOwnerOf(records: Checked[], testnet: boolean): BlockOwner {
  const first = records[0]!.record;
  if (first.tag === 6) {
    checkPayments(first.version, testnet, first.payments);
    return { owner: first.owner, packedPayments: packCurrencyMap(first.payments, testnet), foundation: records[0]!.packed, firstProcessed: 1 };
  }
  if (first.tag !== 1) fail("missing block owner");
  const address = (b: BaseData) => utf8Text(b.paymentAddress);
  validateAddress(first.currency, first.paymentAddress, testnet);
  const map: CurrencyMap = new Map<Currency, string>([[first.currency, address(first)]]);
  // (a genesis-form block, count 1, has no second record: 8.2 panics here; bunmark refuses it, by the number check at the latest)
  const second = records[1]?.record;
  if (second?.tag === 1) {
    map.set(second.currency, address(second));
    const foundation = concatBytes(records[0]!.packed, records[1]!.packed);
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
  return { owner: first.owner, packedPayments: packCurrencyMap(map, testnet), foundation: records[0]!.packed, firstProcessed: 1 };
}

/** Step 10: the writes, inside the block's write transaction. Throws (aborting it) where 8.2 would panic. */
function writeBlock(store: Store, number: number, digest: Uint8Array, packedBlock: Uint8Array, records: Checked[], owner: BlockOwner): void {
  const t = store.tables;
  const bn = blockNumberKey(number);
  const move = (link: Uint8Array, txId: Uint8Array, from: Account, to: Account) => {
    try {
      transferOwnership(t, link, txId, number, accountToBytes(from), accountToBytes(to));
    } catch (e) {
      if (e instanceof NotCurrentlyOwned) fail("double transfer attempt"); // quirk #9
      throw e;
    }
  };
  for (const r of records.slice(owner.firstProcessed)) {
    const tx = r.record;
    switch (tx.tag) {
      case 1:
      case 6:
        fail("transaction count out of range"); // quirk #7
      case 2:
        if (!t.assets.has(r.assetId!)) t.assets.put(r.assetId!, concatBytes(bn, r.packed));
        break;
      case 3:
        if (!t.transactions.has(r.txId)) {
          t.transactions.put(r.txId, concatBytes(bn, r.packed));
          createAssetOwnership(t, r.txId, number, tx.assetId, accountToBytes(tx.owner));
        }
        break;
      case 4:
      case 5:
        t.transactions.put(r.txId, concatBytes(bn, r.packed));
        move(tx.link, r.txId, r.linkOwner!, tx.owner);
        break;
      case 7:
        t.transactions.put(r.txId, concatBytes(bn, r.packed));
        t.blockOwnerPayment.put(r.transferredBlockKey!, packCurrencyMap(tx.payments, store.testnet));
        t.blockOwnerTxIndex.put(r.txId, bn);
        move(tx.link, r.txId, r.linkOwner!, tx.owner);
        break;
    }
  }
  t.blockOwnerPayment.put(bn, owner.packedPayments);
  const foundation = foundationTxId(digest, number);
  t.transactions.put(foundation, concatBytes(bn, owner.foundation));
  t.blockOwnerTxIndex.put(foundation, bn);
  createBlockOwnership(t, foundation, number, accountToBytes(owner.owner));
  t.blocks.put(bn, packedBlock);
  t.blockDigest.put(bn, digest);
}

/**
 * Validates `packed` and stores it; resolves with what was stored, rejects with a Fault (nothing written).
 * Use through `Store.storeIncoming`, which runs calls one at a time in call order.
 */
export async function storeIncoming(store: Store, packed: Uint8Array, options: StoreIncomingOptions = {}): Promise<BlockEvent> {
  // 1. ExtractHeader: field checks, digest, difficulty window and digest vs target
  const { header, target } = checkHeader(packed, store.nowSeconds());
  // (8.2 tests the window and the digest together; the window first spares a refused block its Argon2 run)
  if (!withinHeaderWindow(target)) fail("invalid block header difficulty");
  // a private copy: the tip and the ring keep it, and callers' Buffers may be reused
  const digest = Uint8Array.from(options.digest ?? (await digestsFor(store, [packed]))[0]!);
  if (checksDigestDifficulty(store.chain) && !store.hash.meetsDifficulty(digest, targetBytes(target))) {
    fail("invalid block header difficulty");
  }
  // 2–5. linkage, version, timestamp against the tip
  const tip = store.tip();
  if (!bytesEqual(header.previousBlock, tip.digest)) fail("previous block digest does not match");
  if (tip.version > header.version) fail("block version must not decrease");
  if (tip.timestamp > header.timestamp) {
    const back = tip.timestamp - header.timestamp;
    const allowed = header.version === 1 ? 240 * 60 : header.version === 2 ? 10 * 60 : -1;
    if (back > allowed) fail("invalid block header timestamp");
  }
  // 6. records, each validated before the next is decoded
  const records: Checked[] = [];
  for (const r of blockRecords(packed.subarray(HEADER_SIZE), header.transactionCount, store.testnet)) {
    records.push(checkRecord(store, header.version, r));
  }
  // 7. merkle root
  if (!bytesEqual(merkleRoot(records.map((r) => r.txId)), header.merkleRoot)) fail("Merkle Root Does Not Match");
  // 8. block owner
  const owner = blockOwnerOf(records, store.testnet);
  // 11 (quirk #8): the number must follow the tip — checked before anything is written
  if (header.numberU64 !== BigInt(tip.height + 1)) fail("invalid block header version");
  // 10, 13. one write transaction
  store.write(() => writeBlock(store, header.number, digest, packed, records, owner));
  // 12. new tip and ring slot
  store.setTip({ height: header.number, digest, version: header.version, timestamp: header.timestamp });
  store.ring.put({ number: header.number, digest, crc: crc64(header.number, packed) });
  const event: BlockEvent = { number: header.number, digest, header, records };
  store.emitStored(event);
  return event;
}
