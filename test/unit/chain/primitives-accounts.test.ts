/** Accounts, private keys, seeds (account/*_test.go) and the merkle tree and digest texts (merkle/*_test.go). */
import { describe, expect, test } from "bun:test";
import accounts from "../../fixtures/primitives-accounts.json";
import merkle from "../../fixtures/primitives-merkle.json";
import {
  accountFromBytes,
  accountFromString,
  accountToBytes,
  accountToString,
  accountsEqual,
  isZeroAccount,
  makeAccount,
  privateKeyAccount,
  privateKeyFromBytes,
  privateKeyFromSeed,
  seedToString,
  type KeyAlgorithm,
} from "../../../src/chain/types/account.ts";
import { encodeBase58 } from "../../../src/encoding/base58.ts";
import { fullMerkleTree, merkleRoot } from "../../../src/chain/rules/merkle.ts";
import { toDisplayHex } from "../../../src/encoding/hex.ts";
import { activeBackend } from "../../../src/crypto/index.ts";
import { faultOf } from "../../support/fault.ts";
import { privateKeyText } from "../../support/signing-key.ts";
import { fromDisplayHex, fromHex, toHex } from "../../support/hex.ts";

const hash = activeBackend();

type AnyCase = { id: string; op: string; input: any; expected: any };
const cases = (f: { cases: unknown[] }, op: string) => (f.cases as AnyCase[]).filter((c) => c.op === op);

describe("accounts (account/account_test.go)", () => {
  test.each(cases(accounts, "account_encode_decode"))("$id", ({ input, expected }) => {
    const nets: [boolean, string, string][] =
      input.testnet === undefined
        ? [
            [true, expected.account_bytes_testnet, expected.account_testnet],
            [false, expected.account_bytes_live, expected.account_live],
          ]
        : [[input.testnet, expected.account_bytes, expected.account]];
    for (const [testnet, bytesHex, text] of nets) {
      const a = makeAccount(fromHex(input.public_key), testnet, input.algorithm as KeyAlgorithm);
      expect(toHex(accountToBytes(a))).toBe(bytesHex);
      expect(accountToString(a)).toBe(text);
      expect(isZeroAccount(a)).toBe(expected.is_zero);
      expect(accountsEqual(accountFromBytes(fromHex(bytesHex)), a)).toBe(true);
      const back = accountFromString(text);
      expect(accountsEqual(back, a)).toBe(true);
      if (expected.checksum) expect(toHex(hash.sha3_256(fromHex(bytesHex)).subarray(0, 4))).toBe(expected.checksum);
    }
  });

  test.each(cases(accounts, "account_decode"))("$id", ({ input, expected }) => {
    expect(faultOf(() => accountFromString(input.account))).toBe(expected.error);
  });

  // bunmark reads private keys as bytes only (`PRIVATE:` hex); the vectors' base58 form (`expected.private`) has no reader
  test.each(cases(accounts, "private_key_encode_decode"))("$id", ({ input, expected }) => {
    const k = privateKeyFromBytes(fromHex(expected.private_key_bytes));
    expect(k.algorithm as number).toBe(input.algorithm);
    expect(k.testnet).toBe(input.testnet);
    expect(toHex(k.privateKey)).toBe(input.private_key);
    expect(privateKeyText(k)).toBe(`PRIVATE:${expected.private_key_bytes}`); // the proof tests' key file helper
  });

  test.each(cases(accounts, "seed_to_keys"))("$id", ({ input, expected }) => {
    const k = privateKeyFromSeed(input.seed);
    expect(k.testnet).toBe(expected.testnet);
    expect(toHex(k.privateKey)).toBe(expected.private_key);
    const a = privateKeyAccount(k)!;
    expect(toHex(a.publicKey)).toBe(expected.public_key);
    expect(accountToString(a)).toBe(expected.account);
    const bytes = fromHex(expected.seed_bytes);
    expect(seedToString(bytes.subarray(4, 36), expected.testnet)).toBe(input.seed);
  });

  // derived from account/account.go and private.go: the remaining branches, in their order
  const withChecksum = (h: string) => encodeBase58(Uint8Array.from([...fromHex(h), ...hash.sha3_256(fromHex(h)).subarray(0, 4)]));
  const KEY = "60b3c6e20cfff7091a86488b1656b96ec0a2f69907e2c035175918f42c37d72e";
  const decodeTable: [string, () => unknown, string | undefined][] = [
    ["account bytes: empty", () => accountFromBytes(new Uint8Array(0)), "not public key"],
    ["account bytes: variant only", () => accountFromBytes(fromHex("11")), "invalid key length"],
    ["account bytes: 33-byte key", () => accountFromBytes(fromHex("11" + KEY + "00")), "invalid key length"],
    ["account bytes: algorithm 15", () => accountFromBytes(fromHex("f1" + KEY)), "invalid key type"],
    ["account bytes: 9-byte variant", () => accountFromBytes(fromHex("ffffffffffffffffff" + KEY)), "invalid key type"],
    ["account bytes: non-minimal variant", () => accountFromBytes(fromHex("9100" + KEY)), undefined],
    ["account string: key length 0", () => accountFromString(withChecksum("11")), "invalid key length"],
    ["account string: checksum checked before key length", () => accountFromString(encodeBase58(fromHex("11" + KEY + "00" + "00000000"))), "checksum mismatch"],
    ["account string: 33-byte key", () => accountFromString(withChecksum("11" + KEY + "00")), "invalid key length"],
    ["account string: Nothing with 3 bytes", () => accountFromString(withChecksum("01123456")), "invalid key length"],
    ["private bytes: public variant", () => privateKeyFromBytes(fromHex("11" + KEY + KEY)), "not private key"],
    ["private bytes: 32-byte key", () => privateKeyFromBytes(fromHex("10" + KEY)), "invalid key length"],
    ["private bytes: algorithm 2", () => privateKeyFromBytes(fromHex("20" + KEY + KEY)), "invalid key type"],
    ["seed: not base58", () => privateKeyFromSeed("0OIl"), "cannot decode seed"],
    ["seed: 39 bytes", () => privateKeyFromSeed(encodeBase58(fromHex("5afe0101" + KEY + "000000"))), "invalid seed length"],
    ["seed: header", () => privateKeyFromSeed(withChecksum("5afe0201" + KEY)), "invalid seed header"],
    ["seed: checksum", () => privateKeyFromSeed(encodeBase58(fromHex("5afe0101" + KEY + "00000000"))), "checksum mismatch"],
    ["seed: network byte 02 means live", () => privateKeyFromSeed(withChecksum("5afe0102" + KEY)), undefined],
  ];
  test.each(decodeTable)("%s", (_name, fn, want) => {
    expect(faultOf(fn)).toBe(want);
  });

  test("a seed with network byte other than 01 is live", () => {
    expect(privateKeyFromSeed(withChecksum("5afe0102" + KEY)).testnet).toBe(false);
    expect(privateKeyFromSeed(withChecksum("5afe0101" + KEY)).testnet).toBe(true);
  });

  test("canonical account bytes drop a non-minimal variant and spare bits", () => {
    expect(toHex(accountToBytes(accountFromBytes(fromHex("9300" + KEY))))).toBe("13" + KEY);
    expect(toHex(accountToBytes(accountFromBytes(fromHex("1f" + KEY))))).toBe("13" + KEY);
  });
});

