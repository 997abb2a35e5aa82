/**
 * Load generator: N concurrent CURVE clients asking one node `I`, `N`, `H` and `B` for a fixed time, every
 * answer checked against the source chain the node is synchronising, and every latency recorded.
 *
 *   const stats = await runLoad({ address, serverKey, source, clients: 32, seconds: 5, rng });
 *   stats.wrong   // answers that contradict the source chain (must be empty)
 *   percentile(stats.latenciesMs, 0.99)
 *
 * A syncing node's height only grows, so a block at or below any height it has reported before a request
 * was sent must be served exactly; a block above it may be served (exactly) or be "block not found".
 */
import { blockNumberKey, readBlockNumberKey } from "../../../src/chain/types/header.ts";
import { bytesEqual } from "../../../src/encoding/hex.ts";
import { curveKeyPair } from "../../../src/transport/curve.ts";
import { RequestClient, RequestTimeoutError } from "../../../src/transport/request-client.ts";
import type { SourceChain } from "./chains.ts";
import type { Rng } from "./rng.ts";

export interface LoadRun {
  readonly address: string;
  readonly serverKey: Uint8Array;
  readonly source: SourceChain;
  readonly clients: number;
  readonly seconds: number;
  readonly rng: Rng;
  readonly timeoutMs?: number;
}

export interface LoadStats {
  requests: number;
  timeouts: number;
  wrong: string[];
  latenciesMs: number[];
  byCommand: Record<string, number>;
  /** lowest and highest height the node reported */
  firstHeight: number;
  lastHeight: number;
}

const te = new TextEncoder();
const td = new TextDecoder();

function same(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a !== undefined && b !== undefined && bytesEqual(a, b);
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

export async function runLoad(run: LoadRun): Promise<LoadStats> {
  const { source } = run;
  const stats: LoadStats = { requests: 0, timeouts: 0, wrong: [], latenciesMs: [], byCommand: {}, firstHeight: Infinity, lastHeight: 0 };
  /** the highest height any reply has shown: every block up to it is stored */
  let acknowledged = 1;
  const chain = te.encode("local");
  const deadline = performance.now() + run.seconds * 1000;

  /** A reported height: within the source chain and never below one reported before the request. */
  const height = (h: number, known: number, what: string): string | undefined => {
    if (!Number.isSafeInteger(h) || h < 1 || h > source.height) return `${what}: height ${h} outside 1…${source.height}`;
    if (h < known) return `${what}: height ${h} below the acknowledged ${known}`;
    stats.firstHeight = Math.min(stats.firstHeight, h);
    stats.lastHeight = Math.max(stats.lastHeight, h);
    acknowledged = Math.max(acknowledged, h);
    return undefined;
  };

  /** What is wrong with `reply` to `command` (n: the block asked for), given what was known when it was sent. */
  const check = (command: string, n: number, known: number, reply: Uint8Array[]): string | undefined => {
    const head = td.decode(reply[0] ?? new Uint8Array());
    const error = head === "E" && reply.length === 2 ? td.decode(reply[1]) : undefined;
    switch (command) {
      case "I": {
        if (head !== "I" || reply.length !== 2) return `I: ${head}`;
        const i = JSON.parse(td.decode(reply[1])) as { version: string; chain: string; normal: boolean; height: number };
        if (i.version !== "8.2" || i.chain !== "local" || typeof i.normal !== "boolean") return `I: ${td.decode(reply[1])}`;
        return height(i.height, known, "I");
      }
      case "N":
        if (head !== "N" || reply.length !== 2 || reply[1]!.length !== 8) return `N: ${head}`;
        return height(readBlockNumberKey(reply[1]!), known, "N");
      case "H":
      case "B": {
        const expected = command === "H" ? source.digests[Math.max(1, n)] : n >= 2 ? source.blocks[n] : undefined;
        if (head === command && reply.length === 2) return same(reply[1], expected) ? undefined : `${command} ${n}: not the source's`;
        if (error === "block not found") {
          const mustHave = expected !== undefined && (n <= known || (command === "H" && n <= 1));
          return mustHave ? `${command} ${n}: "block not found" although height ${known} was acknowledged` : undefined;
        }
        return `${command} ${n}: unexpected reply ${head} ${error ?? ""}`;
      }
    }
    return `unknown command ${command}`;
  };

  const worker = async (id: number) => {
    const rng = run.rng.fork(`load-${id}`);
    const client = new RequestClient(curveKeyPair());
    client.connect(run.address, run.serverKey);
    try {
      while (performance.now() < deadline) {
        const command = rng.weighted([[1, "I"], [1, "N"], [3, "H"], [3, "B"]] as const);
        const n = rng.chance(0.1) ? source.height + 1 + rng.below(100) : rng.below(source.height + 1);
        const frames = command === "I" || command === "N" ? [chain, te.encode(command)] : [chain, te.encode(command), blockNumberKey(n)];
        const known = acknowledged;
        const sent = performance.now();
        let reply: Uint8Array[];
        try {
          reply = await client.request(frames, run.timeoutMs ?? 10_000);
        } catch (e) {
          if (!(e instanceof RequestTimeoutError)) throw e;
          stats.timeouts++;
          client.reconnect();
          continue;
        }
        stats.latenciesMs.push(performance.now() - sent);
        stats.requests++;
        stats.byCommand[command] = (stats.byCommand[command] ?? 0) + 1;
        const problem = check(command, n, known, reply);
        if (problem) stats.wrong.push(problem);
      }
    } finally {
      client.close();
    }
  };
  await Promise.all(Array.from({ length: run.clients }, (_, i) => worker(i)));
  return stats;
}
