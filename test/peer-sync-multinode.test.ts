/**
 * Real nodes (`bunmark run` processes) on loopback, chain `local`: three nodes holding a generated chain and
 * a fourth that synchronises from them, started in reverse order (no start-up dependency); a node on a short
 * fork that recovers; and the same fork refused when it is deeper than the fork protection (lowered through
 * the `timing` configuration so the test needs few Argon2 blocks). Heights and digests are read over the wire
 * (`I`, `H`) as any peer would.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { generateChain } from "../src/chain/generate.ts";
import { openStore } from "../src/chain/store.ts";
import { shutdown } from "../src/wire/context.ts";
import { curveKeyPair } from "../src/wire/curve.ts";
import { ensureKeyPair } from "../src/wire/keys.ts";
import { RequestClient } from "../src/wire/request-client.ts";

const MAIN_BLOCKS = 6; // height 7
const FORK_AT = 3; // the fork shares blocks 2…3
const FORK_BLOCKS = 4; // height 5: two blocks of its own
const SEED = "multinode";
const CLI = join(import.meta.dir, "..", "src", "cli.ts");
const te = new TextEncoder();
const td = new TextDecoder();

const root = mkdtempSync(join(tmpdir(), "bunmark-multinode-"));
const mainChain = join(root, "main");
const forkChain = join(root, "fork");
const running: Node[] = [];
/** One client per node: a RequestClient talks to one server at a time. */
const clients = new Map<string, RequestClient>();

interface Node {
  readonly name: string;
  readonly dir: string;
  readonly port: number;
  readonly key: Uint8Array;
  proc?: Subprocess;
}

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

/** A data directory with keys, optionally holding a copy of a generated chain. */
async function prepare(name: string, chainFrom?: string): Promise<Node> {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  if (chainFrom) cpSync(join(chainFrom, "local.lmdb"), join(dir, "local.lmdb"), { recursive: true });
  const { publicKey } = ensureKeyPair(dir);
  return { name, dir, port: await freePort(), key: publicKey };
}

function start(n: Node, connect: readonly Node[], timing: Record<string, number> = {}): void {
  const config = {
    chain: "local",
    data_directory: n.dir,
    log_level: "info",
    peering: {
      listen: [`127.0.0.1:${n.port}`],
      announce: [`127.0.0.1:${n.port}`],
      connect: connect.map((c) => ({ public_key: Buffer.from(c.key).toString("hex"), address: `127.0.0.1:${c.port}` })),
    },
    timing: { connector_cycle: 300, upstream_poll: 200, upstream_timeout: 3000, minimum_clients: Math.min(3, connect.length), ...timing },
  };
  const file = join(n.dir, "bunmark.json");
  writeFileSync(file, JSON.stringify(config));
  n.proc = Bun.spawn([process.execPath, CLI, "run", "--config", file], { stdout: Bun.file(join(n.dir, "out.log")), stderr: "inherit" });
  running.push(n);
}

async function stop(n: Node): Promise<void> {
  n.proc?.kill("SIGTERM");
  await n.proc?.exited;
}

function logOf(n: Node): string {
  return readFileSync(join(n.dir, "out.log"), "utf8");
}

/** One request to a node's listener; undefined when it does not answer in time. */
async function ask(n: Node, frames: string[] | Uint8Array[]): Promise<Uint8Array[] | undefined> {
  let client = clients.get(n.name);
  if (!client) {
    client = new RequestClient(curveKeyPair());
    client.connect(`127.0.0.1:${n.port}`, n.key);
    clients.set(n.name, client);
  }
  try {
    return await client.request([te.encode("local"), ...frames.map((f) => (typeof f === "string" ? te.encode(f) : f))], 1000);
  } catch {
    return undefined;
  }
}

async function info(n: Node): Promise<{ height: number; normal: boolean } | undefined> {
  const r = await ask(n, ["I"]);
  return r && td.decode(r[0]) === "I" ? JSON.parse(td.decode(r[1])) : undefined;
}

async function digest(n: Node, block: number): Promise<string> {
  const be = new Uint8Array(8);
  new DataView(be.buffer).setBigUint64(0, BigInt(block));
  const r = await ask(n, [te.encode("H"), be]);
  return r ? `${td.decode(r[0])}:${Buffer.from(r[1]!).toString("hex")}` : "no reply";
}

async function until(what: string, cond: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${what}: not reached within ${ms} ms`);
    await Bun.sleep(250);
  }
}

let A: Node, B: Node, C: Node;

beforeAll(async () => {
  for (const [dir, o] of [
    [mainChain, { blocks: MAIN_BLOCKS, seed: SEED }],
    [forkChain, { blocks: FORK_BLOCKS, seed: SEED, forkAt: FORK_AT }],
  ] as const) {
    const store = openStore(dir, "local");
    await generateChain(store, o);
    await store.close();
  }
  A = await prepare("a", mainChain);
  B = await prepare("b", mainChain);
  C = await prepare("c", mainChain);
}, 300_000);

afterAll(async () => {
  for (const n of running) await stop(n);
  for (const c of clients.values()) c.close();
  await shutdown();
  rmSync(root, { recursive: true, force: true });
});

describe("multi-node synchronisation", () => {
  test("a fourth node synchronises from three, all started in reverse order", async () => {
    const D = await prepare("d");
    // D first, its peers later: static peers are retried, never fatal at start-up.
    start(D, [A, B, C]);
    await Bun.sleep(500);
    start(C, [A, B]);
    start(B, [A, C]);
    start(A, [B, C]);
    await until("A, B, C in Normal mode", async () => (await Promise.all([A, B, C].map(info))).every((i) => i?.normal === true), 60_000);
    await until("D synchronised", async () => {
      const i = await info(D);
      return i?.height === MAIN_BLOCKS + 1 && i.normal;
    }, 240_000);
    for (let n = 2; n <= MAIN_BLOCKS + 1; n++) expect(await digest(D, n)).toBe(await digest(A, n));
    expect(logOf(D)).toContain("synchronised");
    await stop(D);
  }, 300_000);

  test("fork recovery: a node on a short fork replaces its own blocks", async () => {
    const E = await prepare("e", forkChain);
    const ownTip = await (async () => {
      const store = openStore(forkChain, "local");
      try {
        return Buffer.from(store.digestForBlock(FORK_BLOCKS + 1)).toString("hex");
      } finally {
        await store.close();
      }
    })();
    start(E, [A, B, C]);
    await until("E on the main chain", async () => (await info(E))?.height === MAIN_BLOCKS + 1, 240_000);
    for (let n = 2; n <= MAIN_BLOCKS + 1; n++) expect(await digest(E, n)).toBe(await digest(A, n));
    expect(await digest(E, FORK_BLOCKS + 1)).not.toBe(`H:${ownTip}`);
    expect(logOf(E)).toContain("fork detected");
    await stop(E);
  }, 300_000);

  test("fork protection: a fork as deep as the limit is refused and the node keeps its chain", async () => {
    const G = await prepare("g", forkChain);
    const depth = FORK_BLOCKS + 1 - FORK_AT; // local blocks that would be replaced
    start(G, [A, B, C], { fork_protection: depth });
    await until("fork protection logged twice", async () => (logOf(G).match(/fork protection/g) ?? []).length >= 2, 60_000);
    const i = await info(G);
    expect(i).toMatchObject({ height: FORK_BLOCKS + 1, normal: false });
    expect(await digest(G, FORK_AT)).toBe(await digest(A, FORK_AT));
    expect(await digest(G, FORK_AT + 1)).not.toBe(await digest(A, FORK_AT + 1));
    await stop(G);
  }, 120_000);
});
