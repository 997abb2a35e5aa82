/**
 * Pure job building and the job message against proof.md §4/§11 (the job a real 8.2 published on `testing`):
 * the message text is rebuilt byte for byte from its decoded parts, its header rebuilds to the same fields, and
 * bunmark's own foundation has the captured layout (tag 6, version 1, BTC+LTC, nonce 1234, signature).
 */
import { describe, expect, test } from "bun:test";
import { ed25519PrivateKey, privateKeyAccount } from "../../../src/chain/types/account.ts";
import { privateKeyText } from "../../support/signing-key.ts";
import { CURRENCY_BITCOIN, CURRENCY_LITECOIN } from "../../../src/chain/types/currency.ts";
import { ONE_BITS } from "../../../src/chain/rules/difficulty.ts";
import { merkleRoot } from "../../../src/chain/rules/merkle.ts";
import { unpackHeader } from "../../../src/chain/types/header.ts";
import { txIdOf } from "../../../src/chain/types/records/ids.ts";
import { unpackRecord } from "../../../src/chain/types/records/unpack.ts";
import { activeBackend } from "../../../src/crypto/index.ts";
import { fromHex, toHex } from "../../../src/encoding/hex.ts";
import { parseSigningKey } from "../../../src/proof/identity.ts";
import { blockOf, buildJob, builtOn, foundationRecord, MAXIMUM_TRANSACTIONS, type AssetNeed, type Job } from "../../../src/proof/job.ts";
import { jobId, jobMessage, parseJobMessage } from "../../../src/proof/job-message.ts";
import { accountOf, asset, assetIdOf, BTC, issue, issuer, LTC, packed, transferTo, txIdOf as tx } from "../../support/reservoir-fakes.ts";

const hash = activeBackend();

// proof.md §4, observed (one line, as sent)
const CAPTURED =
  '{"Job":"0001","Header":{"version":2,"transactionCount":3,"number":"2","previousBlock":"8ae68bb87c4a926b8f12c5eeda9695bbdeaa9b280b57bc16545a2c8f7b80fe00","merkleRoot":"dc9800d19ee88f95077def13c85123fa8752bb961032d43dfbc0fd8cc194fd2f","timestamp":"1796525399","difficulty":"ffffffffffffff00","nonce":"a91123d0ab2a992b"},"TxZero":"BgFIASJtc3hON0M3Y1JOZ2JneVV6dDNFY3ZycG1XWGM1OXNaVk40AiJtalBrRE5ha1ZBNHc0aEpaNldGN3A4eUtVVjJtZXJoeUNNIRPfjkt7AxsP5vyYnqmaT9v0PfFT8j7ruELSNyM950XTB9IJQKH/d31mPjkIRGNUhZCRDerUQlUJj2MzsxRbOvLSjNrpJKDvHLp10hL3n9Qx5VtgS/BE7QJvwrC2DTiKhkvoEwA=","TxIds":["24b202bb8f1cca0bed0053a4c771ab2f3beac840eb7b0de4f49d2dea556d1683","ca8651ea65ad341e875f09ca60623cd9d7e0e7d3405eae23a5908e6e4a5f0888","ba86b50693d7ea112474ac2f3a2f4027e0ab04276ccbf62ec4017b5ee3dc559a"],"AssetIds":["a2ce42a9af33cc39b2a1cfcc5b5969f8cf7fb4c6b4a1cefd182268756ee246a45bafd8768275cde10431effac257fea7254affa318ea6c07cb1213c08cf7eba0"]}';
const captured = JSON.parse(CAPTURED);
const capturedTxZero = new Uint8Array(Buffer.from(captured.TxZero, "base64"));
// the sample configuration's testnet addresses, which the captured foundation pays (proof.md §9.1)
const SAMPLE = new Map([[CURRENCY_BITCOIN, "msxN7C7cRNgbgyUzt3EcvrpmWXc59sZVN4"], [CURRENCY_LITECOIN, "mjPkDNakVA4w4hJZ6WF7p8yKUV2merhyCM"]] as const);
const signing = parseSigningKey(`${privateKeyText(ed25519PrivateKey(new Uint8Array(32).fill(7), true))}\n`);

describe("the captured 8.2 job", () => {
  test("TxIds[0] is SHA3-256(TxZero) and the merkle root covers TxIds", () => {
    expect(toHex(txIdOf(capturedTxZero))).toBe(captured.TxIds[0]);
    expect(toHex(merkleRoot(captured.TxIds.map((h: string) => fromHex(h)!)))).toBe(captured.Header.merkleRoot);
  });

  test("jobMessage rebuilds the captured text byte for byte from its parts", () => {
    const { header } = parseJobMessage(CAPTURED);
    const h = unpackHeader(header);
    const job: Job = {
      header: { ...h },
      txZero: capturedTxZero,
      txIds: captured.TxIds.map((x: string) => fromHex(x)!),
      assetIds: captured.AssetIds.map((x: string) => fromHex(x)!),
      transactions: new Uint8Array(0),
    };
    expect(jobMessage("0001", job)).toBe(CAPTURED);
    expect(h.numberU64).toBe(2n);
    expect(h.bits).toBe(ONE_BITS);
    expect(h.nonce).toBe(0x2b992aabd02311a9n); // §11: the LE value of the published nonce
  });

  test("bunmark's foundation has the captured layout up to the owner", () => {
    const ours = foundationRecord(new Map(SAMPLE), signing);
    const { record, consumed } = unpackRecord(ours, true);
    expect(consumed).toBe(ours.length);
    expect(record.tag).toBe(6);
    if (record.tag !== 6) return;
    expect(record.version).toBe(1n);
    expect(record.nonce).toBe(1234n);
    expect([...record.payments]).toEqual([...SAMPLE]);
    // 06 01 48 | payments | 21 13 <owner 32>: identical up to the owner key, then nonce d2 09 and a 64-byte signature
    const ownerAt = capturedTxZero.indexOf(0x21, 3 + 0x48);
    expect(toHex(ours.subarray(0, ownerAt + 2))).toBe(toHex(capturedTxZero.subarray(0, ownerAt + 2)));
    expect(toHex(ours.subarray(ownerAt + 34, ownerAt + 37))).toBe("d20940");
    expect(ours.length).toBe(capturedTxZero.length);
    // deterministic signature: same bytes every time (§11)
    expect(toHex(foundationRecord(new Map(SAMPLE), signing))).toBe(toHex(ours));
  });

  test("job ids are %04x and wrap", () => {
    expect([1, 0x2a, 0xffff, 0x10000].map(jobId)).toEqual(["0001", "002a", "ffff", "0000"]);
  });
});

