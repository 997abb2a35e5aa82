/**
 * Deterministic test-chain generator (`bunmark chain generate`): N valid blocks after genesis on the `local`
 * chain with a realistic mix of records — assets, issues, unratified and countersigned transfers, and
 * block-owner transfers — signed by test keys derived from the seed. Same seed → byte-identical blocks;
 * `forkAt` K → identical up to block K, other transactions, timestamps and nonces after it.
 *
 * Every block goes through StoreIncoming (so the chain is valid by construction). `local` skips the digest
 * vs difficulty check, so nonces are not mined, but each block still costs one Argon2 digest. A header holds
 * the previous block's digest, so digests are inherently sequential; while one runs off the JS thread the
 * generator builds and signs the next block's body and validates/stores the previous block. Bodies only link
 * to foundations at least two blocks old, whose digests are known by then.
 */
import { createHash } from "node:crypto";
import { ed25519PrivateKey, privateKeyAccount, type Account, type PrivateKey } from "./account.ts";
import { encodeBase58 } from "./base58.ts";
import { checksDigestDifficulty } from "./chains.ts";
import { litecoinFromBitcoin } from "./coin-address.ts";
import { CURRENCY_BITCOIN, CURRENCY_LITECOIN, type CurrencyMap } from "./currency.ts";
import { ONE_BITS } from "./difficulty.ts";
import { foundationTxIdInput, packHeader, CURRENT_VERSION } from "./header.ts";
import { concatBytes } from "./hex.ts";
import { merkleRoot } from "./merkle.ts";
import { assetIdOf, txIdOf } from "./records/ids.ts";
import { packRecord } from "./records/pack.ts";
import {
  newAssetData,
  newBitmarkIssue,
  newBlockFoundation,
  newBlockOwnerTransfer,
  newTransferCountersigned,
  newTransferUnratified,
  signRecord,
} from "./records/sign.ts";
import type { TxRecord } from "./records/types.ts";
import { digestsFor } from "./store-incoming.ts";
import type { Store } from "./store.ts";
import { utf8Bytes } from "./utf8.ts";

export interface GenerateOptions {
  /** blocks to add after genesis */
  blocks: number;
  seed: string;
  /** blocks after this number differ from the seed's plain chain */
  forkAt?: number;
  /** called after each stored block */
  onBlock?: (number: number) => void;
}

export interface GenerateSummary {
  blocks: number;
  /** records per type tag */
  records: Record<number, number>;
  seconds: number;
}

const USERS = 6;
const NODES = 2;
const ADDRESSES = 4;

/** Deterministic byte stream: sha3-256(seed ‖ BE32(counter)) blocks. */
class Rng {
  private pool: Uint8Array = new Uint8Array(0);
  private at = 0;
  private counter = 0;
  constructor(private readonly seed: Uint8Array) {}

  private byte(): number {
    if (this.at === this.pool.length) {
      const c = new Uint8Array(4);
      new DataView(c.buffer).setUint32(0, this.counter++);
      this.pool = txIdOf(concatBytes(this.seed, c));
      this.at = 0;
    }
    return this.pool[this.at++]!;
  }
  bytes(n: number): Uint8Array {
    return Uint8Array.from({ length: n }, () => this.byte());
  }
  u64(): bigint {
    return new DataView(this.bytes(8).buffer).getBigUint64(0);
  }
  /** uniform-enough integer in [0, n) */
  below(n: number): number {
    return new DataView(this.bytes(4).buffer).getUint32(0) % n;
  }
  chance(p: number): boolean {
    return this.below(1_000_000) < p * 1_000_000;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }
}

interface Key {
  key: PrivateKey;
  account: Account;
}

/** An item some key can transfer: a bitmark or a block's ownership, held under `link`. */
interface Owned {
  link: Uint8Array;
  owner: number;
  block: boolean;
}

/** Testnet P2PKH Bitcoin address of a 20-byte hash (base58check, version 111). */
function testnetBitcoinAddress(hash160: Uint8Array): string {
  const body = concatBytes(Uint8Array.of(111), hash160);
  const sha = (b: Uint8Array) => createHash("sha256").update(b).digest();
  return encodeBase58(concatBytes(body, sha(sha(body)).subarray(0, 4)));
}

