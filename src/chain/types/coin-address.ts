/**
 * Bitcoin and Litecoin payment addresses (currency/bitcoin, currency/litecoin): base58check with a
 * double SHA-256 checksum, 25 bytes = version ‖ hash160 ‖ checksum4. Only the version bytes listed
 * below are accepted; 111 and 196 are the test networks of both coins.
 *
 * See docs/records.md §4.
 */
import { createHash } from "node:crypto";
import { at } from "../../base/at.ts";
import { fail, type FaultText } from "../../base/fault.ts";
import { decodeBase58, encodeBase58 } from "../../encoding/base58.ts";
import { bytesEqual, concatBytes } from "../../encoding/hex.ts";

export interface CoinAddress {
  version: number;
  hash160: Uint8Array;
  testnet: boolean;
}

interface Coin {
  versions: readonly number[];
  invalid: FaultText;
}

const BITCOIN: Coin = { versions: [0, 5, 111, 196], invalid: "invalid bitcoin address" };
const LITECOIN: Coin = { versions: [48, 5, 50, 111, 196], invalid: "invalid litecoin address" };
const TESTNET_VERSIONS = [111, 196];

function doubleSha256(data: Uint8Array): Uint8Array {
  const once = createHash("sha256").update(data).digest();
  return new Uint8Array(createHash("sha256").update(once).digest());
}

function validate(coin: Coin, address: string): CoinAddress {
  const raw = decodeBase58(address);
  if (raw.length !== 25) fail(coin.invalid);
  if (!bytesEqual(doubleSha256(raw.subarray(0, 21)).subarray(0, 4), raw.subarray(21))) fail(coin.invalid);
  const version = at(raw, 0);
  if (!coin.versions.includes(version)) fail(coin.invalid);
  return { version, hash160: raw.slice(1, 21), testnet: TESTNET_VERSIONS.includes(version) };
}

/** Throws "invalid bitcoin address". */
export function validateBitcoinAddress(address: string): CoinAddress {
  return validate(BITCOIN, address);
}

/** Throws "invalid litecoin address". */
export function validateLitecoinAddress(address: string): CoinAddress {
  return validate(LITECOIN, address);
}

// Bitcoin version → Litecoin version of the same hash (P2PKH live 0 → 48; the others keep their value).
const LITECOIN_OF_BITCOIN: ReadonlyMap<number, number> = new Map([
  [0, 48],
  [5, 5],
  [111, 111],
  [196, 196],
]);

/** The base58check address text of `version` ‖ `hash160` (no check that the version belongs to a coin). */
export function encodeCoinAddress(version: number, hash160: Uint8Array): string {
  const body = concatBytes(Uint8Array.of(version), hash160);
  return encodeBase58(concatBytes(body, doubleSha256(body).subarray(0, 4)));
}

/** The Litecoin address with the same hash as a Bitcoin address (currency/litecoin/frombitcoin.go). */
export function litecoinFromBitcoin(address: string): string {
  const { version, hash160 } = validateBitcoinAddress(address);
  return encodeCoinAddress(LITECOIN_OF_BITCOIN.get(version) ?? fail(BITCOIN.invalid), hash160); // every accepted version is mapped
}
