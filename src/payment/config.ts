/**
 * The `payment` configuration section (payment/setup.go `Configuration`, docs/proof.md §5), validated as a pure
 * function: every field type-checked, unknown keys refused with their path, 8.2's default filled in
 * (`use_discovery` false).
 *
 *   payment: { use_discovery: true, discovery: { sub_endpoint: "127.0.0.1:5566", req_endpoint: "127.0.0.1:5567" } }
 *   payment: { use_discovery: false, bitcoin: { url: "http://127.0.0.1:18332/rest" }, litecoin: { url: "…" } }
 *
 * Deviations: 8.2 dereferences a missing `discovery` (with use_discovery) or `bitcoin`/`litecoin` (without)
 * and crashes at start-up; bunmark names the missing field. Without a `payment` section at all 8.2 crashes
 * the same way; bunmark starts without a payment watcher (transfers then stay pending, as with an absent
 * proxy, docs/proof.md §4.2) and says so in the log. Endpoints must be IP literals with a port (8.2 fails on
 * anything else at start too); URLs must be http or https.
 */
import { tcpEndpoint } from "../transport/endpoint.ts";
import { didYouMean } from "../base/closest.ts";
import { ConfigError } from "../base/config-values.ts";

export interface PaymentConfig {
  use_discovery: boolean;
  /** Present when use_discovery is true. */
  discovery?: { sub_endpoint: string; req_endpoint: string };
  /** REST base URLs; both present when use_discovery is false. */
  bitcoin?: { url: string };
  litecoin?: { url: string };
}

type Obj = Record<string, unknown>;

/** `path` must be an object with only `keys`. */
function object(v: unknown, path: string, keys: readonly string[]): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new ConfigError(`${path}: must be an object`);
  for (const k of Object.keys(v)) {
    if (keys.includes(k)) continue;
    throw new ConfigError(`${path}.${k}: unknown key${didYouMean(k, keys)}`);
  }
  return v as Obj;
}

function endpoint(v: unknown, path: string): string {
  if (typeof v !== "string" || v === "") throw new ConfigError(`${path}: must be IP:port`);
  try {
    tcpEndpoint(v);
  } catch (e) {
    throw new ConfigError(`${path}: ${(e as Error).message}: ${JSON.stringify(v)} (expect IP4:port or [IP6]:port)`);
  }
  return v;
}

function url(v: unknown, path: string): string {
  let parsed: URL | undefined;
  try {
    parsed = typeof v === "string" ? new URL(v) : undefined;
  } catch {
    // reported below
  }
  if (parsed === undefined || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
    throw new ConfigError(`${path}: must be an http(s) URL of the node's REST interface, e.g. http://127.0.0.1:18332/rest`);
  }
  return v as string;
}

function currency(v: unknown, path: string): { url: string } | undefined {
  if (v === undefined) return undefined;
  const o = object(v, path, ["url"]);
  return { url: url(o.url, `${path}.url`) };
}

/** The `payment` section, or undefined when the configuration has none. Throws ConfigError. */
export function parsePaymentConfig(v: unknown): PaymentConfig | undefined {
  if (v === undefined) return undefined;
  const o = object(v, "payment", ["use_discovery", "discovery", "bitcoin", "litecoin"]);
  if (o.use_discovery !== undefined && typeof o.use_discovery !== "boolean") throw new ConfigError("payment.use_discovery: must be true or false");
  const config: PaymentConfig = { use_discovery: o.use_discovery === true };
  if (o.discovery !== undefined) {
    const d = object(o.discovery, "payment.discovery", ["sub_endpoint", "req_endpoint"]);
    config.discovery = {
      sub_endpoint: endpoint(d.sub_endpoint, "payment.discovery.sub_endpoint"),
      req_endpoint: endpoint(d.req_endpoint, "payment.discovery.req_endpoint"),
    };
  }
  const bitcoin = currency(o.bitcoin, "payment.bitcoin");
  const litecoin = currency(o.litecoin, "payment.litecoin");
  if (bitcoin) config.bitcoin = bitcoin;
  if (litecoin) config.litecoin = litecoin;
  if (config.use_discovery && !config.discovery) throw new ConfigError("payment.discovery: required when use_discovery is true");
  if (!config.use_discovery) {
    if (!bitcoin) throw new ConfigError("payment.bitcoin.url: required when use_discovery is false");
    if (!litecoin) throw new ConfigError("payment.litecoin.url: required when use_discovery is false");
  }
  return config;
}
