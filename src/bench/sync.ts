/**
 * `bunmark bench sync [--json] [--blocks N] [--cache DIR]`: blocks per second of a synchronisation of N
 * generated blocks (chain `local`, default 200) between two nodes over CURVE on loopback, (i) verifying one
 * block at a time as bitmarkd does, (ii) with parallel batch verification; peak RSS of each. Goal: (ii) ≥ 1.8 × (i).
 *
 * `--fresh` / `--push`: see sync-start.ts.
 *
 * Each role runs in its own process (same executable): the serving node (`--serve DIR`: the listener over the
 * generated chain) and one syncing node per mode (`--client MODE`: a connector into a fresh store, which
 * prints one JSON line), so RSS figures are per mode and LMDB stays one environment per process. The chain is
 * generated once (N Argon2 digests) and kept in the cache directory for later runs.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { generateChain } from "../testnet/generate.ts";
import { openStore } from "../chain/store/store.ts";
import { activeBackend, activeBackendName } from "../crypto/index.ts";
import { setLogLevel } from "../base/log.ts";
import { connectorConfig } from "../peer/sync/constants.ts";
import { Connector } from "../peer/sync/connector.ts";
import { PeerListener } from "../peer/listener/server.ts";
import { ModeState } from "../base/mode.ts";
import { SyncProgress } from "../peer/sync/progress.ts";
import { VERSION } from "../base/version.ts";
import { curveKeyPair } from "../transport/curve.ts";
import { shutdown } from "../transport/context.ts";
import { flag, has, intFlag, noExtraArgs, parseOrHelp } from "../cli/args.ts";
import { reportLoad } from "./load.ts";
import { BENCH_SPECS } from "./specs.ts";
import { cliCommand, lines } from "./shared.ts";
import { node as freshNode, orchestrate as orchestrateStart } from "./sync-start.ts";
import { BenchError } from "./errors.ts";

const SEED = "bench-sync";
const MODES = ["sequential", "parallel"] as const;
type SyncMode = (typeof MODES)[number];

interface RunResult {
  mode: SyncMode;
  blocks: number;
  seconds: number;
  blocksPerSecond: number;
  peakRssMiB: number;
}

const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** Reads the first line of a child's stdout. */
async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  for await (const line of lines(stream)) return line;
  throw new BenchError({ code: "CHILD_FAILED", what: "child" }, "child ended without output");
}

/** The generated chain in `dir` (made once: N Argon2 digests). */
async function ensureChain(dir: string, blocks: number, say: (s: string) => void): Promise<void> {
  const store = openStore(dir, "local");
  try {
    if (store.height() === blocks + 1) return;
    if (store.height() !== 1) throw new BenchError({ code: "CACHE_OTHER_CHAIN", dir, height: store.height() }, `${dir} holds another chain (height ${store.height()}); use a fresh --cache`);
    say(`generating ${blocks} blocks in ${dir} (once)…`);
    await generateChain(store, { blocks, seed: SEED, onBlock: (n) => n % 20 === 0 && say(` ${n}`) });
    say("\n");
  } finally {
    await store.close();
  }
}

/** `--serve DIR`: answer peers from the chain in DIR until stdin closes; prints `ready ENDPOINT KEYHEX`. */
async function serve(dir: string): Promise<number> {
  const store = openStore(dir, "local");
  const keys = curveKeyPair();
  const other = { publicKey: new Uint8Array(32).fill(7), listeners: new Uint8Array(), timestamp: Date.now() };
  const listener = PeerListener.open({
    listen: ["127.0.0.1:0"],
    keys,
    context: {
      chain: "local",
      version: VERSION,
      isNormal: () => true,
      height: () => store.height(),
      getBlock: (n) => store.getBlock(n),
      digestForBlock: (n) => store.digestForBlock(n),
      announce: { addPeer: () => false, randomPeer: () => other },
      push: () => {},
    },
  });
  const [endpoint] = listener.endpoints;
  if (endpoint === undefined) throw new BenchError({ code: "CHILD_NOT_READY", what: "serving listener" }, "the serving listener bound no address");
  console.log(`ready ${endpoint.replace("tcp://", "")} ${Buffer.from(keys.publicKey).toString("hex")}`);
  for await (const _ of Bun.stdin.stream()) {
    // run until the parent closes our stdin
  }
  listener.close();
  await store.close();
  await shutdown();
  return 0;
}

/**
 * Peak RSS of this process in MiB. VmHWM, not getrusage's maxRSS: Linux carries the parent's peak into a spawned
 * child's maxRSS at exec, so under `bench all` every client reported the bench process's own peak.
 */
function peakRssMiB(): number {
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
  return Number(m ? m[1] : process.resourceUsage().maxRSS) / 1024;
}

