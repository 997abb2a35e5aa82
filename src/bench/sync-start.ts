/**
 * `bunmark bench sync --fresh` and `--push` (issue 17): how long a user waits on the connector, not how fast
 * it verifies.
 *
 * - `--fresh`: a fresh node (a whole `Node`, production timing: 15 s connector cycle, 30 s height poll, 3
 *   upstreams needed) with three upstreams serving a 6-block chain `local`; seconds from `Node.start` to mode
 *   Normal at the upstreams' height. Five runs, each in a new process with a new data directory; median and max.
 * - `--push`: one such node once Normal is pushed five new blocks that extend its tip, one at a time, as a peer
 *   pushes them (`block`); milliseconds from sending the push to `N` answering the new height (polled every
 *   2 ms over its own connection); median and max, and how much longer than the block's digest (computed here
 *   just before each push) that took.
 *
 * The upstreams are `bench sync --serve` processes (listener only, over copies of the generated chain); the node
 * under test is a `--node` process that prints `normal SECONDS ADDRESS KEYHEX` and runs until stdin closes.
 * bitmarkd 8.2 has no such benchmark; the issue's figures for it (50.8 s to Normal) were taken by hand.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { openStore } from "../chain/store/store.ts";
import { HEADER_SIZE, readBe64 } from "../chain/types/header.ts";
import { activeBackend, activeBackendName } from "../crypto/index.ts";
import { generateChain } from "../testnet/generate.ts";
import { buildConfig } from "../node/config.ts";
import { Node } from "../node/node.ts";
import { curveKeyPair } from "../transport/curve.ts";
import { RequestClient } from "../transport/request-client.ts";
import { shutdown } from "../transport/context.ts";
import { cliCommand, lines, median } from "./shared.ts";
import { BenchError } from "./errors.ts";

const SEED = "bench-sync-start";
/** Blocks of the chain the upstreams serve (height 7 with genesis), as in the measurement. */
const CHAIN_BLOCKS = 6;
const RUNS = 5;
const FRESH_GOAL_S = 3;
/** Issue 17: a pushed block is served within its digest time + 50 ms. */
const PUSH_GOAL_OVER_DIGEST_MS = 50;
const encoder = new TextEncoder();

/** A TCP port free on 127.0.0.1 right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen({ host: "127.0.0.1", port: 0 }, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * `--node ADDR@KEYHEX,…`: a fresh node; prints `normal SECONDS ADDRESS KEYHEX CHOSEN` once Normal at `--height`
 * (CHOSEN: seconds until the chain was chosen, i.e. registering and voting; the rest is fetching and verifying).
 */
