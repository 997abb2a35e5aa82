/**
 * Real nodes (`bunmark run` processes, chain `local`) for tests: a temporary data directory, free ports on
 * 127.0.0.1 and [::1], a configuration file, the process's output kept in DATA/out.log and in memory, and the
 * peer protocol spoken to it over CURVE as any peer would.
 *
 *   const p = await NodeProcess.create({ root, name: "p", chainFrom: dirHoldingLocalLmdb });
 *   await p.start();                           // resolves once DATA/node.json names this pid and `I` answers
 *   await p.introduce();                       // registers a fake third peer so `R` to p succeeds
 *   const s = await NodeProcess.create({ root, name: "s", connect: [p.peer, p.peer, p.peer] });
 *   await s.start();  await s.info();  await s.digest(5);
 *   s.rssKiB();  s.cpuSeconds();  await s.waitForLog(/synchronised/);  await s.kill();  await s.start();  await s.stop();
 *   expect(secretLeaks([p, s])).toEqual([]);   // no private key (hex or Z85) in any captured output
 *   await stopAll();                           // afterAll: every node this process started
 *
 * Keys: the node creates DATA/peer.public and DATA/peer.private on its first start (`publicKey` is read after
 * `start()`); to know a key before starting (nodes started in reverse order) call `ensureKeyPair(node.dir)`.
 */
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { blockNumberKey, readBlockNumberKey } from "../../src/chain/types/header.ts";
import { cpuMs } from "../../src/bench/wire-procs.ts";
import { packConnections, parseConnection } from "../../src/peer/address.ts";
import { curveKeyPair } from "../../src/transport/curve.ts";
import { parsePrivateKeyFile, parsePublicKeyFile } from "../../src/transport/key-file.ts";
import { RequestClient } from "../../src/transport/request-client.ts";
import { PeerListener } from "../../src/peer/listener/server.ts";
import { z85Encode } from "../../src/transport/z85.ts";
import { CLI } from "./paths.ts";

const te = new TextEncoder();
const td = new TextDecoder();

/** A static upstream entry: the remote public key and `host:port`. */
export interface Peer {
  readonly publicKey: Uint8Array;
  readonly address: string;
}

export interface NodeOptions {
  /** parent directory (the suite's temporary directory) */
  readonly root: string;
  readonly name: string;
  /** chain (default local) */
  readonly chain?: "local" | "testing";
  /** a directory holding `local.lmdb` (a generated chain) copied in before the first start */
  readonly chainFrom?: string | undefined;
  readonly connect?: readonly Peer[];
  /** `timing` overrides (ms) for test networks; defaults make a small network converge in seconds */
  readonly timing?: Record<string, number>;
  readonly logLevel?: "trace" | "debug" | "info" | "warn" | "error";
  /** also listen on [::1] (default true) */
  readonly ipv6?: boolean;
  /** serve HTTP (`/status`) on 127.0.0.1:`httpPort` (default false) */
  readonly http?: boolean;
  /** `peering.dynamic_connections` (default: the node's) */
  readonly dynamicConnections?: boolean;
  readonly env?: Record<string, string>;
  /** further `bunmark run` flags (e.g. `--mine=1`); `node.runArgs` changes them for the next start */
  readonly runArgs?: readonly string[];
  /** further top-level configuration sections (e.g. `payment`, `proofing`), written as given */
  readonly sections?: Record<string, unknown>;
}

export const TEST_TIMING = { connector_cycle: 300, upstream_poll: 300, upstream_timeout: 3000 } as const;

export interface NodeInfo {
  version: string;
  chain: string;
  normal: boolean;
  height: number;
}

/** Every node created through this module, and those running now (for stopAll() and the exit hook). */
const created = new Set<NodeProcess>();
const live = new Set<NodeProcess>();
process.once("exit", () => {
  for (const n of live) n.proc?.kill("SIGKILL");
});

/**
 * The first port the kernel may pick as the local port of an outgoing connection (ip_local_port_range). Ports handed
 * out by freePort lie below it: a port 0 listener would get one from that range, and between the check and the
 * node's bind (a whole process start later) one of the suite's many outgoing connections could take it
 * ("Is port … in use?" in a clean-clone run).
 */
function ephemeralStart(): number {
  try {
    const first = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(first) && first > 0 ? first : 32768;
  } catch {
    return 32768;
  }
}
const EPHEMERAL_START = ephemeralStart();
const FIRST_PORT = 20000;
const handedOut = new Set<number>();

