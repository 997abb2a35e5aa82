/** `bunmark block decode` and `bunmark chain generate` as commands: output, exit codes, error texts. */
import { describe, expect, test } from "bun:test";
import fixture from "../../fixtures/blocks-testing-chain.json";
import { describeBlock } from "../../../src/cli/block.ts";
import { openStore } from "../../../src/chain/store/store.ts";
import { faultOf } from "../../support/fault.ts";
import { fromHex } from "../../support/hex.ts";
import { tempDirs } from "../../support/temp-dirs.ts";
import { CLI } from "../../support/paths.ts";

const block2 = fixture.cases.find((c) => c.id === "testing-chain-block-2")!;
const block2Hex = (block2.input as { block_hex: string }).block_hex;

const tempDir = tempDirs("bunmark-cli-gen-");

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
      const d = describeBlock(fromHex(block2Hex), "testing") as any;
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

  const errors: { name: string; input: string; text: string }[] = [
    { name: "shorter than a header", input: block2Hex.slice(0, 198), text: "invalid block header size" },
    { name: "one byte after the last record", input: block2Hex + "00", text: "transaction count out of range" },
    { name: "a record cut short", input: block2Hex.slice(0, -2), text: "not transaction pack" },
    { name: "count 1 outside the genesis form", input: block2Hex.slice(0, 4) + "0100" + block2Hex.slice(8), text: "transaction count out of range" },
  ];
  for (const c of errors) {
    test(`${c.name}: ${c.text}`, () => {
      expect(faultOf(() => describeBlock(fromHex(c.input), "testing"))).toBe(c.text);
    });
  }

  test("invalid input as a command: exit 1, bitmarkd's text on stderr, no stack trace", async () => {
    const r = await run("block", "decode", block2Hex + "00");
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err.trim()).toBe("bunmark block: transaction count out of range");
    const notHex = await run("block", "decode", "zz");
    expect(notHex.code).toBe(1);
    expect(notHex.err).not.toContain(" at ");
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
  test("usage errors exit 2", async () => {
    expect((await run("chain", "generate")).code).toBe(2);
    expect((await run("block", "decode")).code).toBe(2);
  });
});
