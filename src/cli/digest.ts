/**
 * `bunmark digest HEX [--impl native|js]`: the Argon2d block digest of the given bytes (normally a 100-byte
 * header), printed as one line of lowercase hex in storage order (the raw hash output, not bitmarkd's reversed
 * display form). Without --impl the process's selected backend is used.
 */
import { fromHex, toHex } from "../encoding/hex.ts";
import { backendByName, hash } from "../crypto/index.ts";
import { flag, has, parseArgs } from "./args.ts";

const USAGE = "usage: bunmark digest HEX [--impl native|js]";

export async function main(args: string[]): Promise<number> {
  const p = parseArgs(args, ["help"]);
  if (has(p, "help") || p.positional.length !== 1) {
    (has(p, "help") ? console.log : console.error)(USAGE);
    return has(p, "help") ? 0 : 2;
  }
  const impl = flag(p, "impl");
  if (impl !== undefined && impl !== "native" && impl !== "js") {
    console.error(`bunmark digest: unknown --impl ${JSON.stringify(impl)} (native or js)`);
    return 2;
  }
  const bytes = fromHex(p.positional[0]!);
  if (!bytes) {
    console.error("bunmark digest: HEX must be an even number of hex digits");
    return 1;
  }
  const backend = impl === undefined ? hash : backendByName(impl);
  if (!backend) {
    console.error("bunmark digest: the native addon is not available (build it with `make native`)");
    return 1;
  }
  console.log(toHex(backend.blockDigest(bytes)));
  return 0;
}
