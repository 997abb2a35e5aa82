/** `bunmark block decode` and `bunmark chain generate` as commands: output, exit codes, error texts. */
import { describe, expect, test } from "bun:test";
import fixture from "../../fixtures/blocks-testing-chain.json";
import { describeBlock } from "../../../src/cli/block.ts";
import { openStore } from "../../../src/chain/store/store.ts";
import { isFault } from "../../../src/base/fault.ts";
import { fromHex } from "../../support/hex.ts";
import { tempDirs } from "../../support/temp-dirs.ts";
import { CLI } from "../../support/paths.ts";

const block2 = fixture.cases.find((c) => c.id === "testing-chain-block-2")!;
const block2Hex = (block2.input as { block_hex: string }).block_hex;

const tempDir = tempDirs("bunmark-cli-gen-");

/** Byte length of block 2's last record (the fixture lists each record's packed hex). */
function lastRecordBytes(): number {
  const records = (block2.expected as { records: { packed_hex?: string }[] }).records;
  return (records.at(-1)!.packed_hex ?? "").length / 2;
}

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const p = Bun.spawn([process.execPath, CLI, ...args], { stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  return { code: await p.exited, out, err };
}

describe("block decode", () => {
  test(
    "testing block 2: header JSON, digest, merkle root, foundation txid, CRC, records",
    () => {
      const e = block2.expected as any;
      const { json: d, problems } = describeBlock(fromHex(block2Hex), "testing") as any;
      expect(problems).toEqual([]);
      expect(d.header).toEqual({
        version: 2,
        transactionCount: 3,
        number: "2",
        previousBlock: e.header.previous_block_storage_hex,
        merkleRoot: e.header.merkle_root_storage_hex,
        timestamp: e.header.timestamp,
        difficulty: "ffffffffffffff00",
        nonce: e.header.nonce_hex_le,
      });
      expect(d.digest).toBe(e.digest_storage_hex);
      expect(d.digestDisplay).toBe(e.digest_display_hex);
      expect(d.merkleRoot).toBe(e.merkle_root_storage_hex);
      expect(d.merkleRootMatches).toBe(true);
      expect(d.foundationTxId).toBe(e.foundation_txid_storage_hex);
      expect(d.crc64).toBe(e.block_crc64);
      expect(d.txIds).toEqual(e.records.map((r: any) => r.txid_storage_hex));
      expect(d.transactions.map((t: any) => t.type)).toEqual(e.records.map((r: any) => r.record));
    },
    60_000,
  );

  const size = block2Hex.length / 2;
  const errors: { name: string; input: string; text: string }[] = [
    { name: "shorter than a header", input: block2Hex.slice(0, 198), text: "invalid block header size: truncated at byte 99 (a header has 100)" },
    { name: "one byte after the last record", input: block2Hex + "00", text: `transaction count out of range: 1 bytes after the last record (from byte ${size})` },
    { name: "a record cut short", input: block2Hex.slice(0, -2), text: `not transaction pack: record 3 of 3 at byte ${size - lastRecordBytes()}, the input has ${size - 1} bytes` },
    { name: "count 1 outside the genesis form", input: block2Hex.slice(0, 4) + "0100" + block2Hex.slice(8), text: "transaction count out of range" },
  ];
  for (const c of errors) {
    test(`${c.name}: ${c.text}`, () => {
      let message: string | undefined;
      try {
        describeBlock(fromHex(c.input), "testing");
      } catch (e) {
        message = isFault(e) ? e.text : (e as Error).message;
      }
      expect(message).toStartWith(c.text);
    });
  }

  test("rules checkable alone: a wrong merkle root is a problem, printed after the JSON; --lenient exits 0", async () => {
    // the merkle root is header bytes 44…75 (after version 2, count 2, number 8, previous block 32): flip its first byte
    const bad = block2Hex.slice(0, 88) + (block2Hex.slice(88, 90) === "00" ? "01" : "00") + block2Hex.slice(90);
    expect(describeBlock(fromHex(bad), "testing").problems).toEqual(["invalid block header difficulty", "Merkle Root Does Not Match"]);
    const strict = await run("block", "decode", bad, "--chain", "testing");
    expect(strict.code).toBe(1);
    expect(JSON.parse(strict.out).merkleRootMatches).toBe(false);
    expect(strict.err.trim().split("\n")).toEqual(["bunmark block: invalid block header difficulty", "bunmark block: Merkle Root Does Not Match"]);
    const lenient = await run("block", "decode", bad, "--chain", "testing", "--lenient");
    expect(lenient.code).toBe(0);
  }, 60_000);

  test("invalid input as a command: exit 1, bitmarkd's text on stderr, no stack trace", async () => {
    const r = await run("block", "decode", block2Hex + "00");
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err.trim()).toBe(`bunmark block: transaction count out of range: 1 bytes after the last record (from byte ${block2Hex.length / 2})`);
    const notHex = await run("block", "decode", "zz");
    expect(notHex.code).toBe(1);
    expect(notHex.err.trim().split("\n")).toEqual([`bunmark block: invalid block header size (input is not hex): character "z" at position 1 is not a hex digit`]); // one line, no stack
  });
});

describe("chain generate", () => {
  test(
    "writes DIR/local.lmdb with the requested blocks",
    async () => {
      const dir = tempDir();
      const r = await run("chain", "generate", "--blocks", "1", "--data", dir, "--seed", "cli");
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toMatchObject({ chain: "local", seed: "cli", height: 2 });
      const s = openStore(dir, "local");
      expect(s.height()).toBe(2);
      await s.close();
      const again = await run("chain", "generate", "--blocks", "1", "--data", dir);
      expect(again.code).toBe(1);
      expect(again.err.trim().split("\n").at(-1)).toBe(`bunmark chain: ${dir}: the store holds a chain of another seed than "bunmark" (not continued)`);
    },
    60_000,
  );
  test("usage errors exit 1 naming what is missing", async () => {
    const gen = await run("chain", "generate");
    expect([gen.code, gen.err.trim()]).toEqual([1, "bunmark chain: --blocks N is required (see bunmark chain --help)"]);
    const dec = await run("block", "decode");
    expect([dec.code, dec.err.trim()]).toEqual([1, "bunmark block: missing HEX (see bunmark block --help)"]);
  });
});