/** The chain model the generator keeps beside the store: keys, confirmed items, pending foundations. */
class Generator {
  readonly keys: Key[];
  private readonly payments: CurrencyMap[];
  private readonly owned: Owned[] = [];
  private readonly assets: { id: Uint8Array; registrant: number }[] = [];
  /** foundations whose txid needs the block's digest: block number → owner key */
  private readonly foundations = new Map<number, number>();
  readonly digests = new Map<number, Uint8Array>();
  timestamp: number;
  readonly tally: Record<number, number> = {};

  constructor(
    private readonly seed: string,
    private readonly forkAt: number,
  ) {
    const derive = (what: string) => txIdOf(utf8Bytes(`bunmark generate ${seed} ${what}`));
    this.keys = Array.from({ length: USERS + NODES }, (_, i) => {
      const key = ed25519PrivateKey(derive(`key ${i}`), true);
      return { key, account: privateKeyAccount(key)! };
    });
    this.payments = Array.from({ length: ADDRESSES }, (_, i) => {
      const btc = testnetBitcoinAddress(derive(`address ${i}`).subarray(0, 20));
      return new Map([
        [CURRENCY_BITCOIN, btc],
        [CURRENCY_LITECOIN, litecoinFromBitcoin(btc)],
      ]);
    });
    this.timestamp = 1_500_000_000 + new Rng(derive("time")).below(100_000_000);
  }

  private rngFor(number: number): Rng {
    const branch = number > this.forkAt ? " fork" : "";
    return new Rng(utf8Bytes(`bunmark generate ${this.seed} block ${number}${branch}`));
  }

  /** Signs `rec`, appends its packed bytes to `out` and returns its txid. */
  private sign(out: Uint8Array[], rec: TxRecord, signer: number, countersigner?: number): Uint8Array {
    const cosigner = countersigner === undefined ? undefined : this.keys[countersigner]!.key;
    const packed = packRecord(signRecord(rec, this.keys[signer]!.key, cosigner), this.keys[signer]!.account);
    out.push(packed);
    this.tally[rec.tag] = (this.tally[rec.tag] ?? 0) + 1;
    return txIdOf(packed);
  }

  /** Takes a random confirmed item matching `block`, removing it so it moves at most once per block. */
  private take(rng: Rng, block: boolean): Owned | undefined {
    const candidates = this.owned.flatMap((o, i) => (o.block === block ? [i] : []));
    if (candidates.length === 0) return undefined;
    return this.owned.splice(rng.pick(candidates), 1)[0];
  }

  private otherUser(rng: Rng, not: number): number {
    const u = rng.below(USERS - 1);
    return u >= not ? u + 1 : u;
  }

