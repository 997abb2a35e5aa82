/** Header pack/unpack and checks, genesis constants, block CRC-64 and the block ring. */
import { describe, expect, test } from "bun:test";
import blocks from "../../fixtures/blocks-testing-chain.json";
import genesisFixture from "../../fixtures/genesis.json";
import ringFixture from "../../fixtures/blocks-ring.json";
import { checkHeader, extendsTip, headerJSON, HEADER_SIZE, packHeader, unpackHeader } from "../../../src/chain/types/header.ts";
import { genesisFor } from "../../../src/chain/types/genesis.ts";
import { crc64, crcBytes } from "../../../src/encoding/crc64.ts";
import { BlockRing, RING_SIZE } from "../../../src/chain/store/block-ring.ts";
import { activeBackend } from "../../../src/crypto/index.ts";
import type { FaultText } from "../../../src/base/fault.ts";
import type { ChainName } from "../../../src/chain/types/chains.ts";
import { faultOf } from "../../support/fault.ts";
import { fromHex, toHex } from "../../support/hex.ts";

const hash = activeBackend();

const NOW = 1_700_000_000;

type HeaderExpect = {
  version: number;
  transaction_count: number;
  number: string;
  previous_block_storage_hex: string;
  merkle_root_storage_hex: string;
  timestamp: string;
  difficulty_bits_hex: string;
  nonce: string;
};

function expectHeader(headerHex: string, e: HeaderExpect) {
  const h = unpackHeader(fromHex(headerHex));
  expect(h.version).toBe(e.version);
  expect(h.transactionCount).toBe(e.transaction_count);
  expect(h.numberU64.toString()).toBe(e.number);
  expect(h.number).toBe(Number(e.number));
  expect(toHex(h.previousBlock)).toBe(e.previous_block_storage_hex);
  expect(toHex(h.merkleRoot)).toBe(e.merkle_root_storage_hex);
  expect(h.timestampU64.toString()).toBe(e.timestamp);
  expect(h.bits.toString(16).padStart(16, "0")).toBe(e.difficulty_bits_hex);
  expect(h.nonce.toString()).toBe(e.nonce);
  expect(toHex(packHeader(h))).toBe(headerHex.slice(0, HEADER_SIZE * 2));
}

describe("header vectors", () => {
  const records = blocks.cases.find((c) => c.op === "header_pack_digest")!;
  test(records.id, () => {
    const input = records.input as { header_hex: string; fields: HeaderExpect };
    const exp = records.expected as { json: string; extract_header_error: string; every_proper_prefix_error: string };
    expectHeader(input.header_hex, input.fields);
    expect(JSON.stringify(headerJSON(unpackHeader(fromHex(input.header_hex))))).toBe(exp.json);
    expect(faultOf(() => checkHeader(fromHex(input.header_hex), NOW))).toBe(exp.extract_header_error);
    for (let n = 0; n < HEADER_SIZE; n++) {
      expect(faultOf(() => checkHeader(fromHex(input.header_hex).subarray(0, n), NOW))).toBe(exp.every_proper_prefix_error);
    }
  });
  for (const c of blocks.cases.filter((c) => c.op === "store_incoming" && (c.expected as any).header)) {
    test(`${c.id} header`, () => expectHeader((c.input as any).block_hex, (c.expected as any).header));
  }
});

describe("header checks (ExtractHeader order, before the digest)", () => {
  const base = unpackHeader(fromHex((blocks.cases.find((c) => c.id === "testing-chain-block-2")!.input as any).block_hex));
  const cases: { name: string; change: Partial<typeof base>; now?: number; error?: FaultText }[] = [
    { name: "valid block 2", change: {} },
    { name: "version 0", change: { version: 0 }, error: "invalid block header version" },
    { name: "number 1 (not genesis form)", change: { numberU64: 1n }, error: "invalid block header version" },
    { name: "number 0", change: { numberU64: 0n }, error: "invalid block header version" },
    { name: "genesis form accepted", change: { numberU64: 1n, version: 1, transactionCount: 1 } },
    { name: "count 1", change: { transactionCount: 1 }, error: "transaction count out of range" },
    { name: "count 10001", change: { transactionCount: 10001 }, error: "transaction count out of range" },
    { name: "count 10000", change: { transactionCount: 10000 } },
    { name: "version checked before count", change: { version: 0, transactionCount: 0 }, error: "invalid block header version" },
    { name: "timestamp now + 301 s", change: { timestampU64: BigInt(NOW + 301) }, error: "invalid block header timestamp" },
    { name: "timestamp now + 300 s", change: { timestampU64: BigInt(NOW + 300) } },
    { name: "exponent 0xc0", change: { bits: 0xc0ffffffffffffffn }, error: "invalid block header difficulty" },
    { name: "timestamp checked before difficulty", change: { bits: 0xff00000000000000n, timestampU64: 2n ** 63n }, error: "invalid block header timestamp" },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const h = { ...base, ...c.change };
      const bytes = packHeader({ ...h, number: h.numberU64, timestamp: h.timestampU64 });
      expect(faultOf(() => checkHeader(bytes, c.now ?? NOW))).toBe(c.error);
    });
  }
});

