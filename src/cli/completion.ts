/**
 * `bunmark completion bash`: a bash completion script made from the command table and each command's flag
 * table (so it completes exactly what the parsers accept). Install: `bunmark completion bash >
 * /etc/bash_completion.d/bunmark`, or `source <(bunmark completion bash)`. bunmark's own.
 */
import { COMMANDS } from "./commands.ts";
import { parseOrHelp, UsageError, type CommandSpec } from "./args.ts";

export const spec: CommandSpec = {
  name: "completion",
  summary: "print a shell completion script",
  args: "bash",
  flags: [],
  example: "source <(bunmark completion bash)",
};

/** Every spec of every command, loaded (completion is the one place that needs them all). */
async function allSpecs(): Promise<CommandSpec[]> {
  const out: CommandSpec[] = [];
  for (const c of Object.values(COMMANDS)) {
    const m = await c.load();
    out.push(...(m.specs ?? (m.spec ? [m.spec] : [])));
  }
  return out;
}

export async function main(args: string[]): Promise<number> {
  const p = parseOrHelp(spec, args);
  if (p === 0) return 0;
  if (p.positional[0] !== "bash" || p.positional.length !== 1) throw new UsageError("only bash is supported: bunmark completion bash");
  const specs = await allSpecs();
  const cases = Object.keys(COMMANDS).map((name) => {
    const mine = specs.filter((s) => s.name === name || s.name.startsWith(`${name} `));
    const subs = mine.map((s) => s.name.split(" ")[1]).filter((x): x is string => x !== undefined);
    const flags = [...new Set(mine.flatMap((s) => s.flags.map((f) => `--${f.name}`)).concat("--help"))];
    return `    ${name}) words="${[...subs, ...flags].join(" ")}" ;;`;
  });
  console.log(`# bash completion for bunmark (bunmark completion bash)
_bunmark() {
  local cur=\${COMP_WORDS[COMP_CWORD]} words
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${Object.keys(COMMANDS).join(" ")} --help --version" -- "$cur"))
    return
  fi
  case "\${COMP_WORDS[1]}" in
${cases.join("\n")}
    *) words="" ;;
  esac
  case "\${COMP_WORDS[COMP_CWORD-1]}" in
    --config|--log-file|--data) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _bunmark bunmark`);
  return 0;
}
