/**
 * The processes of `bunmark bench wire`: the bunmark node under test and the load generator, plus what the bench
 * reads about them (CPU time, a handled signal). Every child is a separate process, so the server never shares a
 * CPU budget with the load.
 *
 * The generator is bunmark's own client (`bench wire --load`, wire-load.ts); the development harness (bench/
 * at the top of the checkout, `make bench`) supplies node + npm zeromq instead, and a node + zeromq baseline
 * server. Every generator speaks the contract of wire-measure.mjs, so one parser reads either.
 *
 *   startBunmark(dir, chainDir) → RunningServer  (a real node: `bench wire --node-data DIR --node-listen ADDR`)
 *   probe(gen, server, requests) → reply frames (hex), one request at a time
 *   generate(gen, server, load, onMeasuring) → LoadFigures
 */
import type { Subprocess } from "bun";
import { cpSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { RUNNING_FILE, type RunningNode } from "../node/node.ts";
import { z85Encode } from "../transport/z85.ts";
import { cliCommand, lines } from "./shared.ts";
import type { LoadConfig, LoadFigures } from "./wire-measure.mjs";
import { BenchError } from "./errors.ts";

export type { LoadFigures };

export type HexFrames = string[];

/** What drives the load: its name for the report, and the command line of one generator process. */
export interface LoadGenerator {
  readonly name: string;
  command(configJson: string): string[];
}

/** bunmark's own CURVE client, a separate process of this executable. */
export const BUNMARK_GENERATOR: LoadGenerator = {
  name: "bunmark's own CURVE REQ clients (RequestClient)",
  command: (config) => [...cliCommand(), "bench", "wire", "--load", config],
};

export interface RunningServer {
  name: string;
  proc: Subprocess;
  endpoint: string;
  /** Z85, as the zeromq binding takes it. */
  serverKey: string;
}

/** A load run: the generator's config without the server's address (added per server). */
export type LoadRun = Required<Pick<LoadConfig, "clients" | "warmupMs" | "measureMs" | "requests" | "expect">>;

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
/** Linux reports process CPU time in clock ticks of 1/100 s (USER_HZ). */
const TICK_MS = 10;

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen({ host: "127.0.0.1", port: 0, exclusive: true }, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** User + system CPU time of a process so far, in milliseconds. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
}

/** True when the process has a handler for `signal` (so the signal can interrupt its system calls). */
export function catchesSignal(pid: number, signal: number): boolean {
  const caught = /^SigCgt:\s*([0-9a-f]+)$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? "0";
  return ((BigInt(`0x${caught}`) >> BigInt(signal - 1)) & 1n) === 1n;
}

async function waitFor<T>(what: string, proc: Subprocess, poll: () => T | undefined): Promise<T> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const v = poll();
    if (v !== undefined) return v;
    if (proc.exitCode !== null) throw new BenchError({ code: "CHILD_FAILED", what, exitCode: proc.exitCode }, `${what} exited with code ${proc.exitCode} before it was ready`);
    if (Date.now() > deadline) throw new BenchError({ code: "CHILD_NOT_READY", what, seconds: START_TIMEOUT_MS / 1000 }, `${what} not ready after ${START_TIMEOUT_MS / 1000} s`);
    await Bun.sleep(50);
  }
}

/**
 * Starts a bunmark node on a free loopback port with data directory `dataDir` (a copy of `chainDir` when
 * given); its log goes to DATA/node.log. Ready once it has written DATA/node.json.
 */
export async function startBunmark(dataDir: string, chainDir: string | undefined): Promise<RunningServer> {
  if (chainDir) cpSync(chainDir, dataDir, { recursive: true });
  const listen = `127.0.0.1:${await freePort()}`;
  const proc = Bun.spawn([...cliCommand(), "bench", "wire", "--node-data", dataDir, "--node-listen", listen], {
    stdin: "ignore",
    stdout: Bun.file(join(dataDir, "node.log")),
    stderr: "inherit",
  });
  const { endpoint, publicKey } = await waitFor("bunmark node", proc, () => {
    try {
      const running = JSON.parse(readFileSync(join(dataDir, RUNNING_FILE), "utf8")) as RunningNode;
      const [endpoint] = running.listen;
      return endpoint === undefined ? undefined : { endpoint, publicKey: running.publicKey };
    } catch {
      return undefined;
    }
  });
  return { name: "bunmark", proc, endpoint, serverKey: z85Encode(Buffer.from(publicKey, "hex")) };
}

/** Stops a server with SIGINT (a node's clean shutdown) and returns its exit code. */
export async function stopServer(server: RunningServer): Promise<number> {
  if (server.proc.exitCode !== null) return server.proc.exitCode;
  server.proc.kill("SIGINT");
  const timer = setTimeout(() => server.proc.kill("SIGKILL"), STOP_TIMEOUT_MS);
  const code = await server.proc.exited;
  clearTimeout(timer);
  return code;
}

function loadCommand(gen: LoadGenerator, server: RunningServer, extra: Omit<LoadConfig, "endpoint" | "serverKey">): string[] {
  const config = JSON.stringify({ endpoint: server.endpoint, serverKey: server.serverKey, ...extra } satisfies LoadConfig);
  return gen.command(config);
}

/** Sends each request once (one client) and returns the reply frames. */
export async function probe(gen: LoadGenerator, server: RunningServer, requests: HexFrames[]): Promise<HexFrames[]> {
  const proc = Bun.spawn(loadCommand(gen, server, { clients: 1, warmupMs: 0, measureMs: 0, probe: true, requests }), { stdout: "pipe", stderr: "inherit" });
  const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  if (code !== 0) throw new BenchError({ code: "CHILD_FAILED", what: `probe of ${server.name}`, exitCode: code }, `probe of ${server.name} failed (exit code ${code})`);
  return (JSON.parse(out) as { replies: HexFrames[] }).replies;
}

/** One load run; `onMeasuring` is called when the warm-up ends. */
export async function generate(gen: LoadGenerator, server: RunningServer, load: LoadRun, onMeasuring: () => void): Promise<LoadFigures> {
  const proc = Bun.spawn(loadCommand(gen, server, load), { stdout: "pipe", stderr: "inherit" });
  let figures: LoadFigures | undefined;
  for await (const line of lines(proc.stdout)) {
    if (line === "measuring") onMeasuring();
    else if (line.startsWith("{")) figures = JSON.parse(line) as LoadFigures;
  }
  const code = await proc.exited;
  if (code !== 0 || !figures) {
    const what = `load generator against ${server.name}`;
    throw new BenchError({ code: "CHILD_FAILED", what, exitCode: code }, `${what} failed (exit code ${code})`);
  }
  return figures;
}
