/** Listener address parsing, canonical text and packed entries against util/canonical.go's vectors. */
import { describe, expect, test } from "bun:test";
import {
  canonical,
  isIPv4,
  isSafeFor82,
  packConnection,
  packConnections,
  parseConnection,
  parseIP,
  PortSyntaxError,
  resolveConnection,
  unpack46,
  unpackAll,
  unpackConnection,
} from "../../../src/peer/address.ts";
import vectors from "../../fixtures/canonical.json";
import { faultOf } from "../../support/fault.ts";
import { fromHex, toHex } from "../../support/hex.ts";

function errorText(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  return "no error";
}

describe("parse, canonical text and pack (TestCanonical)", () => {
  for (const v of vectors.parse) {
    test(JSON.stringify(v.text), () => {
      const c = parseConnection(v.text);
      expect(canonical(c)).toBe(v.canonical);
      expect(!isIPv4(c)).toBe(v.ipv6);
      const packed = packConnection(c);
      expect(toHex(packed)).toBe(v.packed_hex);
      const back = unpackConnection(packed);
      expect(back?.size).toBe(packed.length);
      expect(canonical(back!.connection)).toBe(v.canonical);
    });
  }
});

describe("errors (TestCanonicalIP, TestCanonicalPort)", () => {
  for (const v of vectors.errors) {
    test(JSON.stringify(v.text), () => {
      expect(faultOf(() => parseConnection(v.text))).toBe(v.error);
    });
  }
});

describe("more text forms (Go net.ParseIP / SplitHostPort / strconv.Atoi rules)", () => {
  const cases: [string, string][] = [
    ["[::ffff:1.2.3.4]:80", "1.2.3.4:80"],
    ["[::1.2.3.4]:80", "[::102:304]:80"],
    ["[1:2:3:4:5:6:1.2.3.4]:80", "[1:2:3:4:5:6:102:304]:80"],
    ["[1:0:0:2:0:0:0:3]:80", "[1:0:0:2::3]:80"],
    ["[1:0:0:2:0:0:3:4]:80", "[1::2:0:0:3:4]:80"],
    ["[1:0:2:3:4:5:6:7]:80", "[1:0:2:3:4:5:6:7]:80"],
    ["[ABCD::EF]:80", "[abcd::ef]:80"],
    ["[0000000001::]:80", "[1::]:80"],
    ["010.001.0.9:+80", "10.1.0.9:80"],
    ["1.2.3.4:0080", "1.2.3.4:80"],
  ];
  for (const [text, want] of cases) test(text, () => expect(canonical(parseConnection(text))).toBe(want));

  const failures: [string, string][] = [
    ["1.2.3.4", "invalid IP Address"],
    ["[::1]", "invalid IP Address"],
    ["[::1]:80:90", "invalid IP Address"],
    ["[::1]x:80", "invalid IP Address"],
    ["a[b:80", "invalid IP Address"],
    ["1.2.3.4]:80", "invalid IP Address"],
    ["[1::2::3]:80", "invalid IP Address"],
    ["[1:2:3:4:5:6:7:8::]:80", "invalid IP Address"],
    ["[1:2:3:4:5:1.2.3.4]:80", "invalid IP Address"],
    ["[1:2:3:4:5:6:7:1.2.3.4]:80", "invalid IP Address"],
    ["[1:]:80", "invalid IP Address"],
    ["1.2.3:80", "invalid IP Address"],
    ["1.2.3.4.5:80", "invalid IP Address"],
    ["localhost:80", "invalid IP Address"],
    ["1.2.3.4:", 'strconv.Atoi: parsing "": invalid syntax'],
    ["1.2.3.4:http", 'strconv.Atoi: parsing "http": invalid syntax'],
    ["1.2.3.4:8 0", 'strconv.Atoi: parsing "8 0": invalid syntax'],
    ["1.2.3.4:-", 'strconv.Atoi: parsing "-": invalid syntax'],
    ["1.2.3.4:99999999999999999999", 'strconv.Atoi: parsing "99999999999999999999": value out of range'],
    ["1.2.3.4:9223372036854775808", 'strconv.Atoi: parsing "9223372036854775808": value out of range'],
    ["1.2.3.4:-9223372036854775808", "invalid port number"],
    ["1.2.3.4:65536", "invalid port number"],
  ];
  for (const [text, want] of failures) test(`${text} → ${want}`, () => expect(errorText(() => parseConnection(text))).toBe(want));

  test("port errors are typed", () => {
    expect(() => parseConnection("1.2.3.4:x")).toThrow(PortSyntaxError);
  });

  test("parseIP: not a literal → null", () => {
    expect(parseIP("example")).toBeNull();
    expect(parseIP("")).toBeNull();
    expect(toHex(parseIP("::")!)).toBe("00".repeat(16));
  });

  test("resolveConnection keeps literals and resolves localhost", async () => {
    expect(canonical(await resolveConnection("[::1]:9"))).toBe("[::1]:9");
    const c = await resolveConnection("localhost:9");
    expect(["127.0.0.1:9", "[::1]:9"]).toContain(canonical(c));
  });
});

