/**
 * Decoding one transaction record from the front of a buffer (transactionrecord/unpack.go, docs/records.md §5.4).
 * No signature or limit checks here (that is validation, pack.ts); network, lengths, asset id and link
 * sizes, escrow form and payment maps are checked, with 8.2's error texts and order.
 */
import { type Account, accountFromBytes } from "../account.ts";
import { type CurrencyMap, currencyFromCode, isPaymentVersionSet, PAYMENT_VERSION, unpackCurrencyMap } from "../currency.ts";
import { fail } from "../../../base/fault.ts";
import { clippedVarint, decodeVarint } from "../../../encoding/varint.ts";
import { Tag, ASSET_ID_LENGTH, type Escrow, LINK_LENGTH, type TxRecord } from "./types.ts";

/** Largest tag and field length the decoder accepts. */
const MAX_FIELD = 8192;

/** Sequential reader; every failure to read is "not transaction pack" (8.2 maps its slice panics to it). */
class Reader {
  n = 0;
  constructor(
    readonly buf: Uint8Array,
    readonly testnet: boolean,
  ) {}

  uint(): bigint {
    const { value, count } = decodeVarint(this.buf, this.n);
    if (count === 0) fail("not transaction pack");
    this.n += count;
    return value;
  }

  /** Skips over a length-prefixed field and returns where its content lies; `min` is 0 only for metadata. */
  span(min = 1): [start: number, end: number] {
    const len = clippedVarint(this.buf, min, MAX_FIELD, this.n);
    if (len.count === 0) fail("not transaction pack");
    const start = this.n + len.count;
    if (start + len.value > this.buf.length) fail("not transaction pack");
    this.n = start + len.value;
    return [start, this.n];
  }

  bytes(min = 1): Uint8Array {
    return this.buf.slice(...this.span(min));
  }

  account(): Account {
    const account = accountFromBytes(this.bytes());
    if (account.testnet !== this.testnet) fail("wrong network for public key");
    return account;
  }

  link(): Uint8Array {
    const link = this.bytes();
    if (link.length !== LINK_LENGTH) fail("not link");
    return link;
  }

  assetId(): Uint8Array {
    const id = this.bytes();
    if (id.length !== ASSET_ID_LENGTH) fail("not asset id");
    return id;
  }

  escrow(): Escrow | null {
    if (this.n >= this.buf.length) fail("not transaction pack");
    const flag = this.buf[this.n++];
    if (flag === 0) return null;
    if (flag !== 1) fail("not transaction pack");
    const currency = currencyFromCode(this.uint());
    const address = this.bytes();
    return { currency, address, amount: this.uint() };
  }

  /** Payment version and map: a version other than 1 or a map of other currencies → "invalid currency address". */
  payments(): { version: bigint; payments: CurrencyMap } {
    const version = this.uint();
    if (version !== BigInt(PAYMENT_VERSION)) fail("invalid currency address");
    const { map, currencies } = unpackCurrencyMap(this.buf.subarray(...this.span()), this.testnet, this.buf);
    if (!isPaymentVersionSet(currencies)) fail("invalid currency address");
    return { version, payments: map };
  }
}

export interface Unpacked {
  record: TxRecord;
  /** Bytes used: the record is `buf.subarray(0, consumed)`; its txid is the sha3-256 of exactly those bytes. */
  consumed: number;
}

/**
 * Decodes one record from the front of `buf` for a chain whose test-network flag is `testnet`; trailing
 * bytes are left to the caller. Throws a Fault.
 */
export function unpackRecord(buf: Uint8Array, testnet: boolean): Unpacked {
  const r = new Reader(buf, testnet);
  const tag = clippedVarint(buf, 1, MAX_FIELD);
  if (tag.count === 0) fail("not transaction pack");
  r.n = tag.count;
  const record = readFields(r, tag.value);
  return { record, consumed: r.n };
}

/** Decodes every record of a concatenation (a pushed `assets` or `issues` item); the first failure aborts. */
export function* unpackRecords(buf: Uint8Array, testnet: boolean): Generator<TxRecord> {
  for (let rest = buf; rest.length > 0; ) {
    const { record, consumed } = unpackRecord(rest, testnet);
    rest = rest.subarray(consumed);
    yield record;
  }
}

function readFields(r: Reader, tag: number): TxRecord {
  switch (tag) {
    case Tag.BaseData: {
      const currency = currencyFromCode(r.uint());
      const paymentAddress = r.bytes();
      const owner = r.account();
      const nonce = r.uint();
      return { tag, currency, paymentAddress, owner, nonce, signature: r.bytes() };
    }
    case Tag.AssetData: {
      const name = r.bytes();
      const fingerprint = r.bytes();
      const metadata = r.bytes(0);
      const registrant = r.account();
      return { tag, name, fingerprint, metadata, registrant, signature: r.bytes() };
    }
    case Tag.BitmarkIssue: {
      const assetId = r.assetId();
      const owner = r.account();
      const nonce = r.uint();
      return { tag, assetId, owner, nonce, signature: r.bytes() };
    }
    case Tag.BitmarkTransferUnratified: {
      const link = r.link();
      const escrow = r.escrow();
      const owner = r.account();
      return { tag, link, escrow, owner, signature: r.bytes() };
    }
    case Tag.BitmarkTransferCountersigned: {
      const link = r.link();
      const escrow = r.escrow();
      const owner = r.account();
      const signature = r.bytes();
      return { tag, link, escrow, owner, signature, countersignature: r.bytes() };
    }
    case Tag.BlockFoundation: {
      const { version, payments } = r.payments();
      const owner = r.account();
      const nonce = r.uint();
      return { tag, version, payments, owner, nonce, signature: r.bytes() };
    }
    case Tag.BlockOwnerTransfer: {
      const link = r.link();
      const escrow = r.escrow();
      const { version, payments } = r.payments();
      const owner = r.account();
      const signature = r.bytes();
      return { tag, link, escrow, version, payments, owner, signature, countersignature: r.bytes() };
    }
    default:
      fail("not transaction pack");
  }
}
