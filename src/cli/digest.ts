/**
 * `bunmark digest HEX`: the Argon2d block digest of a 100-byte header, printed as one line of lowercase hex in
 * storage order (the raw hash output, not bitmarkd's reversed display form). `--raw` digests input of any length;
 * `--time` reports on stderr which implementation ran and how long it took.
 */
import { fromHex, toHex } from "../encoding/hex.ts";
import { activeBackend, activeBackendName, backendByName } from "../crypto/index.ts";
import { HEADER_SIZE } from "../chain/types/header.ts";
import { oneOf } from "../base/config-values.ts";
import { flag, has, parseOrHelp, UsageError, type CommandSpec } from "./args.ts";
import { CliError } from "./errors.ts";

export const spec: CommandSpec = {
  name: "digest",
  summary: "Argon2d block digest of a 100-byte header (storage order hex)",
  args: "HEX",
  flags: [
    { name: "impl", value: "NAME", default: "native when the addon loads, else js", help: "native (Rust addon) or js (TypeScript)" },
    { name: "raw", help: "digest input of any length, not only a 100-byte header" },
    { name: "time", help: "print the implementation and the time taken on stderr" },
  ],
  example: "bunmark digest 0100…(200 hex digits) --time",
};

export async function main(args: string[]): Promise<number> {
  const p = parseOrHelp(spec, args);
  if (p === 0) return 0;
  const [hexArg, extra] = p.positional;
  if (hexArg === undefined) throw new UsageError("missing HEX");
  if (extra !== undefined) throw new UsageError(`unexpected argument: ${JSON.stringify(extra)}`);
  const impl = flag(p, "impl") === undefined ? undefined : oneOf(flag(p, "impl"), "--impl", ["native", "js"] as const);
  const text = hexArg.trim().replace(/^0x/i, "");
  const bytes = fromHex(text);
  if (!bytes) {
    const message = text.length % 2 === 1 && /^[0-9a-fA-F]*$/.test(text) ? `HEX has an odd number of digits (${text.length})` : "HEX is not hex";
    throw new CliError({ code: "VALUE_INVALID", what: "HEX" }, message);
  }
  if (bytes.length !== HEADER_SIZE && !has(p, "raw")) {
    throw new CliError({ code: "VALUE_INVALID", what: "HEX" }, `HEX is ${bytes.length} bytes, a block header is ${HEADER_SIZE} (--raw digests any input)`);
  }
  const backend = impl === undefined ? activeBackend() : backendByName(impl);
  if (!backend) throw new CliError({ code: "NATIVE_UNAVAILABLE" }, "--impl native: the native addon is not available (build it with `make native`)");
  const t0 = performance.now();
  const digest = backend.blockDigest(bytes);
  const ms = performance.now() - t0;
  console.log(toHex(digest));
  if (has(p, "time")) console.error(`${impl ?? activeBackendName()}: ${ms.toFixed(1)} ms`);
  return 0;
}
