/** DNS TXT peer records against announce/tagparsing_test.go, and the bootstrap lookup. */
import { describe, expect, test } from "bun:test";
import { canonical } from "../../../src/peer/address.ts";
import { lookupTxtPeers, nodesDomain, parseTxtRecord } from "../../../src/peer/announce/dns.ts";
import vectors from "../../fixtures/dns-txt.json";
import { quietLogsWhileRunning } from "../../support/harness/profile.ts";
import { toHex } from "../../support/hex.ts";

quietLogsWhileRunning("error");

function outcome(text: string): string | null {
  try {
    parseTxtRecord(text);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

describe("TestValidTag vectors", () => {
  for (const [i, v] of vectors.cases.entries()) {
    test(`[${i}] ${v.error ?? "valid"}: ${v.txt.slice(0, 40)}`, () => expect(outcome(v.txt)).toBe(v.error));
  }
});

describe("parsed fields", () => {
  const text = vectors.cases[2]!.txt; // a=IPv4;[IPv6]
  test("addresses, ports, keys and the packed listeners", () => {
    const p = parseTxtRecord(text);
    expect(canonical(p.ipv4!)).toBe("118.163.120.178:32136");
    expect(canonical(p.ipv6!)).toBe("[2001:b030:2314:200:4649:583d:1:120]:32136");
    expect(p.rpcPort).toBe(33566);
    expect(toHex(p.publicKey)).toBe("202c14ec485c21d0d18e9dfd096bd760a558d5ee1139f8e4b2e15863433e7d51");
    expect(toHex(p.fingerprint)).toBe("48137a7a76934cafe7635c9ac05339c20f4c00a724d7fa1dc0dc3875476ed004");
    expect(toHex(p.listeners)).toBe("137d88" + "00000000000000000000ffff76a378b2" + "137d88" + "2001b030231402004649583d00010120");
  });

  const tail = " c=1 r=2 f=" + "0".repeat(64) + " p=" + "1".repeat(64);
  const more: [string, string, string | null][] = [
    ["the last address of a family wins", "bitmark=v3 a=1.2.3.4;5.6.7.8" + tail, null],
    ["an empty a= element (8.2 panics)", "bitmark=v3 a=1.2.3.4;" + tail, "invalid IP Address"],
    ["double spaces are skipped", "  bitmark=v3  a=1.2.3.4 " + tail + "  ", null],
    ["a repeated field", "bitmark=v3 a=1.2.3.4 a=1.2.3.5" + tail, "invalid dns txt record"],
    ["an unknown field", "bitmark=v3 a=1.2.3.4 x=1" + tail, "invalid dns txt record"],
    ["upper-case hex key", "bitmark=v3 a=1.2.3.4 c=1 r=2 f=" + "A".repeat(64) + " p=" + "B".repeat(64), null],
  ];
  for (const [name, t, want] of more) test(name, () => expect(outcome(t)).toBe(want));

  test("IPv4 only: one 19-byte entry", () => {
    const p = parseTxtRecord(more[0]![1]);
    expect(toHex(p.listeners)).toBe("130001" + "00000000000000000000ffff05060708");
    expect(p.ipv6).toBeNull();
  });
});

test("nodes setting → domain", () => {
  expect(nodesDomain("none", "bitmark")).toBeNull();
  expect(nodesDomain("chain", "bitmark")).toBe("nodes.live.bitmark.com");
  expect(nodesDomain("chain", "testing")).toBe("nodes.test.bitmark.com");
  expect(nodesDomain("chain", "local")).toBe("nodes.localdomain");
  expect(nodesDomain("example.org", "local")).toBe("example.org");
});

test("lookup: chunks of a record are joined, invalid records skipped, lookup errors thrown", async () => {
  const good = vectors.cases[0]!.txt;
  const peers = await lookupTxtPeers("x", async () => [[good.slice(0, 30), good.slice(30)], ["hello world"], ["v=spf1 -all"]]);
  expect(peers.map((p) => toHex(p.publicKey))).toEqual(["202c14ec485c21d0d18e9dfd096bd760a558d5ee1139f8e4b2e15863433e7d51"]);
  expect(await lookupTxtPeers("x", () => Promise.reject(new Error("ENOTFOUND"))).catch((e: Error) => e.message)).toBe("ENOTFOUND");
});