describe("merkle (merkle/*_test.go)", () => {
  test.each(cases(merkle, "full_merkle_tree"))("$id", ({ input, expected }) => {
    const leaves = (input.leaves_display_hex as string[]).map(fromDisplayHex);
    if (input.leaves_storage_hex) expect(leaves.map(toHex)).toEqual(input.leaves_storage_hex);
    const tree = fullMerkleTree(leaves);
    expect(tree.map(toDisplayHex)).toEqual(expected.tree_display_hex);
    if (expected.tree_storage_hex) expect(tree.map(toHex)).toEqual(expected.tree_storage_hex);
    expect(toDisplayHex(merkleRoot(leaves))).toBe(expected.root_display_hex);
  });

  test.each(cases(merkle, "fold_pairs"))("$id", ({ input, expected }) => {
    let acc = fromDisplayHex(input.start_display_hex);
    for (const s of input.siblings_display_hex as string[]) acc = hash.sha3_256(Uint8Array.from([...acc, ...fromDisplayHex(s)]));
    expect(toDisplayHex(acc)).toBe(expected.root_display_hex);
  });

  test.each(cases(merkle, "digest"))("$id", ({ input, expected }) => {
    const d = hash.sha3_256(fromHex(input.hex));
    expect(toHex(d)).toBe(expected.storage_hex);
    expect(toDisplayHex(d)).toBe(expected.display_hex);
  });

  // the texts bunmark writes; the error vectors are for 8.2's Scan of display text, which bunmark never reads
  test.each(cases(merkle, "digest_text").filter((c) => !c.expected.error))("$id", ({ input, expected }) => {
    const d = fromHex(expected.storage_hex);
    expect(toDisplayHex(d)).toBe(input.display_text);
    if (expected.json) expect(JSON.stringify({ Link: toHex(d) })).toBe(expected.json);
  });

  test("no leaves give a zero root; three leaves pair the last with itself", () => {
    expect(toHex(merkleRoot([]))).toBe("00".repeat(32));
    const [a, b, c] = ["01", "02", "03"].map((x) => hash.sha3_256(fromHex(x)));
    const ab = hash.sha3_256(Uint8Array.from([...a!, ...b!]));
    const cc = hash.sha3_256(Uint8Array.from([...c!, ...c!]));
    expect(toHex(merkleRoot([a!, b!, c!]))).toBe(toHex(hash.sha3_256(Uint8Array.from([...ab, ...cc]))));
  });
});