export async function node(peers: string, height: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "bunmark-bench-fresh-"));
  const address = `127.0.0.1:${await freePort()}`;
  const connect = peers.split(",").map((p) => {
    const [a, k] = p.split("@");
    if (a === undefined || k === undefined) throw new BenchError({ code: "VALUE_INVALID", what: "--node" }, `--node: ${JSON.stringify(p)} is not ADDRESS@KEY`);
    return { public_key: k, address: a };
  });
  const cfg = buildConfig(
    { chain: "local", data_directory: dir, log_level: "warn", peering: { listen: [address], announce: [address], connect, prefer_ipv6: false } },
    { listen: [], connect: [], announce: [] },
    dir,
  );
  const t0 = performance.now();
  const n = await Node.start(cfg);
  try {
    let chosen: number | undefined;
    while (!(n.mode.isNormal() && n.store.height() >= height)) {
      if (chosen === undefined && /^(fetching|verifying)/.test(n.progress.phaseSnapshot()?.phase ?? "")) chosen = (performance.now() - t0) / 1000;
      await Bun.sleep(5);
    }
    const seconds = (performance.now() - t0) / 1000;
    console.log(`normal ${seconds.toFixed(3)} ${address} ${Buffer.from(n.keys.publicKey).toString("hex")} ${(chosen ?? seconds).toFixed(3)}`);
    for await (const _ of Bun.stdin.stream()) {
      // run until the parent closes our stdin
    }
    return 0;
  } finally {
    await n.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Started {
  proc: Subprocess<"pipe", "pipe", "inherit">;
  words: string[];
}

async function spawnRole(args: string[], expect: string): Promise<Started> {
  const proc = Bun.spawn([...cliCommand(), "bench", "sync", ...args], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
  for await (const line of lines(proc.stdout)) {
    const words = line.split(" ");
    if (words[0] === expect) return { proc, words };
    process.stderr.write(`${line}\n`); // the child's log lines (warnings; everything with BUNMARK_LOG_LEVEL)
  }
  throw new BenchError({ code: "CHILD_FAILED", what: `bench sync ${args.join(" ")}` }, `bench sync ${args.join(" ")}: ended without "${expect}"`);
}

async function end(p: Started): Promise<void> {
  p.proc.stdin.end();
  await p.proc.exited;
}

/**
 * Per pushed block: milliseconds from sending it to `N` answering its number, and the time its digest took
 * here just before (the machine is shared: digest times drift, so each push is compared with its own).
 * The node is at `from - 1`.
 */
async function pushRuns(address: string, keyHex: string, blocks: Uint8Array[], from: number): Promise<{ served: number; digest: number }[]> {
  const key = new Uint8Array(Buffer.from(keyHex, "hex"));
  const pusher = new RequestClient(curveKeyPair());
  const poller = new RequestClient(curveKeyPair());
  pusher.connect(address, key);
  poller.connect(address, key);
  const chain = encoder.encode("local");
  const height = async () => {
    const [, number] = await poller.request([chain, encoder.encode("N")], 5000);
    if (number === undefined) throw new BenchError({ code: "REQUEST_REFUSED", what: "N" }, "N: the reply has no height");
    return Number(readBe64(number));
  };
  try {
    if ((await height()) !== from - 1) throw new BenchError({ code: "SYNC_HEIGHT", expected: from - 1 }, `node under test is not at height ${from - 1}`);
    const out: { served: number; digest: number }[] = [];
    const hash = activeBackend();
    for (const [i, block] of blocks.entries()) {
      const d0 = performance.now();
      await hash.blockDigestBatch([block.subarray(0, HEADER_SIZE)]);
      const digest = performance.now() - d0;
      const t0 = performance.now();
      const reply = await pusher.request([chain, encoder.encode("block"), block], 5000);
      if (new TextDecoder().decode(reply[0]) !== "block") throw new BenchError({ code: "REQUEST_REFUSED", what: "push" }, "push not acknowledged");
      while ((await height()) < from + i) {
        if (performance.now() - t0 > 60_000) throw new BenchError({ code: "CHILD_NOT_READY", what: `block ${from + i}`, seconds: 60 }, `block ${from + i} not served within 60 s`);
        await Bun.sleep(2);
      }
      out.push({ served: performance.now() - t0, digest });
    }
    return out;
  } finally {
    pusher.close();
    poller.close();
  }
}

/** The chain served (6 blocks) and, continuing it, the blocks pushed in `--push`. */
async function ensureChains(cache: string, say: (s: string) => void): Promise<{ base: string; ext: string }> {
  const base = join(cache, "base");
  const ext = join(cache, "ext");
  for (const [dir, blocks] of [
    [base, CHAIN_BLOCKS],
    [ext, CHAIN_BLOCKS + RUNS],
  ] as const) {
    mkdirSync(dir, { recursive: true });
    // The pushed blocks continue the served chain: ext starts as a copy of base (generation keeps what it holds).
    if (dir === ext && !existsSync(join(ext, "local.lmdb"))) cpSync(join(base, "local.lmdb"), join(ext, "local.lmdb"));
    const store = openStore(dir, "local");
    try {
      if (store.height() !== blocks + 1) {
        say(`generating ${blocks} blocks in ${dir} (once)…\n`);
        await generateChain(store, { blocks, seed: SEED });
      }
    } finally {
      await store.close();
    }
  }
  return { base, ext };
}

export interface StartOptions {
  fresh: boolean;
  push: boolean;
  json: boolean;
  cache: string;
}

export async function orchestrate(o: StartOptions): Promise<number> {
  const say = (s: string) => o.json || process.stderr.write(s);
  const { base, ext } = await ensureChains(o.cache, say);
  const height = CHAIN_BLOCKS + 1;
  const work = mkdtempSync(join(tmpdir(), "bunmark-bench-upstreams-"));
  const servers: Started[] = [];
  const result: Record<string, unknown> = {};
  try {
    for (let i = 0; i < 3; i++) {
      const dir = join(work, `u${i}`);
      cpSync(base, dir, { recursive: true });
      servers.push(await spawnRole(["--serve", dir], "ready"));
    }
    const peers = servers.map((s) => `${s.words[1]}@${s.words[2]}`).join(",");
    const startNode = () => spawnRole(["--node", peers, "--height", String(height)], "normal");
    if (o.fresh) {
      const seconds: number[] = [];
      const chosen: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        say(`fresh node ${i + 1}/${RUNS}… `);
        const n = await startNode();
        seconds.push(Number(n.words[1]));
        chosen.push(Number(n.words[4]));
        say(`${n.words[1]} s (chain chosen after ${n.words[4]} s)\n`);
        await end(n);
      }
      const status = median(seconds) <= FRESH_GOAL_S ? "pass" : "fail";
      result.fresh = { runs: seconds, median: median(seconds), max: Math.max(...seconds), chosenMedian: median(chosen), goal: FRESH_GOAL_S, status };
    }
    if (o.push) {
      const store = openStore(ext, "local");
      const blocks = Array.from({ length: RUNS }, (_, i) => store.getBlock(height + 1 + i).slice());
      await store.close();
      say("node for the push runs… ");
      const n = await startNode();
      say(`Normal after ${n.words[1]} s; pushing ${RUNS} blocks\n`);
      try {
        const [, , address, key] = n.words;
        if (address === undefined || key === undefined) throw new BenchError({ code: "CHILD_FAILED", what: "syncing client" }, `bench sync --node: not "normal SECONDS ADDRESS KEY …": ${n.words.join(" ")}`);
        const runs = await pushRuns(address, key, blocks, height + 1);
        const ms = runs.map((r) => r.served);
        const over = runs.map((r) => r.served - r.digest);
        result.push = {
          runs: ms.map((x) => Number(x.toFixed(1))),
          median: median(ms),
          max: Math.max(...ms),
          digestMs: median(runs.map((r) => r.digest)),
          overDigestMs: { runs: over.map((x) => Number(x.toFixed(1))), median: median(over), max: Math.max(...over) },
          goalOverDigestMs: PUSH_GOAL_OVER_DIGEST_MS,
        };
      } finally {
        await end(n);
      }
    }
  } finally {
    for (const s of servers) await end(s);
    rmSync(work, { recursive: true, force: true });
    await shutdown();
  }
  const machine = { cpu: cpus()[0]?.model ?? "unknown", cores: availableParallelism(), bun: Bun.version, digest: activeBackendName() };
  if (o.json) {
    console.log(JSON.stringify({ bench: "sync-start", machine, chainBlocks: CHAIN_BLOCKS, upstreams: 3, ...result }));
  } else {
    console.log(`bench sync: fresh node with 3 upstreams on a ${CHAIN_BLOCKS}-block chain local; ${machine.cpu} (${machine.cores} cores), digest ${machine.digest}`);
    const f = result.fresh as { runs: number[]; median: number; max: number; chosenMedian: number; status: string } | undefined;
    if (f) {
      console.log(`  start → Normal   median ${f.median.toFixed(2)} s  max ${f.max.toFixed(2)} s  (runs ${f.runs.join(", ")})  ${f.status.toUpperCase()} ≤ ${FRESH_GOAL_S} s`);
      console.log(`    of which start → chain chosen (registering, heights, vote): median ${f.chosenMedian.toFixed(3)} s; the rest is fetching and verifying`);
    }
    const p = result.push as { runs: number[]; median: number; max: number; digestMs: number; overDigestMs: { median: number; max: number } } | undefined;
    if (p) {
      const pass = p.overDigestMs.median <= PUSH_GOAL_OVER_DIGEST_MS ? "PASS" : "FAIL";
      console.log(`  push → served    median ${p.median.toFixed(1)} ms  max ${p.max.toFixed(1)} ms  (runs ${p.runs.join(", ")}); digest median ${p.digestMs.toFixed(1)} ms`);
      console.log(`    beyond each push's own digest time: median ${p.overDigestMs.median.toFixed(1)} ms  max ${p.overDigestMs.max.toFixed(1)} ms  ${pass} ≤ ${PUSH_GOAL_OVER_DIGEST_MS} ms`);
    }
  }
  const pushOver = (result.push as { overDigestMs?: { median: number } } | undefined)?.overDigestMs?.median;
  const failed = (result.fresh as { status?: string } | undefined)?.status === "fail" || (pushOver !== undefined && pushOver > PUSH_GOAL_OVER_DIGEST_MS);
  return failed ? 1 : 0;
}
