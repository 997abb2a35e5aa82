/**
 * The `proofing` configuration section (bitmarkd 8.2 proof/setup.go `Configuration`, docs/proof.md §5): pure
 * validation with 8.2's field names; `proofingOnChain` then resolves the key files against the data directory and
 * checks the payment addresses on the chain's network.
 *
 *   { "publish": ["127.0.0.1:2140"], "submit": ["127.0.0.1:2141"],
 *     "public_key": "proof.public", "private_key": "proof.private", "signing_key": "proof.sign",
 *     "payment_address": { "bitcoin": "msxN…", "litecoin": "mjPk…" } }
 *
 * Deviations: the key file defaults are the names that match (8.2 swaps public/private, quirk of §9.1); both
 * payment addresses are required and checked here (8.2 starts without one and panics at the first job);
 * unknown keys are refused with their path.
 */
import { didYouMean } from "../base/closest.ts";
import { Fault } from "../base/fault.ts";
import { ConfigError } from "../base/config-values.ts";
import { CURRENCY_BITCOIN, CURRENCY_LITECOIN, currencyFromText, validateAddress, type Currency, type CurrencyMap } from "../chain/types/currency.ts";

export interface ProofingConfig {
  publish: string[];
  submit: string[];
  /** as written in the section; absolute after `proofingOnChain` */
  public_key: string;
  private_key: string;
  signing_key: string;
  /** both present; valid on the chain's network after `proofingOnChain` */
  payment_address: { bitcoin: string; litecoin: string };
}

const FIELDS = ["publish", "submit", "public_key", "private_key", "signing_key", "payment_address"] as const;

function unknownKey(path: string, key: string, known: readonly string[]): ConfigError {
  return new ConfigError(`${path}.${key}: unknown key${didYouMean(key, known)}`);
}

function addresses(v: unknown, field: string): string[] {
  if (v === undefined) return [];
  const list = typeof v === "string" ? [v] : v;
  if (!Array.isArray(list) || !list.every((x) => typeof x === "string")) throw new ConfigError(`proofing.${field} must be a string or a list of IP:port strings`);
  return list.filter((x) => x !== "");
}

function file(v: unknown, field: string, def: string): string {
  const name = v === undefined ? def : v;
  if (typeof name !== "string" || name === "") throw new ConfigError(`proofing.${field} must be a file name`);
  return name;
}

/** BTC and LTC addresses by currency name; their network is checked by `proofingOnChain`. */
function payments(v: unknown): ProofingConfig["payment_address"] {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new ConfigError("proofing.payment_address must be an object naming a bitcoin and a litecoin address");
  }
  const out: CurrencyMap = new Map();
  for (const [name, address] of Object.entries(v)) {
    let c: Currency;
    try {
      c = currencyFromText(name);
    } catch {
      throw new ConfigError(`proofing.payment_address.${name}: currency is not supported by proofer`);
    }
    if (c !== CURRENCY_BITCOIN && c !== CURRENCY_LITECOIN) throw new ConfigError(`proofing.payment_address.${name}: currency is not supported by proofer`);
    if (typeof address !== "string") throw new ConfigError(`proofing.payment_address.${name} must be an address`);
    out.set(c, address);
  }
  const present = (c: Currency, name: string): string => {
    const address = out.get(c);
    if (address === undefined) throw new ConfigError(`proofing.payment_address.${name}: missing (a block foundation pays both currencies)`);
    return address;
  };
  return { bitcoin: present(CURRENCY_BITCOIN, "bitcoin"), litecoin: present(CURRENCY_LITECOIN, "litecoin") };
}

/** The foundation record's payments: BTC and LTC. */
export function paymentMap(c: ProofingConfig): CurrencyMap {
  return new Map([[CURRENCY_BITCOIN, c.payment_address.bitcoin], [CURRENCY_LITECOIN, c.payment_address.litecoin]]);
}

/**
 * The section as written, or undefined when absent (no proofer): every field checked but the payment addresses'
 * network, which depends on the chain (see `proofingOnChain`). Throws ConfigError naming the field.
 */
export function parseProofing(v: unknown): ProofingConfig | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new ConfigError("proofing must be an object");
  for (const key of Object.keys(v)) if (!(FIELDS as readonly string[]).includes(key)) throw unknownKey("proofing", key, FIELDS);
  const f = v as Record<string, unknown>;
  const publish = addresses(f.publish, "publish");
  const submit = addresses(f.submit, "submit");
  if (publish.length === 0 || submit.length === 0) throw new ConfigError("proofing.publish and proofing.submit need at least one IP:port each");
  return {
    publish,
    submit,
    public_key: file(f.public_key, "public_key", "proof.public"),
    private_key: file(f.private_key, "private_key", "proof.private"),
    signing_key: file(f.signing_key, "signing_key", "proof.sign"),
    payment_address: payments(f.payment_address),
  };
}

/** The section for `chain`: key files resolved with `resolveFile`, payment addresses checked on the chain's network. */
export function proofingOnChain(c: ProofingConfig, resolveFile: (name: string) => string, testnet: boolean): ProofingConfig {
  for (const [currency, name] of [[CURRENCY_BITCOIN, "bitcoin"], [CURRENCY_LITECOIN, "litecoin"]] as const) {
    try {
      validateAddress(currency, c.payment_address[name], testnet);
    } catch (e) {
      throw new ConfigError(`proofing.payment_address.${name}: ${e instanceof Fault ? e.text : String(e)}`);
    }
  }
  return { ...c, public_key: resolveFile(c.public_key), private_key: resolveFile(c.private_key), signing_key: resolveFile(c.signing_key) };
}