describe("genesis blocks", () => {
  for (const c of genesisFixture.cases) {
    const chain = c.input.chain as ChainName;
    test(c.id, () => {
      const g = genesisFor(chain);
      expect(toHex(g.block)).toBe(c.input.block_hex);
      expect(g.block.length).toBe(c.expected.length);
      expectHeader(c.input.block_hex, c.expected.header);
      expect(toHex(g.digest)).toBe(c.expected.chain_constant_genesis_digest_storage_hex);
      expect(g.crc.toString(16).padStart(16, "0")).toBe(c.expected.crc64);
      expect(crc64(1, g.block)).toBe(g.crc);
      // the single base record is everything after the header; its sha3 is the merkle root
      const record = g.block.subarray(HEADER_SIZE);
      expect(toHex(hash.sha3_256(record))).toBe(c.expected.base_txid_storage_hex);
      expect(toHex(unpackHeader(g.block).merkleRoot)).toBe(c.expected.base_txid_storage_hex);
      expect(checkHeader(g.block, NOW).header.number).toBe(1);
    });
  }
  test("local uses the test genesis", () => expect(genesisFor("local")).toBe(genesisFor("testing")));
  test(
    "embedded digests are the Argon2d digests of the headers (two digests)",
    async () => {
      const chains = ["bitmark", "testing"] as const;
      const digests = await hash.blockDigestBatch(chains.map((c) => genesisFor(c).block.subarray(0, HEADER_SIZE)));
      expect(digests.map(toHex)).toEqual(chains.map((c) => toHex(genesisFor(c).digest)));
    },
    60_000,
  );
});

describe("block CRC-64", () => {
  for (const c of blocks.cases.filter((c) => (c.expected as any).block_crc64)) {
    test(c.id, () => {
      const e = c.expected as { block_crc64: string; pay_nonce_after_hex: string; header: { number: string } };
      const crc = crc64(BigInt(e.header.number), fromHex((c.input as any).block_hex));
      expect(crc.toString(16).padStart(16, "0")).toBe(e.block_crc64);
      expect(toHex(crcBytes(crc))).toBe(e.pay_nonce_after_hex);
    });
  }
  test("initial value matters", () => expect(crc64(2, genesisFor("testing").block)).not.toBe(genesisFor("testing").crc));
});

describe("block ring", () => {
  const genesis = { number: 1, digest: genesisFor("testing").digest, crc: genesisFor("testing").crc };
  test("fresh ring: genesis CRC everywhere", () => {
    const ring = new BlockRing(genesis);
    expect(toHex(ring.payNonce())).toBe("d1cc53a056227402");
    expect(ring.proofCRCs()).toEqual(Array(RING_SIZE - 1).fill(genesis.crc));
  });
  test("blockring/iterator_test.go: 19 newest CRCs, newest first, also after a clear", () => {
    const ring = new BlockRing(genesis);
    for (let round = 0; round < 2; round++) {
      ringFixture.blocks_hex.forEach((b, i) => ring.put({ number: i + 1, digest: new Uint8Array(32), crc: crc64(i + 1, fromHex(b)) }));
      expect(ring.proofCRCs().map((c) => c.toString(16).padStart(16, "0"))).toEqual(ringFixture.crcs_newest_first_hex);
      ring.clear(genesis);
    }
  });
  test("digests of the last 20 blocks", () => {
    const ring = new BlockRing(genesis);
    for (let n = 2; n <= 30; n++) ring.put({ number: n, digest: Uint8Array.of(n), crc: BigInt(n) });
    expect(ring.digestFor(30)).toEqual(Uint8Array.of(30));
    expect(ring.digestFor(11)).toEqual(Uint8Array.of(11));
    expect(ring.digestFor(10)).toBeUndefined();
    expect(ring.newest().crc).toBe(30n);
  });
});

describe("extendsTip (pushed-block pre-check)", () => {
  const block2 = fromHex(blocks.cases.find((c) => c.id === "testing-chain-block-2")!.input.block_hex!);
  const genesis = genesisFor("testing");
  const flip = (b: Uint8Array, at: number) => {
    const c = Uint8Array.from(b);
    c[at]! ^= 1;
    return c;
  };
  const cases: [string, Uint8Array, { height: number; digest: Uint8Array }, boolean][] = [
    ["block 2 on genesis", block2, { height: 1, digest: genesis.digest }, true],
    ["block 2 on a tip at height 2", block2, { height: 2, digest: genesis.digest }, false],
    ["previous digest differs in one bit", flip(block2, 12 + 31), { height: 1, digest: genesis.digest }, false],
    ["number differs", flip(block2, 4), { height: 1, digest: genesis.digest }, false],
    ["shorter than a header", block2.subarray(0, HEADER_SIZE - 1), { height: 1, digest: genesis.digest }, false],
  ];
  for (const [name, block, tip, want] of cases) test(name, () => expect(extendsTip(block, tip)).toBe(want));
});