/** Whether a dual-stack listener can bind `port` right now (so it is free on both 127.0.0.1 and ::1). */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen({ host: "::", port }, () => s.close(() => resolve(true)));
  });
}

/**
 * A TCP port free on both 127.0.0.1 and ::1 right now, outside the kernel's range for outgoing connections and
 * never handed out twice in this process. Falls back to a port 0 listener when that range leaves no room below it.
 */
export async function freePort(): Promise<number> {
  const end = EPHEMERAL_START;
  for (let attempt = 0; end - FIRST_PORT > 1000 && attempt < 100; attempt++) {
    const port = FIRST_PORT + Math.floor(Math.random() * (end - FIRST_PORT));
    if (handedOut.has(port) || !(await bindable(port))) continue;
    handedOut.add(port);
    return port;
  }
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen({ host: "::", port: 0 }, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export class NodeProcess {
  readonly name: string;
  readonly dir: string;
  readonly port: number;
  /** the HTTP port when created with `http` */
  readonly httpPort: number | undefined;
  readonly logPath: string;
  proc: Subprocess<"ignore", "pipe", "pipe"> | undefined;
  /** everything the node printed, all runs */
  output = "";
  /** number of times the process was started */
  starts = 0;
  readonly #options: NodeOptions;
  /** further `bunmark run` flags for the next start */
  runArgs: readonly string[];
  #client: RequestClient | undefined;
  #introduced: PeerListener | undefined;
  #drained: Promise<void> = Promise.resolve();

  private constructor(options: NodeOptions, port: number, httpPort: number | undefined) {
    this.#options = options;
    this.runArgs = options.runArgs ?? [];
    this.name = options.name;
    this.dir = join(options.root, options.name);
    this.port = port;
    this.httpPort = httpPort;
    this.logPath = join(this.dir, "out.log");
  }

  /** Prepares the data directory (chain copy, configuration); starts nothing. */
  static async create(options: NodeOptions): Promise<NodeProcess> {
    const node = new NodeProcess(options, await freePort(), options.http ? await freePort() : undefined);
    created.add(node);
    mkdirSync(node.dir, { recursive: true, mode: 0o700 });
    if (options.chainFrom) copyFileSync(join(options.chainFrom, "local.lmdb"), join(node.dir, "local.lmdb"));
    node.writeConfig(options.connect ?? []);
    return node;
  }

  get chain(): "local" | "testing" {
    return this.#options.chain ?? "local";
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get configPath(): string {
    return join(this.dir, "bunmark.json");
  }

  /** The node's public key (from DATA/peer.public: exists after the first start). */
  get publicKey(): Uint8Array {
    return parsePublicKeyFile(readFileSync(join(this.dir, "peer.public")));
  }

  get peer(): Peer {
    return { publicKey: this.publicKey, address: this.address };
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Rewrites the configuration (takes effect at the next start). */
  writeConfig(connect: readonly Peer[]): void {
    const o = this.#options;
    const listen = [this.address, ...(o.ipv6 === false ? [] : [`[::1]:${this.port}`])];
    const config = {
      chain: this.chain,
      data_directory: this.dir,
      log_level: o.logLevel ?? "info",
      ...o.sections,
      ...(this.httpPort === undefined ? {} : { http: `127.0.0.1:${this.httpPort}` }),
      peering: {
        listen,
        announce: [this.address],
        connect: connect.map((c) => ({ public_key: Buffer.from(c.publicKey).toString("hex"), address: c.address })),
        prefer_ipv6: false,
        ...(o.dynamicConnections === undefined ? {} : { dynamic_connections: o.dynamicConnections }),
      },
      timing: { ...TEST_TIMING, ...o.timing },
    };
    writeFileSync(this.configPath, JSON.stringify(config, null, 1));
  }

  /** Spawns the node; with `wait` (default) resolves once it serves requests. */
  async start(options: { wait?: boolean; timeoutMs?: number } = {}): Promise<void> {
    if (this.running) throw new Error(`${this.name}: already running`);
    this.starts++;
    const banner = `\n=== ${this.name}: start #${this.starts} at ${new Date().toISOString()}\n`;
    this.#append(banner);
    const proc = Bun.spawn([process.execPath, CLI, "run", "--config", this.configPath, ...this.runArgs], {
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      env: { ...process.env, ...this.#options.env },
    });
    this.proc = proc;
    live.add(this);
    this.#drained = Promise.all([this.#drain(proc.stdout), this.#drain(proc.stderr)]).then(() => undefined);
    if (options.wait !== false) await this.waitReady(options.timeoutMs ?? 60_000);
  }

  /** Until DATA/node.json names this process and `I` is answered. */
  async waitReady(timeoutMs = 60_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (!this.running) throw new Error(`${this.name}: exited (${this.proc?.exitCode ?? this.proc?.signalCode}) before listening\n${this.tail()}`);
      if (this.#runningFilePid() === this.pid && (await this.info(500)) !== undefined) return;
      await Bun.sleep(100);
    }
    throw new Error(`${this.name}: not serving within ${timeoutMs} ms\n${this.tail()}`);
  }

  #runningFilePid(): number | undefined {
    try {
      return (JSON.parse(readFileSync(join(this.dir, "node.json"), "utf8")) as { pid: number }).pid;
    } catch {
      return undefined;
    }
  }

  async #drain(stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of stream) this.#append(decoder.decode(chunk, { stream: true }));
  }

  #append(text: string): void {
    this.output += text;
    appendFileSync(this.logPath, text);
  }

  /** SIGTERM and wait for the exit (SIGKILL after `graceMs`); the exit code, or the signal name. */
  async stop(graceMs = 10_000): Promise<number | string> {
    const proc = this.proc;
    if (!proc || !this.running) return proc?.exitCode ?? proc?.signalCode ?? "not running";
    proc.kill("SIGTERM");
    const timer = setTimeout(() => proc.kill("SIGKILL"), graceMs);
    await proc.exited;
    clearTimeout(timer);
    await this.#drained;
    live.delete(this);
    return proc.exitCode ?? proc.signalCode ?? "unknown";
  }

  /** kill -9 and wait until the process is gone. */
  async kill(): Promise<void> {
    const proc = this.proc;
    if (!proc || !this.running) return;
    proc.kill("SIGKILL");
    await proc.exited;
    await this.#drained;
    live.delete(this);
  }

  /** VmRSS of the node process in KiB (undefined once it has exited). */
  rssKiB(): number | undefined {
    if (!this.running) return undefined;
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, "utf8"));
      return m ? Number(m[1]) : undefined;
    } catch {
      return undefined;
    }
  }

  /** User + system CPU time of the node process so far, in seconds (undefined once it has exited). */
  cpuSeconds(): number | undefined {
    if (!this.running) return undefined;
    try {
      return cpuMs(this.pid!) / 1000;
    } catch {
      return undefined;
    }
  }

  /** Offset in `output` to wait for lines written after now. */
  mark(): number {
    return this.output.length;
  }

  /** Resolves with the first match of `re` in the output written after `since`; rejects after `timeoutMs`. */
  async waitForLog(re: RegExp, options: { since?: number; timeoutMs?: number } = {}): Promise<RegExpExecArray> {
    const end = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const m = re.exec(this.output.slice(options.since ?? 0));
      if (m) return m;
      if (Date.now() > end) throw new Error(`${this.name}: no log line matching ${re} within ${options.timeoutMs ?? 60_000} ms\n${this.tail()}`);
      await Bun.sleep(5);
    }
  }

  /** The last lines of output (for failure messages), without those matching `skip` (e.g. debug chatter). */
  tail(lines = 30, skip?: RegExp): string {
    const kept = this.output.split("\n").filter((l) => skip === undefined || !skip.test(l));
    return kept.slice(-lines).map((l) => `  ${this.name}| ${l}`).join("\n");
  }

  /** One request over CURVE (chain frame added); undefined when no reply comes in time. */
  async request(frames: readonly (string | Uint8Array)[], timeoutMs = 2000): Promise<Uint8Array[] | undefined> {
    if (!this.#client) {
      this.#client = new RequestClient(curveKeyPair());
      this.#client.connect(this.address, this.publicKey);
    }
    try {
      return await this.#client.request([te.encode(this.chain), ...frames.map((f) => (typeof f === "string" ? te.encode(f) : f))], timeoutMs);
    } catch {
      return undefined;
    }
  }

  async info(timeoutMs = 2000): Promise<NodeInfo | undefined> {
    const r = await this.request(["I"], timeoutMs);
    return r && td.decode(r[0]) === "I" ? (JSON.parse(td.decode(r[1])) as NodeInfo) : undefined;
  }

  /** `N`: the height, undefined without a reply. */
  async height(timeoutMs = 2000): Promise<number | undefined> {
    const r = await this.request(["N"], timeoutMs);
    return r && td.decode(r[0]) === "N" && r[1]?.length === 8 ? readBlockNumberKey(r[1]) : undefined;
  }

  /** `H` of block n: the digest, or the `E` text, or undefined without a reply. */
  async digest(n: number, timeoutMs = 2000): Promise<Uint8Array | string | undefined> {
    const r = await this.request(["H", blockNumberKey(n)], timeoutMs);
    return r === undefined ? undefined : td.decode(r[0]) === "H" ? r[1]! : td.decode(r[1] ?? new Uint8Array());
  }

  /** Waits until `cond(info)` holds; throws with the output tail otherwise. */
  async waitFor(what: string, cond: (i: NodeInfo) => boolean, timeoutMs: number): Promise<NodeInfo> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const i = await this.info(1000);
      if (i && cond(i)) return i;
      if (Date.now() > end) throw new Error(`${this.name}: ${what} not reached within ${timeoutMs} ms (last: ${JSON.stringify(i)})\n${this.tail()}`);
      await Bun.sleep(200);
    }
  }

  /**
   * Registers a made-up peer with `R`, so that this node has a third peer to answer other registrations with:
   * one serving node can then stand for the three upstreams a syncing node needs (connect to it three times).
   * The made-up peer has a listener in this process that answers every request (with nothing useful): a node
   * names in `R` replies only peers it has reached itself (issue 17), so it must dial the made-up peer back and
   * get an answer. Resolves once the node's `R` replies name it.
   */
  async introduce(timeoutMs = 10_000): Promise<void> {
    const address = `127.0.0.1:${await freePort()}`;
    const keys = curveKeyPair();
    this.#introduced ??= PeerListener.open({
      listen: [address],
      keys,
      context: {
        chain: this.chain,
        version: "8.2",
        isNormal: () => false,
        height: () => 1,
        getBlock: () => null,
        digestForBlock: () => null,
        announce: { addPeer: () => false, randomPeer: () => null },
        push: () => {},
      },
    });
    const listeners = packConnections([parseConnection(address)]);
    const now = () => blockNumberKey(Math.floor(Date.now() / 1000));
    const reply = await this.request(["R", this.chain, keys.publicKey, listeners, now()], 5000);
    if (!reply) throw new Error(`${this.name}: no reply to R`);
    const end = Date.now() + timeoutMs;
    const asker = curveKeyPair().publicKey; // one more made-up entry in the node's table, whatever the tries
    for (;;) {
      const r = await this.request(["R", this.chain, asker, new Uint8Array(), now()], 2000);
      if (r && td.decode(r[0]) === "R") return;
      if (Date.now() > end) throw new Error(`${this.name}: R replies do not name the introduced peer within ${timeoutMs} ms\n${this.tail()}`);
      await Bun.sleep(50);
    }
  }

  /** Closes the introduced peer's listener (stopAll, after the nodes have stopped). */
  closeIntroduced(): void {
    this.#introduced?.close();
    this.#introduced = undefined;
  }

  /** Closes this helper's own client socket (the process is not touched). */
  closeClient(): void {
    this.#client?.close();
    this.#client = undefined;
  }

  /** The node's secret key as it must never appear in output: hex (both cases) and Z85. */
  secretForms(): string[] {
    return secretFormsOf(this.dir);
  }
}

/** The secret key in data directory `dir` (DATA/peer.private) as hex (both cases) and Z85; [] when it has none. */
export function secretFormsOf(dir: string): string[] {
  const path = join(dir, "peer.private");
  if (!existsSync(path)) return [];
  const key = parsePrivateKeyFile(readFileSync(path));
  const hex = Buffer.from(key).toString("hex");
  return [hex, hex.toUpperCase(), z85Encode(key)];
}

/** Every place a node's secret key shows up in any node's captured output: empty when none. */
export function secretLeaks(nodes: readonly NodeProcess[]): string[] {
  const leaks: string[] = [];
  const secrets = nodes.flatMap((owner) => owner.secretForms().map((form) => ({ owner: owner.name, form })));
  for (const n of nodes) {
    const text = existsSync(n.logPath) ? readFileSync(n.logPath, "utf8") : "";
    for (const s of secrets) if (text.includes(s.form)) leaks.push(`${s.owner}'s secret key in ${n.logPath}`);
  }
  return leaks;
}

/** Stops every node this process started (afterAll). */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((n) => n.stop()));
  for (const n of created) n.closeClient();
  for (const n of created) n.closeIntroduced();
}
