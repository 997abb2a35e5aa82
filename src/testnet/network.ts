/**
 * A local network a newcomer can watch (issue 15): N `bunmark run` child processes on loopback, chain `local`,
 * each connected to all the others (dynamic connections off, `minimum_clients` N−1, short connector timings so
 * they reach Normal in seconds). Node 1 runs the proofer and the built-in miner (`run --mine=1`) and serves client
 * RPC on loopback (self-signed rpc.crt made on first start) so `bunmark create --data DIR/node-1` can feed it; on `local` the
 * first nonce wins, so a block is made whenever the verified pool has items (8.2 makes no empty blocks).
 *
 *   const net = await Testnet.start({ nodes: 3, dir: "testnet" });   // resolves once every node serves `I`
 *   net.nodes  → name, data directory, address, public key (+ proof endpoints on node 1)
 *   await net.status()  → per node: height, mode, tip digest (asked over the peer protocol, like any peer)
 *   await net.stop()    → SIGTERM to each, SIGKILL after 10 s; exit codes
 *
 * Each node's data directory is DIR/node-K (keys kept across runs, configuration rewritten with fresh ports);
 * its output goes to DIR/node-K/out.log.
 */
import { existsSync, mkdirSync, openSync, closeSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import { at } from "../base/at.ts";
import { blockNumberKey } from "../chain/types/header.ts";
import { toDisplayHex } from "../encoding/hex.ts";
import { writeProofIdentity } from "../proof/identity.ts";
import { makeSelfSignedCertificate, subjectNames, writeCertificateFiles } from "../rpc/certificate.ts";
import { curveKeyPair } from "../transport/curve.ts";
import { ensureKeyPair, readPublicKeyFile } from "../transport/keys.ts";
import { RequestClient } from "../transport/request-client.ts";
import { TestnetError } from "./errors.ts";

/** The sample configuration's testnet payment addresses (docs/proof.md §5): blocks made here pay nobody real. */
const PAYMENT_ADDRESS = { bitcoin: "msxN7C7cRNgbgyUzt3EcvrpmWXc59sZVN4", litecoin: "mjPkDNakVA4w4hJZ6WF7p8yKUV2merhyCM" };
/** Connector and proofer timings (ms) that make a fresh loopback network converge in seconds. */
const TIMING = { connector_cycle: 1000, upstream_poll: 1000, upstream_timeout: 5000, proof_interval: 2000, proof_pause: 1000 };
const STOP_GRACE_MS = 10_000;
const te = new TextEncoder();

export interface TestnetOptions {
  nodes: number;
  dir: string;
  /** how to run bunmark (this executable, or bun + src/main.ts) */
  command: readonly string[];
}

export interface TestnetNode {
  name: string;
  dir: string;
  /** `127.0.0.1:port` */
  address: string;
  publicKey: Uint8Array;
  /** node 1 only: the proofer's key and endpoints, for `bunmark mine --connect` */
  proof?: { publicKey: Uint8Array; publish: string; submit: string };
  /** node 1 only: client_rpc `127.0.0.1:port` (certificate DIR/rpc.crt) */
  rpc?: string;
}

export interface NodeStatus {
  name: string;
  height?: number;
  mode?: "Normal" | "Resynchronise";
  /** tip digest, display (big-endian) hex */
  digest?: string;
  /** set when the node did not answer */
  error?: string;
}

/** A TCP port free on 127.0.0.1 right now. */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen({ host: "127.0.0.1", port: 0 }, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolvePort(port));
    });
  });
}

/** Node K's configuration (pure): loopback listener, static connections to the others, node 1 with the proofer. */
export function nodeConfig(node: TestnetNode, others: readonly TestnetNode[], count: number): Record<string, unknown> {
  return {
    chain: "local",
    data_directory: node.dir,
    log_level: "info",
    peering: {
      listen: [node.address],
      announce: [node.address],
      connect: others.map((o) => ({ public_key: Buffer.from(o.publicKey).toString("hex"), address: o.address })),
      dynamic_connections: false,
      prefer_ipv6: false,
    },
    timing: { ...TIMING, minimum_clients: count - 1 },
    ...(node.rpc ? { client_rpc: { listen: [node.rpc] } } : {}),
    ...(node.proof ? { proofing: { publish: [node.proof.publish], submit: [node.proof.submit], payment_address: PAYMENT_ADDRESS } } : {}),
  };
}

export class Testnet {
  readonly #procs: Subprocess[] = [];
  readonly #clients: RequestClient[];

