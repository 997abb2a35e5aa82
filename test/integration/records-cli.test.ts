/** `bunmark tx decode` over the transaction vectors: JSON on stdout, or exit 1 with bitmarkd's error text. */
import { describe, expect, test } from "bun:test";
import txFixture from "../fixtures/records-transactions.json";
import { account } from "../support/records.ts";
import { accountToString } from "../../src/chain/types/account.ts";
import { ROOT } from "../support/paths.ts";

const BUN = process.execPath;

function decode(hexText: string, chain?: string): { code: number; stdout: string; stderr: string } {
  const args = ["src/main.ts", "tx", "decode", hexText, ...(chain ? ["--chain", chain] : [])];
  const r = Bun.spawnSync([BUN, ...args], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode ?? -1, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

type AnyCase = { id: string; op: string; record?: string; tag?: number; input: any; expected: any };
const all = txFixture.cases as AnyCase[];
const SELF_SIGNED: Record<number, string> = { 1: "owner", 2: "registrant", 3: "owner", 6: "owner" };

describe("tx decode: records of the vectors", () => {
  test.each(all.filter((c) => c.op === "pack_unpack_txid"))("$id", ({ record, input, expected }) => {
    const packed = input.packed_hex ?? expected.packed_hex;
    const r = decode(packed);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.type).toBe(record);
    expect(out.txId).toBe(expected.txid_storage_hex);
    expect(out.txIdDisplay).toBe(expected.txid_display_hex);
    expect(out.length).toBe(expected.unpack_testnet_true.consumed);
    expect(out.canonical).toBe(true);
    if (expected.asset_id_hex) expect(out.assetId).toBe(expected.asset_id_hex);
    const key = SELF_SIGNED[out.tag];
    if (key) {
      expect(out.signature).toEqual({ signer: out.data[key], valid: true });
    } else {
      expect(out.signature.signer).toBeNull();
      expect(out.signature.valid).toBeNull();
    }
    if (input.countersigner) {
      const owner = accountToString(account(input.countersigner.key_name));
      expect(out.countersignature).toEqual({ signer: owner, valid: true });
      expect(out.data.owner).toBe(owner);
    }
    const live = decode(packed, "bitmark");
    expect(live.code).toBe(1);
    expect(live.stdout).toBe("");
    expect(live.stderr.trim().split("\n")).toEqual([`bunmark tx: ${expected.unpack_testnet_false.error}`]);
  });

  test.each(all.filter((c) => c.op === "noncanonical_record"))("$id", ({ input, expected }) => {
    const out = JSON.parse(decode(input.packed_hex, "local").stdout);
    expect(out.txId).toBe(expected.txid_storage_hex);
    expect(out.canonical).toBe(false);
    expect(out.signature.valid).toBe(true);
    expect(out.data.nonce).toBe(99);
  });

  test.each(all.filter((c) => c.op === "signature_verify_8_2"))("$id", ({ input, expected }) => {
    const out = JSON.parse(decode(input.packed_hex, "testing").stdout);
    expect(out.txId).toBe(expected.txid_storage_hex);
    expect(out.type).toBe("BitmarkTransferUnratified");
  });

  test.each(all.filter((c) => c.op === "unpack"))("$id", ({ input, expected }) => {
    const r = decode(input.packed_hex, input.testnet ? "testing" : "bitmark");
    if (expected.error) {
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split("\n")).toEqual([`bunmark tx: ${expected.error}`]);
      return;
    }
    // trailing bytes are decoded as further records; here they are not one
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("not transaction pack");
  });
});

describe("tx decode: command line", () => {
  const issue = all.find((c) => c.id === "TestPackBitmarkIssue")!.expected.packed_hex as string;

  test("default chain is local, as for run (a test network, like testing); several records print as an array", () => {
    expect(JSON.parse(decode(issue).stdout).type).toBe("BitmarkIssue");
    const out = JSON.parse(decode(issue + issue).stdout);
    expect(out.map((o: { type: string }) => o.type)).toEqual(["BitmarkIssue", "BitmarkIssue"]);
  });

  test("a self-signed record with a bad signature is reported, not rejected", () => {
    const bad = issue.slice(0, -2) + (issue.endsWith("0c") ? "0d" : "0c");
    const out = JSON.parse(decode(bad).stdout);
    expect(out.signature).toEqual({ signer: out.data.owner, valid: false, error: "invalid signature" });
  });

  const usage: [string, string[], number][] = [
    ["no hex", ["tx", "decode"], 1],
    ["unknown sub-command", ["tx", "show", "00"], 1],
    ["unknown chain", ["tx", "decode", issue, "--chain", "mainnet"], 1],
    ["not hex", ["tx", "decode", "xyz"], 1],
    ["empty", ["tx", "decode", ""], 1],
  ];
  test.each(usage)("%s", (_name, args, code) => {
    const r = Bun.spawnSync([BUN, "src/main.ts", ...args], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
    expect(r.exitCode).toBe(code);
    expect(r.stderr.toString().trim().split("\n").length).toBe(1);
  });

  test("--help documents the default chain", () => {
    const r = Bun.spawnSync([BUN, "src/main.ts", "tx", "--help"], { cwd: ROOT, stdout: "pipe" });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.toString()).toContain("(default: local)");
  });
});
