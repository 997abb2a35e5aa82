/** Node configuration: embedded default, bitmarkd field names, flags over the file, one-line errors. */
import { describe, expect, test } from "bun:test";
import { buildConfig, ConfigError, DEFAULT_PEER_PORT, parseConnectFlag, type ConfigFlags } from "../../../src/node/config.ts";

const KEY = "590604e941c335032318e1eddd3d264403335e5d4cadb29fb3809dedf077cb76";
const noFlags: ConfigFlags = { listen: [], connect: [], announce: [] };

describe("embedded default", () => {
  const cfg = buildConfig(undefined, noFlags, "/srv/x");
  test("chain local, data in ./data", () => {
    expect(cfg.chain).toBe("local");
    expect(cfg.data_directory).toBe("/srv/x/data");
  });
  test("loopback IPv4 and IPv6 at bitmarkd's peer port, movable", () => {
    expect(cfg.peering.listen).toEqual([`127.0.0.1:${DEFAULT_PEER_PORT}`, `[::1]:${DEFAULT_PEER_PORT}`]);
    expect(cfg.listen_is_default).toBe(true);
  });
  test("key files in the data directory, names not swapped", () => {
    expect(cfg.peering.public_key).toBe("/srv/x/data/peer.public");
    expect(cfg.peering.private_key).toBe("/srv/x/data/peer.private");
  });
  test("bitmarkd's peering defaults", () => {
    expect(cfg.peering.dynamic_connections).toBe(true);
    expect(cfg.peering.prefer_ipv6).toBe(true);
    expect(cfg.peering.connect).toEqual([]);
    expect(cfg.log_level).toBe("info");
    expect(cfg.timing).toEqual({});
  });
  test("no DNS seed lookup unless `nodes` asks for one", () => {
    expect(cfg.nodes).toBe("none");
    expect(buildConfig({ nodes: "chain" }, noFlags, "/").nodes).toBe("chain");
    expect(buildConfig({ nodes: "seeds.example.org" }, noFlags, "/").nodes).toBe("seeds.example.org");
  });
});

describe("file and flags", () => {
  const file = {
    chain: "TESTING",
    data_directory: "/var/lib/bunmark",
    log_level: "debug",
    peering: {
      listen: ["0.0.0.0:2136"],
      announce: ["192.0.2.10:2136", ""],
      connect: [{ public_key: KEY.toUpperCase(), address: "192.0.2.20:2136" }],
      dynamic_connections: false,
      prefer_ipv6: false,
      public_key: "keys/p.public",
      private_key: "/etc/bunmark/p.private",
    },
    timing: { connector_cycle: 500 },
  };

  test("bitmarkd field names are read; the chain is lower-cased; empty announce entries skipped", () => {
    const cfg = buildConfig(file, noFlags, "/");
    expect(cfg.chain).toBe("testing");
    expect(cfg.peering.listen).toEqual(["0.0.0.0:2136"]);
    expect(cfg.listen_is_default).toBe(false);
    expect(cfg.peering.announce).toEqual(["192.0.2.10:2136"]);
    expect(cfg.peering.connect).toEqual([{ public_key: KEY, address: "192.0.2.20:2136" }]);
    expect(cfg.peering.dynamic_connections).toBe(false);
    expect(cfg.peering.prefer_ipv6).toBe(false);
    expect(cfg.log_level).toBe("debug");
    expect(cfg.timing).toEqual({ connector_cycle: 500 });
  });

  test("relative key file names resolve against data_directory, absolute ones stay", () => {
    const cfg = buildConfig(file, noFlags, "/");
    expect(cfg.peering.public_key).toBe("/var/lib/bunmark/keys/p.public");
    expect(cfg.peering.private_key).toBe("/etc/bunmark/p.private");
  });

  test("flags override the file; --connect adds to the file's entries", () => {
    const cfg = buildConfig(
      file,
      { data: "d", chain: "bitmark", listen: ["[::1]:7000"], connect: [`${KEY}@127.0.0.1:7001`], announce: ["192.0.2.11:7000"], http: "127.0.0.1:8080", logLevel: "warn" },
      "/home/op",
    );
    expect(cfg.chain).toBe("bitmark");
    expect(cfg.data_directory).toBe("/home/op/d");
    expect(cfg.peering.listen).toEqual(["[::1]:7000"]);
    expect(cfg.peering.announce).toEqual(["192.0.2.11:7000"]);
    expect(cfg.peering.connect.map((c) => c.address)).toEqual(["192.0.2.20:2136", "127.0.0.1:7001"]);
    expect(cfg.http).toBe("127.0.0.1:8080");
    expect(cfg.log_level).toBe("warn");
  });
});

describe("errors are ConfigError with one line", () => {
  const cases: [string, unknown, Partial<ConfigFlags>, string][] = [
    ["not an object", [1], {}, "configuration must be a JSON object"],
    ["unknown chain", { chain: "mainnet" }, {}, 'invalid chain: "mainnet"'],
    ["listen not strings", { peering: { listen: [1] } }, {}, "peering.listen must be a string or a list of strings"],
    ["connect key too short", { peering: { connect: [{ public_key: "abcd", address: "1.2.3.4:5" }] } }, {}, "peering.connect[0].public_key must be 64 hex digits"],
    ["connect without address", { peering: { connect: [{ public_key: KEY }] } }, {}, "peering.connect[0].address must be host:port"],
    ["key file not a name", { peering: { public_key: 5 } }, {}, "peering.public_key must be a file name"],
    ["blank key file", { peering: { private_key: "" } }, {}, "peering.private_key must be a file name"],
    ["dynamic_connections not boolean", { peering: { dynamic_connections: "yes" } }, {}, "peering.dynamic_connections must be true or false"],
    ["blank nodes", { nodes: "" }, {}, "nodes cannot be blank choose from: none, chain or sub.domain.tld"],
    ["nodes not a string", { nodes: ["a.example"] }, {}, "nodes cannot be blank choose from: none, chain or sub.domain.tld"],
    ["bad log level", {}, { logLevel: "loud" }, 'invalid log level: "loud"'],
    ["timing not positive", { timing: { connector_cycle: 0 } }, {}, "timing.connector_cycle must be a positive number of milliseconds"],
    ["fingerprint is the certificate's", { client_rpc: { fingerprint: "xyz" } }, {}, "client_rpc.fingerprint: not a setting: the fingerprint is the SHA3-256 of client_rpc.certificate"],
    ["bad --connect", {}, { connect: ["127.0.0.1:2136"] }, "--connect expects PUBKEYHEX@HOST:PORT"],
  ];
  for (const [name, file, flags, message] of cases) {
    test(name, () => {
      let error: unknown;
      try {
        buildConfig(file, { ...noFlags, ...flags }, "/");
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(message);
      expect((error as Error).message).not.toContain("\n");
    });
  }
});

test("parseConnectFlag lower-cases the key and keeps the address", () => {
  expect(parseConnectFlag(`${KEY.toUpperCase()}@[::1]:2136`)).toEqual({ public_key: KEY, address: "[::1]:2136" });
});
