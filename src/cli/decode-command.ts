/**
 * What `bunmark block decode` and `bunmark tx decode` share: the arguments `decode HEX [--chain NAME]` (default
 * chain `testing`, a leading `0x` allowed), usage on --help (exit 0) or a wrong shape (exit 2), an unknown chain
 * (exit 2), input that is not hex (exit 1 with the command's bitmarkd error text), and the JSON printout. A Fault
 * thrown by `decode` reaches src/main.ts, which prints its text and exits 1.
 */
import { isChainName, type ChainName } from "../chain/types/chains.ts";
import { fromHex } from "../encoding/hex.ts";
import { stringifyJSON, type JsonValue } from "../chain/types/records/index.ts";
import { flag, has, parseArgs } from "./args.ts";

export interface DecodeCommand {
  readonly name: string;
  /** printed after `bunmark NAME: ` when HEX is not hex */
  readonly notHex: string;
  decode(bytes: Uint8Array, chain: ChainName): JsonValue;
}

export function runDecodeCommand(command: DecodeCommand, args: string[]): number {
  const p = parseArgs(args, ["help"]);
  if (has(p, "help") || p.positional[0] !== "decode" || p.positional.length !== 2) {
    const usage = `usage: bunmark ${command.name} decode HEX [--chain testing|bitmark|local]   (default chain: testing)`;
    (has(p, "help") ? console.log : console.error)(usage);
    return has(p, "help") ? 0 : 2;
  }
  const chain = flag(p, "chain") ?? "testing";
  if (!isChainName(chain)) {
    console.error(`bunmark ${command.name}: unknown chain ${JSON.stringify(chain)} (testing, bitmark or local)`);
    return 2;
  }
  const bytes = fromHex(p.positional[1]!.trim().replace(/^0x/i, ""));
  if (bytes === undefined) {
    console.error(`bunmark ${command.name}: ${command.notHex}`);
    return 1;
  }
  console.log(stringifyJSON(command.decode(bytes, chain), 2));
  return 0;
}
