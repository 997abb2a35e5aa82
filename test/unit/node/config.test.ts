/** Node configuration: embedded default, bitmarkd field names, flags over the file, one-line errors. */
import { describe, expect, test } from "bun:test";
import { buildConfig, ConfigError, DEFAULT_PEER_PORT, parseConnectFlag, SECTIONS, type ConfigFlags } from "../../../src/node/config.ts";
import { announceTiming, connectorTiming, parseTiming, reservoirTiming, TIMING_TABLE, timingHelp } from "../../../src/node/timing.ts";
import { timingMarkdown } from "../../support/timing-markdown.ts";

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
    ["not an object", [1], {}, "the configuration must be a JSON object"],
    ["unknown chain", { chain: "mainnet" }, {}, 'chain: "mainnet" is not one of bitmark, testing, local'],
    ["listen not strings", { peering: { listen: [1] } }, {}, "peering.listen[0]: must be a string, got 1"],
    ["connect key too short", { peering: { connect: [{ public_key: "abcd", address: "1.2.3.4:5" }] } }, {}, 'peering.connect[0].public_key: must be 64 hex digits, got "abcd"'],
    ["connect without address", { peering: { connect: [{ public_key: KEY }] } }, {}, "peering.connect[0].address: missing (HOST:PORT)"],
    ["key file not a name", { peering: { public_key: 5 } }, {}, "peering.public_key: must be a non-empty string, got 5"],
    ["blank key file", { peering: { private_key: "" } }, {}, 'peering.private_key: must be a non-empty string, got ""'],
    ["dynamic_connections not boolean", { peering: { dynamic_connections: "yes" } }, {}, 'peering.dynamic_connections: must be true or false, got "yes"'],
    ["blank nodes", { nodes: "" }, {}, "nodes: nodes cannot be blank choose from: none, chain or sub.domain.tld"],
    ["nodes not a string", { nodes: ["a.example"] }, {}, "nodes: nodes cannot be blank choose from: none, chain or sub.domain.tld"],
    ["bad log level", {}, { logLevel: "loud" }, '--log-level: "loud" is not one of trace, debug, info, warn, error'],
    ["timing not positive", { timing: { connector_cycle: 0 } }, {}, "timing.connector_cycle: must be a positive whole number (milliseconds), got 0"],
    ["count as milliseconds", { timing: { minimum_clients: 0.5 } }, {}, "timing.minimum_clients: must be a positive whole number (a count), got 0.5"],
    ["unknown timing key", { timing: { minimum_client: 1 } }, {}, "timing.minimum_client: unknown key (did you mean minimum_clients?)"],
    ["unknown top-level key", { colour: "red" }, {}, "colour: unknown key"],
    ["unknown peering key", { peering: { lisen: [] } }, {}, "peering.lisen: unknown key (did you mean listen?)"],
    ["fingerprint is the certificate's", { client_rpc: { fingerprint: "xyz" } }, {}, "client_rpc.fingerprint: not a setting: the fingerprint is the SHA3-256 of client_rpc.certificate"],
    ["bad --connect", {}, { connect: ["127.0.0.1:2136"] }, '--connect "127.0.0.1:2136": expected PUBLIC_KEY@HOST:PORT'],
    ["file errors name the file", { colour: 1 }, { config: "/etc/b.json" }, "/etc/b.json: colour: unknown key"],
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
      expect((error as Error).message).toBe(message);
      expect((error as Error).message).not.toContain("\n");
    });
  }
});

test("parseConnectFlag lower-cases the key and keeps the address", () => {
  expect(parseConnectFlag(`${KEY.toUpperCase()}@[::1]:2136`)).toEqual({ public_key: KEY, address: "[::1]:2136" });
});

describe("paths", () => {
  test("a relative data_directory is resolved against the configuration file's folder, --data against the working directory", () => {
    expect(buildConfig({ data_directory: "state" }, { ...noFlags, config: "conf/b.json" }, "/srv").data_directory).toBe("/srv/conf/state");
    expect(buildConfig({ data_directory: "state" }, { ...noFlags, config: "conf/b.json", data: "d" }, "/srv").data_directory).toBe("/srv/d");
  });
  test("log_file: against the file's folder; --log-file: against the working directory", () => {
    expect(buildConfig({ log_file: "n.log" }, { ...noFlags, config: "/etc/bunmark/b.json" }, "/srv").log_file).toBe("/etc/bunmark/n.log");
    expect(buildConfig(undefined, { ...noFlags, logFile: "n.log" }, "/srv").log_file).toBe("/srv/n.log");
  });
});

describe("sections table", () => {
  test("every top-level key has a parser and a help line", () => {
    for (const [key, s] of Object.entries(SECTIONS)) {
      expect(typeof s.parse).toBe("function");
      expect(s.help.length).toBeGreaterThan(10);
      expect(key).toMatch(/^[a-z_]+$/);
    }
  });
  test("the effective configuration has every section, defaults filled in", () => {
    const cfg = buildConfig({}, noFlags, "/x");
    for (const key of Object.keys(SECTIONS)) expect(key in cfg).toBe(true);
  });
});

describe("timing table", () => {
  test("defaults are the subsystems' constants; counts are counts", () => {
    const row = (k: string) => TIMING_TABLE.find((r) => r.key === k)!;
    expect(row("connector_cycle")).toMatchObject({ unit: "ms", default: 15_000, subsystem: "connector" });
    expect(row("minimum_clients")).toMatchObject({ unit: "count", default: 3 });
    expect(row("fork_protection")).toMatchObject({ unit: "count", default: 60 });
    expect(row("announce_interval")).toMatchObject({ unit: "ms", default: 11 * 60_000, subsystem: "announce" });
    expect(row("reservoir_clean")).toMatchObject({ unit: "ms", default: 5 * 60_000, subsystem: "reservoir" });
  });
  test("keys are unique, and `run --help` and the README table list every one", () => {
    const keys = TIMING_TABLE.map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of keys) {
      expect(timingHelp()).toContain(`  ${k} `);
      expect(timingMarkdown()).toContain(`| \`${k}\` |`);
    }
  });
  test("each subsystem gets its own fields", () => {
    const t = parseTiming({ connector_cycle: 500, minimum_clients: 1, announce_interval: 1000, reservoir_clean: 2000 }, "timing");
    expect(connectorTiming(t)).toEqual({ cycleMs: 500, minimumClients: 1 });
    expect(announceTiming(t)).toEqual({ intervalMs: 1000 });
    expect(reservoirTiming(t)).toEqual({ cleanIntervalMs: 2000 });
  });
});