  /** Packed records of block `number`, its timestamp and nonce; the model is updated as if it were stored. */
  body(number: number): { records: Uint8Array[]; timestamp: number; nonce: bigint } {
    const rng = this.rngFor(number);
    const records: Uint8Array[] = [];
    const created: Owned[] = [];

    // foundations of blocks ≤ number − 2 can be transferred now: their digests are known
    for (const [n, owner] of this.foundations) {
      const digest = this.digests.get(n);
      if (n > number - 2 || !digest) continue;
      this.owned.push({ link: txIdOf(foundationTxIdInput(digest, n)), owner, block: true });
      this.foundations.delete(n);
    }

    const node = USERS + rng.below(NODES);
    this.sign(records, newBlockFoundation(rng.pick(this.payments), this.keys[node]!.account, rng.u64()), node);
    this.foundations.set(number, node);

    const issue = (assetId: Uint8Array, owner: number) => {
      const link = this.sign(records, newBitmarkIssue(assetId, this.keys[owner]!.account, rng.u64()), owner);
      created.push({ link, owner, block: false });
    };
    // at least one asset when nothing else would follow the foundation (a block holds ≥ 2 records)
    const newAssets = rng.below(3) || (this.owned.some((o) => !o.block) ? 0 : 1);
    for (let i = 0; i < newAssets; i++) {
      const registrant = rng.below(USERS);
      const fingerprint = `bunmark-generate:${Buffer.from(rng.bytes(12)).toString("hex")}`;
      const metadata = `source\0bunmark generate\0block\0${number}`;
      this.sign(records, newAssetData(`Asset ${number}.${i}`, fingerprint, metadata, this.keys[registrant]!.account), registrant);
      const id = assetIdOf(fingerprint);
      for (let k = 1 + rng.below(3); k > 0; k--) issue(id, registrant);
      this.assets.push({ id, registrant });
    }
    if (this.assets.length > newAssets && rng.chance(0.3)) {
      const old = rng.pick(this.assets.slice(0, this.assets.length - newAssets));
      issue(old.id, old.registrant);
    }
    for (let k = rng.below(5) || (records.length < 2 ? 1 : 0); k > 0; k--) {
      const item = this.take(rng, false);
      if (!item) break;
      const to = this.otherUser(rng, item.owner);
      const account = this.keys[to]!.account;
      const link = rng.chance(0.5)
        ? this.sign(records, newTransferUnratified(item.link, account), item.owner)
        : this.sign(records, newTransferCountersigned(item.link, account), item.owner, to);
      created.push({ link, owner: to, block: false });
    }
    if (rng.chance(0.25)) {
      const item = this.take(rng, true);
      if (item) {
        const to = rng.below(USERS + NODES - 1);
        const newOwner = to >= item.owner ? to + 1 : to;
        const rec = newBlockOwnerTransfer(item.link, rng.pick(this.payments), this.keys[newOwner]!.account);
        created.push({ link: this.sign(records, rec, item.owner, newOwner), owner: newOwner, block: true });
      }
    }
    this.owned.push(...created);
    this.timestamp += 20 + rng.below(100);
    return { records, timestamp: this.timestamp, nonce: rng.u64() };
  }
}

/** Header ‖ records of block `number` on top of `previous`. */
function assemble(number: number, previous: Uint8Array, body: ReturnType<Generator["body"]>): Uint8Array {
  const header = packHeader({
    version: CURRENT_VERSION,
    transactionCount: body.records.length,
    number,
    previousBlock: previous,
    merkleRoot: merkleRoot(body.records.map(txIdOf)),
    timestamp: body.timestamp,
    bits: ONE_BITS,
    nonce: body.nonce,
  });
  return concatBytes(header, ...body.records);
}

/**
 * Appends `blocks` generated blocks to a store that holds only genesis. The store's chain must skip the
 * digest vs difficulty check (`local`): nonces are not mined.
 */
export async function generateChain(store: Store, o: GenerateOptions): Promise<GenerateSummary> {
  if (checksDigestDifficulty(store.chain)) throw new Error(`chain generate needs the local chain (${store.chain} checks digests against the difficulty)`);
  if (store.height() !== 1) throw new Error(`chain generate needs an empty store (height is ${store.height()})`);
  const started = performance.now();
  const gen = new Generator(o.seed, o.forkAt ?? Number.POSITIVE_INFINITY);
  const last = 1 + o.blocks;
  let previous = store.tip().digest;
  let pending: { packed: Uint8Array; digest: Uint8Array } | undefined;
  let body = last >= 2 ? gen.body(2) : undefined;
  for (let n = 2; n <= last; n++) {
    const packed = assemble(n, previous, body!);
    const digest = digestsFor(store, [packed]);
    // overlap the Argon2 run with storing the previous block and building the next body
    if (pending) await storeGenerated(store, pending, o);
    body = n < last ? gen.body(n + 1) : undefined;
    previous = (await digest)[0]!;
    gen.digests.set(n, previous);
    pending = { packed, digest: previous };
  }
  if (pending) await storeGenerated(store, pending, o);
  return { blocks: o.blocks, records: gen.tally, seconds: (performance.now() - started) / 1000 };
}

async function storeGenerated(store: Store, block: { packed: Uint8Array; digest: Uint8Array }, o: GenerateOptions): Promise<void> {
  const stored = await store.storeIncoming(block.packed, { digest: block.digest });
  o.onBlock?.(stored.number);
}