  private constructor(readonly nodes: TestnetNode[]) {
    this.#clients = nodes.map((n) => {
      const c = new RequestClient(curveKeyPair());
      c.connect(n.address, n.publicKey);
      return c;
    });
  }

  static async start(o: TestnetOptions): Promise<Testnet> {
    // registration (`R`) is answered only with a third peer to offer: fewer nodes never reach Normal mode
    if (!Number.isInteger(o.nodes) || o.nodes < 3 || o.nodes > 50) {
      throw new TestnetError({ code: "NODE_COUNT", nodes: o.nodes }, "--nodes must be between 3 and 50 (a node needs two other peers to reach Normal mode)");
    }
    const root = resolve(o.dir);
    const nodes: TestnetNode[] = [];
    for (let k = 1; k <= o.nodes; k++) {
      const dir = join(root, `node-${k}`);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const keys = ensureKeyPair(dir);
      const node: TestnetNode = { name: `node-${k}`, dir, address: `127.0.0.1:${await freePort()}`, publicKey: keys.publicKey };
      if (k === 1) {
        const files = { publicPath: join(dir, "proof.public"), privatePath: join(dir, "proof.private"), signingPath: join(dir, "proof.sign"), testnet: true };
        const proofKey = existsSync(files.publicPath) ? readPublicKeyFile(files.publicPath) : writeProofIdentity(files);
        node.proof = { publicKey: proofKey, publish: `127.0.0.1:${await freePort()}`, submit: `127.0.0.1:${await freePort()}` };
        const [certificate, privateKey] = [join(dir, "rpc.crt"), join(dir, "rpc.key")];
        if (!existsSync(certificate)) writeCertificateFiles(certificate, privateKey, makeSelfSignedCertificate(subjectNames("localhost", ["127.0.0.1"], [])));
        node.rpc = `127.0.0.1:${await freePort()}`;
      }
      nodes.push(node);
    }
    const net = new Testnet(nodes);
    for (const node of nodes) {
      const configPath = join(node.dir, "bunmark.json");
      writeFileSync(configPath, JSON.stringify(nodeConfig(node, nodes.filter((x) => x !== node), nodes.length), null, 1) + "\n");
      const out = openSync(join(node.dir, "out.log"), "a");
      try {
        const args = [...o.command, "run", "--config", configPath, ...(node.proof ? ["--mine=1"] : [])];
        net.#procs.push(Bun.spawn(args, { stdin: "ignore", stdout: out, stderr: out }));
      } finally {
        closeSync(out);
      }
    }
    return net;
  }

  /** Waits until every node answers `I`; throws naming those that do not within `timeoutMs` or have exited. */
  async ready(timeoutMs = 60_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const gone = this.nodes.filter((_, i) => at(this.#procs, i).exitCode !== null);
      if (gone.length > 0) {
        const nodes = gone.map((n) => n.name);
        throw new TestnetError({ code: "NODES_EXITED", nodes }, `${nodes.join(", ")} exited: see ${gone.map((n) => join(n.dir, "out.log")).join(", ")}`);
      }
      const s = await this.status();
      if (s.every((x) => x.error === undefined)) return;
      if (Date.now() > end) {
        const nodes = s.filter((x) => x.error).map((x) => x.name);
        throw new TestnetError({ code: "NOT_SERVING", nodes, ms: timeoutMs }, `not serving within ${timeoutMs} ms: ${nodes.join(", ")}`);
      }
      await Bun.sleep(500);
    }
  }

  async status(): Promise<NodeStatus[]> {
    return Promise.all(
      this.nodes.map(async (n, i): Promise<NodeStatus> => {
        const c = at(this.#clients, i);
        try {
          const [cmd, body] = await c.request([te.encode("local"), te.encode("I")], 2000);
          if (cmd === undefined || body === undefined || Buffer.from(cmd).toString() !== "I") return { name: n.name, error: "unexpected reply" };
          const info = JSON.parse(Buffer.from(body).toString()) as { height: number; normal: boolean };
          const [hCmd, digest] = await c.request([te.encode("local"), te.encode("H"), blockNumberKey(info.height)], 2000);
          const hasDigest = hCmd !== undefined && digest !== undefined && Buffer.from(hCmd).toString() === "H";
          return { name: n.name, height: info.height, mode: info.normal ? "Normal" : "Resynchronise", ...(hasDigest ? { digest: toDisplayHex(digest) } : {}) };
        } catch (e) {
          return { name: n.name, error: e instanceof Error ? e.message : String(e) };
        }
      }),
    );
  }

  /** SIGTERM to every node, SIGKILL after 10 s; their exit codes (or signal names). */
  async stop(): Promise<(number | string)[]> {
    for (const c of this.#clients) c.close();
    for (const p of this.#procs) if (p.exitCode === null) p.kill("SIGTERM");
    return Promise.all(
      this.#procs.map(async (p) => {
        const timer = setTimeout(() => p.kill("SIGKILL"), STOP_GRACE_MS);
        await p.exited;
        clearTimeout(timer);
        return p.exitCode ?? p.signalCode ?? "unknown";
      }),
    );
  }
}

