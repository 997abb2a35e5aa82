/**
 * `bunmark bench rpc [--method Node.Info] [--argument JSON] [--seconds N] [--warmup N] [--connections 1,8]
 *                   [--chain-from DIR] [--json]`
 *
 * Client RPC throughput of a real node (`bunmark run` in a child process, a fresh local chain or a copy of
 * DIR/local.lmdb — e.g. the ownership chain of `bench rpc-ownership --cache DIR` for Bitmark.Provenance and
 * Owner.Bitmarks —, a generated certificate): requests per second over 1 and 8 persistent TLS connections, p50/p99 latency, and the node's CPU
 * time per request (utime+stime from /proc/PID/stat over the measured window). The load comes from a separate
 * python3 process (ssl + multiprocessing, ./rpc-load.py, embedded in the executable), one closed-loop
 * connection per process, so the generator is not bunmark code and does not share the node's process.
 *
 * Goal (issue 14, a real bitmarkd 8.2 under the same generator on this machine): Node.Info ≥ 8,500 req/s on 1
 * connection, ≥ 18,600 req/s on 8 with p99 ≤ 2 ms, ≤ 45 µs of server CPU per request. A method the node's table
 * does not have is still measured (its net/rpc error reply) and the report says so.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RUNNING_FILE, type RunningNode } from "../node/node.ts";
import { makeSelfSignedCertificate, writeCertificateFiles } from "../rpc/certificate.ts";
import { flag, has, intFlag, parseOrHelp } from "../cli/args.ts";
import { BENCH_SPECS } from "./specs.ts";
import { cliCommand, lines } from "./shared.ts";
import { cpuMs, freePort } from "./wire-procs.ts";
import LOAD_SCRIPT from "./rpc-load.py" with { type: "text" };
import { BenchError } from "./errors.ts";

interface Run {
  connections: number;
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerRequest: number;
  firstReply: string;
}

const GOAL = { rps1: 8500, rps8: 18600, p99Ms8: 2, cpuUs: 45 };

async function startNode(dir: string): Promise<{ proc: ReturnType<typeof Bun.spawn>; endpoint: string }> {
  writeCertificateFiles(join(dir, "rpc.crt"), join(dir, "rpc.key"), makeSelfSignedCertificate({ dns: ["localhost"], ips: ["127.0.0.1"] }));
  const config = {
    chain: "local",
    data_directory: dir,
    log_level: "warn",
    peering: { listen: [`127.0.0.1:${await freePort()}`] },
    client_rpc: { listen: ["127.0.0.1:0"], maximum_connections: 64, maximum_connections_per_ip: 64 },
  };
  writeFileSync(join(dir, "bench.json"), JSON.stringify(config));
  const proc = Bun.spawn([...cliCommand(), "run", "--config", join(dir, "bench.json")], { stdout: "ignore", stderr: "inherit" });
  const end = Date.now() + 60_000;
  while (Date.now() < end) {
    try {
      const running = JSON.parse(readFileSync(join(dir, RUNNING_FILE), "utf8")) as RunningNode;
      const endpoint = running.rpc?.listen[0];
      if (running.pid === proc.pid && endpoint !== undefined) return { proc, endpoint };
    } catch {
      // not written yet
    }
    if (proc.exitCode !== null) throw new BenchError({ code: "CHILD_FAILED", what: "node", exitCode: proc.exitCode }, `node exited with ${proc.exitCode}`);
    await Bun.sleep(100);
  }
  proc.kill();
  throw new BenchError({ code: "CHILD_NOT_READY", what: "node", seconds: 60 }, "node did not start within 60 s");
}

async function load(script: string, pid: number, endpoint: string, connections: number, request: string, warmup: number, seconds: number): Promise<Run> {
  const port = Number(endpoint.slice(endpoint.lastIndexOf(":") + 1));
  const cfg = { host: "127.0.0.1", port, connections, warmup, seconds, request };
  const gen = Bun.spawn(["python3", script, JSON.stringify(cfg)], { stdout: "pipe", stderr: "inherit" });
  let cpuStart = 0;
  let cpuEnd = 0;
  let result: { requests: number; seconds: number; p50_ms: number; p99_ms: number; first_reply: string } | undefined;
  for await (const line of lines(gen.stdout)) {
    if (line === "measuring") cpuStart = cpuMs(pid);
    else if (line === "done") cpuEnd = cpuMs(pid);
    else if (line.startsWith("{")) result = JSON.parse(line);
  }
  if ((await gen.exited) !== 0 || !result) throw new BenchError({ code: "CHILD_FAILED", what: "load generator" }, "load generator failed");
  return {
    connections,
    requests: result.requests,
    rps: Math.round(result.requests / result.seconds),
    p50Ms: result.p50_ms,
    p99Ms: result.p99_ms,
    cpuUsPerRequest: result.requests > 0 ? ((cpuEnd - cpuStart) * 1000) / result.requests : 0,
    firstReply: result.first_reply,
  };
}

export async function main(args: string[]): Promise<number> {
  const p = parseOrHelp(BENCH_SPECS.rpc, args);
  if (p === 0) return 0;
  const method = flag(p, "method") ?? "Node.Info";
  const argument = JSON.parse(flag(p, "argument") ?? "{}") as unknown;
  const quick = has(p, "quick");
  const seconds = intFlag(p, "seconds", quick ? 2 : 5);
  const warmup = intFlag(p, "warmup", 1);
  const counts = (flag(p, "connections") ?? "1,8").split(",").map(Number);
  const request = JSON.stringify({ method, params: [argument], id: 1 }) + "\n";
  const chainFrom = flag(p, "chain-from");
  if (chainFrom !== undefined && !existsSync(join(chainFrom, "local.lmdb"))) {
    console.error(`bench rpc: --chain-from ${chainFrom}: no local.lmdb there`);
    return 1;
  }
  const dir = mkdtempSync(join(tmpdir(), "bunmark-bench-rpc-"));
  if (chainFrom !== undefined) copyFileSync(join(chainFrom, "local.lmdb"), join(dir, "local.lmdb"));
  const script = join(dir, "rpc-load.py");
  writeFileSync(script, LOAD_SCRIPT);
  const { proc, endpoint } = await startNode(dir);
  try {
    const runs: Run[] = [];
    for (const n of counts) runs.push(await load(script, proc.pid, endpoint, n, request, warmup, seconds));
    const firstReply = runs[0]?.firstReply;
    const failing = firstReply?.includes('"error":null') === false;
    if (has(p, "json")) {
      console.log(JSON.stringify({ method, goal: GOAL, methodAnswered: !failing, runs }));
      return 0;
    }
    console.log(`bench rpc: ${method} on a bunmark node (chain local${chainFrom === undefined ? "" : `, a copy of ${chainFrom}`}), load from python3 ssl, ${seconds} s per run`);
    if (failing) console.log(`  note: the node answers ${method} with an error (${firstReply}) — this measures the transport and the error path`);
    console.log("  connections      req/s    p50 ms    p99 ms   server CPU µs/req");
    for (const r of runs) console.log(`  ${String(r.connections).padStart(11)} ${String(r.rps).padStart(10)} ${r.p50Ms.toFixed(3).padStart(9)} ${r.p99Ms.toFixed(3).padStart(9)} ${r.cpuUsPerRequest.toFixed(1).padStart(19)}`);
    console.log(`  goal (Node.Info, issue 14): ≥ ${GOAL.rps1} req/s on 1, ≥ ${GOAL.rps8} on 8 with p99 ≤ ${GOAL.p99Ms8} ms, ≤ ${GOAL.cpuUs} µs CPU per request`);
    return 0;
  } finally {
    proc.kill("SIGTERM");
    await proc.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}
