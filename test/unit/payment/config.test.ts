/** The `payment` section: 8.2's names, defaults, required fields, unknown keys with their path; and its hook in buildConfig. */
import { describe, expect, test } from "bun:test";
import { buildConfig, ConfigError } from "../../../src/node/config.ts";
import { parsePaymentConfig } from "../../../src/payment/config.ts";

const discovery = { sub_endpoint: "127.0.0.1:5566", req_endpoint: "[::1]:5567" };
const rest = { bitcoin: { url: "http://127.0.0.1:18332/rest" }, litecoin: { url: "https://127.0.0.1:9332/rest" } };

describe("parsePaymentConfig", () => {
  test("absent → no watcher", () => expect(parsePaymentConfig(undefined)).toBeUndefined());
  test("discovery", () => expect(parsePaymentConfig({ use_discovery: true, discovery })).toEqual({ use_discovery: true, discovery }));
  test("REST is the default (use_discovery false)", () => expect(parsePaymentConfig(rest)).toEqual({ use_discovery: false, ...rest }));
  test("both given: kept", () => expect(parsePaymentConfig({ use_discovery: true, discovery, ...rest })).toEqual({ use_discovery: true, discovery, ...rest }));

  const errors: [string, unknown, string][] = [
    ["not an object", [], "payment: must be an object"],
    ["use_discovery a string", { use_discovery: "yes", discovery }, "payment.use_discovery: must be true or false"],
    ["discovery missing", { use_discovery: true }, "payment.discovery: required when use_discovery is true"],
    ["bitcoin missing", { litecoin: rest.litecoin }, "payment.bitcoin.url: required when use_discovery is false"],
    ["litecoin missing", { bitcoin: rest.bitcoin }, "payment.litecoin.url: required when use_discovery is false"],
    ["unknown top key, close", { use_discovry: true }, "payment.use_discovry: unknown key (did you mean use_discovery?)"],
    ["unknown nested key, close", { use_discovery: true, discovery: { ...discovery, req_endpiont: "x" } }, "payment.discovery.req_endpiont: unknown key (did you mean req_endpoint?)"],
    ["unknown key, far", { ...rest, bitcoin: { url: rest.bitcoin.url, user: "u" } }, "payment.bitcoin.user: unknown key"],
    ["endpoint a hostname", { use_discovery: true, discovery: { ...discovery, sub_endpoint: "localhost:5566" } }, 'payment.discovery.sub_endpoint: invalid IP Address: "localhost:5566" (expect IP4:port or [IP6]:port)'],
    ["endpoint without port", { use_discovery: true, discovery: { ...discovery, req_endpoint: "127.0.0.1" } }, "payment.discovery.req_endpoint: invalid IP Address"],
    ["endpoint missing", { use_discovery: true, discovery: { sub_endpoint: "127.0.0.1:1" } }, "payment.discovery.req_endpoint: must be IP:port"],
    ["url not http", { ...rest, litecoin: { url: "ftp://x/rest" } }, "payment.litecoin.url: must be an http(s) URL"],
    ["url not a URL", { ...rest, bitcoin: { url: "127.0.0.1:18332" } }, "payment.bitcoin.url: must be an http(s) URL"],
    ["currency a string", { ...rest, bitcoin: "http://x" }, "payment.bitcoin: must be an object"],
  ];
  for (const [name, v, message] of errors) test(name, () => expect(() => parsePaymentConfig(v)).toThrow(message));
});

describe("buildConfig hook", () => {
  const flags = { listen: [], connect: [], announce: [] };
  test("the section reaches NodeConfig", () => {
    expect(buildConfig({ payment: { use_discovery: true, discovery } }, flags, "/tmp").payment).toEqual({ use_discovery: true, discovery });
    expect(buildConfig({}, flags, "/tmp").payment).toBeUndefined();
  });
  test("errors are ConfigErrors with the key path", () => {
    expect(() => buildConfig({ payment: { bitcoin: { url: "x" } } }, flags, "/tmp")).toThrow(ConfigError);
    expect(() => buildConfig({ payment: { bitcoin: { url: "x" } } }, flags, "/tmp")).toThrow("payment.bitcoin.url");
  });
});