/** `--client MODE --peer ADDRESS --key HEX --blocks N`: one synchronisation; prints a RunResult as JSON. */
async function client(mode: SyncMode, address: string, keyHex: string, blocks: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "bunmark-bench-sync-"));
  const store = openStore(dir, "local");
  const connector = new Connector({
    chain: "local",
    config: connectorConfig({
      cycleMs: 3_600_000, // cycles are run by hand below
      events: false,
      upstreamPollMs: 100,
      minimumClients: 1,
      dynamicClients: 1,
      blocksPerCycle: blocks,
      parallelVerify: mode === "parallel",
    }),
    keys: curveKeyPair(),
    listeners: () => new Uint8Array(),
    statics: [{ publicKey: new Uint8Array(Buffer.from(keyHex, "hex")), address }],
    store,
    hash: activeBackend(),
    mode: new ModeState(),
    progress: new SyncProgress({ tty: false, log: quiet }),
  });
  try {
    connector.start();
    while (!connector.status().upstreams.some((u) => u.registered && u.height === blocks + 1)) await Bun.sleep(20);
    await connector.runCycle(); // Connecting → HighestBlock
    const t0 = performance.now();
    await connector.runCycle(); // vote, fetch, verify, store
    const seconds = (performance.now() - t0) / 1000;
    if (store.height() !== blocks + 1) throw new BenchError({ code: "SYNC_HEIGHT", height: store.height(), expected: blocks + 1 }, `synchronised to ${store.height()} instead of ${blocks + 1}`);
    const result: RunResult = {
      mode,
      blocks,
      seconds,
      blocksPerSecond: blocks / seconds,
      peakRssMiB: peakRssMiB(),
    };
    console.log(JSON.stringify(result));
    return 0;
  } finally {
    await connector.stop();
    await store.close();
    await shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function orchestrate(blocks: number, cache: string, json: boolean): Promise<number> {
  const load = reportLoad("sync");
  const say = (s: string) => json || process.stderr.write(s);
  await ensureChain(cache, blocks, say);
  const server = Bun.spawn([...cliCommand(), "bench", "sync", "--serve", cache], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
  const results: RunResult[] = [];
  try {
    const [ready, address, key] = (await firstLine(server.stdout)).split(" ");
    if (ready !== "ready" || !address || !key) throw new BenchError({ code: "CHILD_NOT_READY", what: "serving node" }, "serving node did not start");
    for (const mode of MODES) {
      say(`syncing ${blocks} blocks, ${mode}…\n`);
      const c = Bun.spawn([...cliCommand(), "bench", "sync", "--client", mode, "--peer", address, "--key", key, "--blocks", String(blocks)], {
        stdout: "pipe",
        stderr: "inherit",
      });
      results.push(JSON.parse(await firstLine(c.stdout)) as RunResult);
      if ((await c.exited) !== 0) throw new BenchError({ code: "CHILD_FAILED", what: `${mode} run` }, `${mode} run failed`);
    }
  } finally {
    server.stdin.end();
    await server.exited;
  }
  const [seq, par] = results as [RunResult, RunResult];
  const speedup = par.blocksPerSecond / seq.blocksPerSecond;
  const machine = { cpu: cpus()[0]?.model ?? "unknown", cores: availableParallelism(), bun: Bun.version, platform: `${process.platform}-${process.arch}` };
  if (json) {
    console.log(JSON.stringify({ bench: "sync", machine, digest: activeBackendName(), blocks, runs: results, speedup, load }));
  } else {
    console.log(`bench sync: ${blocks} generated blocks (chain local) between two nodes over CURVE on loopback`);
    console.log(`digest backend ${activeBackendName()}; ${machine.cpu} (${machine.cores} cores), bun ${machine.bun}`);
    console.log("");
    console.log(`${"verification".padEnd(14)}${"seconds".padStart(9)}${"blocks/s".padStart(10)}${"peak RSS".padStart(12)}`);
    for (const r of results) {
      console.log(`${r.mode.padEnd(14)}${r.seconds.toFixed(1).padStart(9)}${r.blocksPerSecond.toFixed(2).padStart(10)}${`${r.peakRssMiB.toFixed(0)} MiB`.padStart(12)}`);
    }
    console.log("");
    console.log(`  parallel verification: ${speedup.toFixed(2)}× the speed of one block at a time`);
  }
  return 0;
}

export async function main(args: string[]): Promise<number> {
  const p = parseOrHelp(BENCH_SPECS.sync, args);
  if (p === 0) return 0;
  noExtraArgs(p);
  if (!process.env.BUNMARK_LOG_LEVEL) setLogLevel("warn");
  const blocks = intFlag(p, "blocks", 200);
  if (blocks < 1) throw new BenchError({ code: "VALUE_INVALID", what: "--blocks" }, "--blocks must be at least 1");
  const nodePeers = flag(p, "node");
  if (nodePeers !== undefined) return freshNode(nodePeers, intFlag(p, "height", 1));
  if (has(p, "fresh") || has(p, "push")) {
    const cache = flag(p, "cache") ?? join(tmpdir(), "bunmark-bench-sync-start");
    return orchestrateStart({ fresh: has(p, "fresh"), push: has(p, "push"), json: has(p, "json"), cache });
  }
  const serveDir = flag(p, "serve");
  if (serveDir !== undefined) return serve(serveDir);
  const mode = flag(p, "client");
  if (mode !== undefined) {
    if (!(MODES as readonly string[]).includes(mode)) throw new BenchError({ code: "VALUE_INVALID", what: "--client" }, `--client must be ${MODES.join(" or ")}`);
    return client(mode as SyncMode, flag(p, "peer") ?? "", flag(p, "key") ?? "", blocks);
  }
  return orchestrate(blocks, flag(p, "cache") ?? join(tmpdir(), `bunmark-bench-sync-${blocks}`), has(p, "json"));
}
