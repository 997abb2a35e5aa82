/**
 * Flag tables of `bunmark bench` and its benchmarks (src/cli/args.ts): the parser and `--help` of each module
 * read them, and `bench.ts` lists them without loading the modules. The `internal` flags are how a benchmark
 * runs its own child processes (a node, a load generator); they are documented so nothing is hidden.
 */
import type { CommandSpec, FlagSpec } from "../cli/args.ts";

const JSON_FLAG: FlagSpec = { name: "json", help: "one JSON object on stdout instead of a table" };

export const BENCH_SPECS = {
  crypto: {
    name: "bench crypto",
    summary: "Argon2d block digest (128 MiB, t=4): bunmark's Rust addon (single, batches of 2 and 4) against its TypeScript twin",
    flags: [
      JSON_FLAG,
      { name: "runs", value: "N", default: "5", help: "measured rounds after a warm-up (at least 1)" },
      { name: "quick", help: "one measured round, TypeScript once (under 30 s)" },
    ],
    example: "bunmark bench crypto --quick",
  },
  chain: {
    name: "bench chain",
    summary: "StoreIncoming of generated local blocks, native and TypeScript digests",
    flags: [
      JSON_FLAG,
      { name: "blocks", value: "N", default: "500", help: "blocks generated and stored" },
      { name: "ts-blocks", value: "M", default: "8", help: "blocks measured with TypeScript digests" },
      { name: "cache", value: "DIR", default: "$TMPDIR/bunmark-bench-chain-N", help: "where the generated chain is kept between runs" },
    ],
    example: "bunmark bench chain --blocks 200",
  },
  wire: {
    name: "bench wire",
    summary: "peer requests per second and latency against a local bunmark node over CURVE",
    flags: [
      JSON_FLAG,
      { name: "quick", help: "one short run without blocks (a smoke test)" },
      { name: "runs", value: "N", default: "3 (quick: 1)", help: "measured runs" },
      { name: "seconds", value: "S", default: "3", help: "length of each measured run" },
      { name: "blocks", value: "N", default: "20 (quick: 0)", help: "blocks in the served chain" },
      { name: "node-data", value: "DIR", help: "internal: run as the benchmark's node process" },
      { name: "node-listen", value: "HOST:PORT", help: "internal: the node process's listener" },
      { name: "load", value: "JSON", help: "internal: run as a load-generator process" },
    ],
    example: "bunmark bench wire --quick",
  },
  sync: {
    name: "bench sync",
    summary: "a node syncing from a serving node: parallel batch verification against one block at a time",
    flags: [
      JSON_FLAG,
      { name: "blocks", value: "N", default: "200", help: "blocks to sync" },
      { name: "cache", value: "DIR", default: "$TMPDIR/bunmark-bench-sync-N", help: "where the generated chain is kept between runs" },
      { name: "fresh", help: "instead: a fresh node with three upstreams on a 6-block chain, start → Normal (median of 5)" },
      { name: "push", help: "instead: a block pushed to a node in Normal, receipt → `N` answering the new height (median, max)" },
      { name: "serve", value: "DIR", help: "internal: run as the serving node" },
      { name: "client", value: "MODE", help: "internal: run as the syncing client (parallel or sequential)" },
      { name: "peer", value: "HOST:PORT", help: "internal: the serving node's address" },
      { name: "key", value: "HEX", help: "internal: the serving node's public key" },
    ],
    example: "bunmark bench sync --blocks 100",
  },
  rpc: {
    name: "bench rpc",
    summary: "client RPC requests per second, p50/p99 and server CPU per request over 1 and 8 TLS connections (python3 load generator)",
    flags: [
      JSON_FLAG,
      { name: "quick", help: "2 s runs instead of 5" },
      { name: "method", value: "NAME", default: "Node.Info", help: "the method called" },
      { name: "argument", value: "JSON", default: "{}", help: "its argument (params[0])" },
      { name: "seconds", value: "S", default: "5 (quick: 2)", help: "length of each measured run" },
      { name: "warmup", value: "S", default: "1", help: "seconds of load before measuring" },
      { name: "connections", value: "LIST", default: "1,8", help: "persistent connections per run, comma-separated" },
      { name: "chain-from", value: "DIR", default: "a fresh chain", help: "serve a copy of DIR/local.lmdb (a `chain generate --data` or `bench rpc-ownership --cache` directory)" },
    ],
    example: "bunmark bench rpc --method Node.List --quick",
  },
  "rpc-ownership": {
    name: "bench rpc-ownership",
    summary: "Owner.Bitmarks pages of 200 and Bitmark.Provenance of a 200-step chain, in-process, on a generated chain",
    flags: [
      JSON_FLAG,
      { name: "bitmarks", value: "N", default: "10000", help: "bitmarks of the one owner" },
      { name: "steps", value: "S", default: "200", help: "transfers in the provenance chain" },
      { name: "runs", value: "R", default: "20", help: "timed calls of each method" },
      { name: "cache", value: "DIR", default: "$TMPDIR/bunmark-bench-rpc-ownership-N-S", help: "where the generated chain is kept between runs" },
    ],
    example: "bunmark bench rpc-ownership --runs 40",
  },
  mine: {
    name: "bench mine",
    summary: "mining speed: block digests per second for 1..N threads, native addon against the TypeScript twin",
    flags: [
      JSON_FLAG,
      { name: "threads", value: "N", default: "every core", help: "largest thread count measured" },
      { name: "seconds", value: "S", default: "10", help: "least time per row" },
      { name: "quick", help: "3 s per row (a smoke test)" },
    ],
    example: "bunmark bench mine --seconds 5",
  },
} satisfies Record<string, CommandSpec>;

export const BENCH_SPEC: CommandSpec = {
  name: "bench",
  summary: "measure this machine: reports only (goals for development machines are checked by `make bench`)",
  args: `${Object.keys(BENCH_SPECS).join("|")}|all`,
  flags: [JSON_FLAG, { name: "quick", help: "the short profile of each benchmark that has one" }],
  example: "bunmark bench all --quick",
  notes: () =>
    ["benchmarks (each has --help):", ...Object.values(BENCH_SPECS).map((s) => `  ${s.name.slice(6).padEnd(8)}${s.summary}`), "", "Each prints the load average at start and warns above 0.5 per core: figures from a busy machine mislead."].join("\n"),
};
