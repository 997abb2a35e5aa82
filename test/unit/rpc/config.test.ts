import { describe, expect, test } from "bun:test";
import { allowEntry, CLIENT_RPC_DEFAULTS, parseClientRpc, parseHttpsRpc, splitListen } from "../../../src/rpc/config.ts";

const inData = (name: string) => (name.startsWith("/") ? name : `/data/${name}`);

describe("client_rpc", () => {
  test("defaults (8.2's, plus bunmark's limits); absent section = off", () => {
    expect(parseClientRpc(undefined, inData)).toEqual({
      ...CLIENT_RPC_DEFAULTS,
      listen: [],
      announce: [],
      certificate: "/data/rpc.crt",
      private_key: "/data/rpc.key",
    });
    expect(CLIENT_RPC_DEFAULTS).toMatchObject({ maximum_connections: 10, idle_timeout: 300, handshake_timeout: 10, maximum_request_size: 1048576 });
  });

  test("every field", () => {
    const c = parseClientRpc(
      {
        maximum_connections: 50,
        maximum_connections_per_ip: 4,
        listen: ["0.0.0.0:2130", "[::]:2130", ":2130", ""],
        announce: "192.0.2.1:2130",
        certificate: "/etc/rpc.crt",
        private_key: "k.key",
        idle_timeout: 0.5,
        handshake_timeout: 2,
        maximum_request_size: 4096,
        maximum_reply_backlog: 8192,
      },
      inData,
    );
    expect(c).toEqual({
      maximum_connections: 50,
      maximum_connections_per_ip: 4,
      listen: ["0.0.0.0:2130", "[::]:2130", ":2130"],
      announce: ["192.0.2.1:2130"],
      certificate: "/etc/rpc.crt",
      private_key: "/data/k.key",
      idle_timeout: 0.5,
      handshake_timeout: 2,
      maximum_request_size: 4096,
      maximum_reply_backlog: 8192,
    });
  });

  test.each([
    ["unknown key with a hint", { maximum_conections: 5 }, "client_rpc.maximum_conections: unknown key (did you mean maximum_connections?)"],
    ["unknown key far from any", { colour: 5 }, "client_rpc.colour: unknown key"],
    ["a key named like an Object.prototype member", { constructor: 5 }, "client_rpc.constructor: unknown key"],
    ["fingerprint is not a setting", { fingerprint: "00" }, "client_rpc.fingerprint: not a setting: the fingerprint is the SHA3-256 of client_rpc.certificate"],
    ["zero connections", { maximum_connections: 0 }, "client_rpc.maximum_connections: must be a positive integer"],
    ["fractional connections", { maximum_connections: 1.5 }, "client_rpc.maximum_connections: must be a positive integer"],
    ["listen not host:port", { listen: ["localhost:2130"] }, 'client_rpc.listen[0]: invalid listen address "localhost:2130" (IP:port or [IPv6]:port)'],
    ["listen v6 without brackets", { listen: ["::1:2130"] }, "client_rpc.listen[0]"],
    ["listen port too big", { listen: ["127.0.0.1:70000"] }, "client_rpc.listen[0]"],
    ["announce without listen", { announce: ["192.0.2.1:2130"] }, "client_rpc.announce: needs client_rpc.listen"],
    ["timeout zero", { idle_timeout: 0 }, "client_rpc.idle_timeout: must be a positive number of seconds"],
    ["not an object", [1], "client_rpc: must be an object"],
    ["certificate empty", { certificate: "" }, "client_rpc.certificate: must be a file name"],
  ])("%s", (_name, section, message) => {
    expect(() => parseClientRpc(section, inData)).toThrow(message);
  });
});

describe("https_rpc", () => {
  test("defaults: off, nothing allowed", () => {
    expect(parseHttpsRpc(undefined, inData)).toEqual({
      maximum_connections: 10,
      listen: [],
      certificate: "/data/rpc.crt",
      private_key: "/data/rpc.key",
      allow: { details: [], connections: [], peers: [] },
    });
  });

  test("allow lists: bare IPs, the bracketed [::1] form 8.2 drops, spaces trimmed", () => {
    const h = parseHttpsRpc({ listen: ["127.0.0.1:2131"], allow: { details: ["127.0.0.1", "[::1]"], connections: " ::1 ", peers: ["0:0:0:0:0:0:0:1"] } }, inData);
    expect(h.allow).toEqual({ details: ["127.0.0.1", "::1"], connections: ["::1"], peers: ["::1"] });
  });

  test.each([
    ["unknown allow name", { allow: { detail: [] } }, "https_rpc.allow.detail: unknown key (did you mean details?)"],
    ["allow entry not an IP", { allow: { peers: ["localhost"] } }, 'https_rpc.allow.peers[0]: not an IP address: "localhost"'],
    ["unknown key", { status_allow_ip: [] }, "https_rpc.status_allow_ip: unknown key"],
  ])("%s", (_name, section, message) => {
    expect(() => parseHttpsRpc(section, inData)).toThrow(message);
  });
});

test.each([
  ["127.0.0.1:2130", { host: "127.0.0.1", port: 2130 }],
  ["[::1]:0", { host: "::1", port: 0 }],
  [":2130", { host: "", port: 2130 }],
  ["[127.0.0.1]:1", undefined],
  ["1.2.3:4", undefined],
  ["host:1", undefined],
])("splitListen %s", (entry, expected) => {
  expect(splitListen(entry)).toEqual(expected);
});

test.each([
  ["127.0.0.1", "127.0.0.1"],
  ["[::1]", "::1"],
  ["2001:DB8:0:0::1", "2001:db8::1"],
  ["[not]", undefined],
])("allowEntry %s", (entry, expected) => {
  expect(allowEntry(entry)).toBe(expected);
});
