/**
 * `bunmark testnet --nodes 3` as a child process for the tests: its stdout lines, each node's latest status line,
 * and waits that fail with the last lines (and stderr) when the network does not get there in time.
 */
import { lines } from "../../src/bench/shared.ts";
import { CLI } from "./paths.ts";

export interface RunningTestnet {
  readonly proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  /** every stdout line so far */
  readonly seen: string[];
  /** `node-K` → its latest `node-K  height …` line */
  readonly latest: Map<string, string>;
  /** resolves when stdout has ended */
  readonly reading: Promise<void>;
  waitFor(what: string, cond: () => boolean, ms: number): Promise<void>;
  /** the block digests of nodes 1..3 at `height`, from their latest status lines (undefined where not there yet) */
  digestsAt(height: number): (string | undefined)[];
}

export function startTestnet(dir: string): RunningTestnet {
  const proc = Bun.spawn([process.execPath, CLI, "testnet", "--nodes", "3", "--dir", dir, "--every", "1"], { stdout: "pipe", stderr: "pipe" });
  const seen: string[] = [];
  const latest = new Map<string, string>();
  const reading = (async () => {
    for await (const line of lines(proc.stdout)) {
      seen.push(line);
      const m = /^(node-\d+)  height /.exec(line);
      if (m) latest.set(m[1]!, line);
    }
  })();
  return {
    proc,
    seen,
    latest,
    reading,
    async waitFor(what, cond, ms) {
      const end = Date.now() + ms;
      while (!cond()) {
        if (Date.now() > end || proc.exitCode !== null) throw new Error(`${what} not seen within ${ms} ms:\n${seen.slice(-20).join("\n")}\n${await new Response(proc.stderr).text()}`);
        await Bun.sleep(100);
      }
    },
    digestsAt: (height) => [1, 2, 3].map((k) => new RegExp(` height ${height} {2}Normal {2}digest ([0-9a-f]{64})$`).exec(latest.get(`node-${k}`) ?? "")?.[1]),
  };
}
