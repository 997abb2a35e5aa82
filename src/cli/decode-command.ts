/**
 * What `bunmark block decode` and `bunmark tx decode` share: the arguments `decode HEX [--chain NAME]` (default
 * chain `local`, as for `run`; a leading `0x` allowed), `--help` from the flag table, input that is not hex (exit 1
 * with the command's bitmarkd error text, or the reason: odd length, the first bad character), and the JSON
 * printout. A Fault thrown by `decode` reaches src/main.ts, which prints its text and exits 1. A decoded item may
 * still break a rule that can be checked alone (`problems`): printed after the JSON, exit 1 unless `--lenient`.
 */
import { CHAINS, type ChainName } from "../chain/types/chains.ts";
import { fromHex } from "../encoding/hex.ts";
import { stringifyJSON, type JsonValue } from "../chain/types/records/index.ts";
import { oneOf } from "../base/config-values.ts";
import { flag, has, parseOrHelp, UsageError, type CommandSpec, type FlagSpec } from "./args.ts";

export interface DecodeCommand {
  readonly spec: CommandSpec;
  /** printed after `bunmark NAME: ` when HEX is not hex */
  readonly notHex: string;
  decode(bytes: Uint8Array, chain: ChainName): { json: JsonValue; problems?: string[] };
}

export const CHAIN_FLAG: FlagSpec = { name: "chain", value: "NAME", default: "local", help: "network the accounts belong to: bitmark (live), testing or local" };

/** Why `text` is not hex, or undefined when it is. */
function hexProblem(text: string): string | undefined {
  const bad = /[^0-9a-fA-F]/.exec(text);
  if (bad) return `character ${JSON.stringify(bad[0])} at position ${bad.index + 1} is not a hex digit`;
  return text.length % 2 === 1 ? `odd number of hex digits (${text.length})` : undefined;
}

export function runDecodeCommand(command: DecodeCommand, args: string[]): number {
  const p = parseOrHelp(command.spec, args);
  if (p === 0) return 0;
  const [verb, hexText, ...extra] = p.positional;
  if (verb !== "decode") throw new UsageError(verb === undefined ? "missing sub-command: decode" : `${verb}: unknown sub-command (decode)`);
  if (hexText === undefined) throw new UsageError("missing HEX");
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${JSON.stringify(extra[0])}`);
  const chain = oneOf(flag(p, "chain") ?? "local", "--chain", CHAINS);
  const text = hexText.trim().replace(/^0x/i, "");
  const problem = hexProblem(text);
  if (problem !== undefined) {
    console.error(`bunmark ${command.spec.name.split(" ")[0]}: ${command.notHex}: ${problem}`);
    return 1;
  }
  const { json, problems = [] } = command.decode(fromHex(text)!, chain);
  console.log(stringifyJSON(json, 2));
  for (const m of problems) console.error(`bunmark ${command.spec.name.split(" ")[0]}: ${m}`);
  return problems.length > 0 && !has(p, "lenient") ? 1 : 0;
}