describe("unpack lists (TestCanonicalUnpack)", () => {
  for (const v of vectors.unpack) {
    test(v.packed_hex.slice(0, 24), () => {
      const packed = fromHex(v.packed_hex);
      expect(unpackAll(packed).map(canonical)).toEqual(v.addresses);
      const { ipv4, ipv6 } = unpack46(packed);
      expect(ipv4 === null ? null : canonical(ipv4)).toBe(v.ipv4);
      expect(ipv6 === null ? null : canonical(ipv6)).toBe(v.ipv6);
    });
  }
});

describe("packed entries", () => {
  test("7-byte IPv4 entries decode as IPv4 and re-pack as 7 bytes", () => {
    const packed = fromHex("070858c000020a");
    const e = unpackConnection(packed)!;
    expect(e.size).toBe(7);
    expect(canonical(e.connection)).toBe("192.0.2.10:2136");
    expect(toHex(packConnection(e.connection))).toBe("070858c000020a");
  });

  test("protocol.md §6.1 examples", () => {
    expect(toHex(packConnections([parseConnection("192.0.2.10:2136"), parseConnection("[2001:db8::1]:2136")]))).toBe(
      "130858" + "00000000000000000000ffffc000020a" + "130858" + "20010db8000000000000000000000001",
    );
  });

  test("a 19-byte entry cut short stops the scan (8.2 would panic)", () => {
    const good = "070858c000020a";
    for (let cut = 7; cut < 19; cut++) {
      const packed = fromHex(good + "13" + "ff".repeat(cut - 1));
      expect(unpackAll(packed).map(canonical)).toEqual(["192.0.2.10:2136"]);
      expect(unpack46(packed).ipv6).toBeNull();
      expect(isSafeFor82(packed)).toBe(false);
    }
  });

  test("unpack46 stops once both families are found", () => {
    const packed = fromHex("070858c000020a" + "1304d2" + "00".repeat(15) + "01" + "13" + "ff".repeat(8));
    const { ipv4, ipv6 } = unpack46(packed);
    expect(canonical(ipv4!)).toBe("192.0.2.10:2136");
    expect(canonical(ipv6!)).toBe("[::1]:1234");
  });

  const safety: [string, boolean][] = [
    ["", true],
    ["070858c000020a", true],
    ["070858c000020a00", true],
    ["14" + "00".repeat(20), true],
    ["13" + "00".repeat(18), true],
    ["13" + "00".repeat(17), false],
    ["13" + "00".repeat(5), true],
    ["070858c000020a" + "13" + "00".repeat(10), false],
  ];
  for (const [h, safe] of safety) test(`isSafeFor82(${h.slice(0, 20)}…${h.length / 2}) = ${safe}`, () => expect(isSafeFor82(fromHex(h))).toBe(safe));
});