describe("buildJob", () => {
  const txZero = foundationRecord(new Map([[CURRENCY_BITCOIN, BTC], [CURRENCY_LITECOIN, LTC]]), signing);
  const tip = { height: 7, digest: new Uint8Array(32).fill(9) };
  const a1 = asset("fingerprint-one-0001");
  const a2 = asset("fingerprint-two-0002");
  const i1 = packed(issue(assetIdOf(a1), 1n));
  const i1b = packed(issue(assetIdOf(a1), 2n));
  const i2 = packed(issue(assetIdOf(a2), 3n));
  const t = packed(transferTo(tx(i1)), accountOf(issuer));
  const build = (items: Uint8Array[], needs: Record<string, AssetNeed>) =>
    buildJob({
      pool: { txIds: items.map((p) => tx(p)), packed: items },
      txZero,
      assetFor: (id) => needs[toHex(id)],
      tip,
      bits: ONE_BITS,
      timestamp: 1_800_000_000,
      nonce: 42n,
      testnet: true,
    });
  const cached = (a: typeof a1): AssetNeed => ({ packed: packed(a) });
  const names = (job: Job | undefined) => job?.txIds.slice(1).map((id) => ({ [toHex(tx(packed(a1)))]: "a1", [toHex(tx(packed(a2)))]: "a2", [toHex(tx(i1))]: "i1", [toHex(tx(i1b))]: "i1b", [toHex(tx(i2))]: "i2", [toHex(tx(t))]: "t" })[toHex(id)] ?? "?");

  const rows: [string, Uint8Array[], Record<string, AssetNeed>, string[] | undefined][] = [
    ["an issue of a cached asset gets the asset first", [i1], { [toHex(assetIdOf(a1))]: cached(a1) }, ["a1", "i1"]],
    ["the asset goes in once for two issues", [i1, i1b], { [toHex(assetIdOf(a1))]: cached(a1) }, ["a1", "i1", "i1b"]],
    ["a confirmed asset is not repeated", [i1, i2], { [toHex(assetIdOf(a1))]: { confirmed: true }, [toHex(assetIdOf(a2))]: cached(a2) }, ["i1", "a2", "i2"]],
    ["an issue whose asset is unknown is left out", [i1, t], {}, ["t"]],
    ["transfers go in as they are", [t], {}, ["t"]],
    ["nothing usable: no job", [i1], {}, undefined],
    ["an empty pool: no job", [], {}, undefined],
  ];
  for (const [name, items, needs, expected] of rows) {
    test(name, () => expect(names(build(items, needs))).toEqual(expected));
  }

  test("header fields, merkle root and the block a nonce makes", () => {
    const job = build([i1, t], { [toHex(assetIdOf(a1))]: cached(a1) })!;
    expect(job.header).toMatchObject({ version: 2, transactionCount: 4, number: 8, timestamp: 1_800_000_000, bits: ONE_BITS, nonce: 42n });
    expect(toHex(job.header.merkleRoot)).toBe(toHex(merkleRoot(job.txIds)));
    expect(toHex(job.txIds[0]!)).toBe(toHex(hash.sha3_256(txZero)));
    expect(job.assetIds.map(toHex)).toEqual([toHex(assetIdOf(a1))]);
    const block = blockOf(job, 0x0102030405060708n);
    const h = unpackHeader(block);
    expect(h.nonce).toBe(0x0102030405060708n);
    expect(toHex(h.previousBlock)).toBe(toHex(tip.digest));
    expect(toHex(block.subarray(100))).toBe(toHex(new Uint8Array([...txZero, ...packed(a1), ...i1, ...t])));
    expect(builtOn(job, tip)).toBe(true);
    expect(builtOn(job, { height: 8, digest: tip.digest })).toBe(false);
    expect(builtOn(job, { height: 7, digest: new Uint8Array(32) })).toBe(false);
  });

  test("the block stops at 10 000 records", () => {
    const many = Array.from({ length: MAXIMUM_TRANSACTIONS + 5 }, () => t);
    expect(build(many, {})!.txIds.length).toBe(MAXIMUM_TRANSACTIONS);
  });

  test("parseJobMessage round-trips a built job's header", () => {
    const job = build([t], {})!;
    const text = jobMessage("00ff", job);
    const back = parseJobMessage(text);
    expect(back.job).toBe("00ff");
    expect(toHex(back.header)).toBe(toHex(blockOf(job, 42n).subarray(0, 100)));
    for (const bad of ["nope", "{}", '{"Job":"0001","Header":{"version":2}}']) expect(() => parseJobMessage(bad)).toThrow();
  });
});

test("the signing key account is the foundation owner", () => {
  expect(toHex(privateKeyAccount(signing.key)!.publicKey)).toBe(toHex(signing.account.publicKey));
});
