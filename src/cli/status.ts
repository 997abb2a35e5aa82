/**
 * `bunmark status [--data DIR] [--connect PUBKEYHEX@HOST:PORT] [--json]`
 *
 * Asks a running node `I` over the peer protocol (CURVE, like any peer would) and prints height and mode; for a
 * node on this machine (found through DATA/node.json) it also reads peer counts from the node's local status
 * socket. The chain does not need to be known: a wrong one is answered `E invalid chain … expect: X` and the
 * request is repeated with X.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseConnectFlag } from "../node/config.ts";
import { LOCAL_STATUS_SOCKET, RUNNING_FILE, type RunningNode } from "../node/node.ts";
import type { StatusSnapshot } from "../http/status-server.ts";
import { setLogLevel } from "../base/log.ts";
import { curveKeyPair } from "../transport/curve.ts";
import { RequestClient } from "../transport/request-client.ts";
import { shutdown } from "../transport/context.ts";
import { flag, has, parseArgs } from "./args.ts";

const TIMEOUT_MS = 5000;
const text = new TextDecoder();
const bytes = (s: string) => new TextEncoder().encode(s);

interface NodeInfo {
  version: string;
  chain: string;
  normal: boolean;
  height: number;
}

async function askInfo(address: string, serverKey: Uint8Array, chain: string): Promise<NodeInfo> {
  const client = new RequestClient(curveKeyPair());
  try {
    client.connect(address, serverKey);
    for (let attempt = 0; attempt < 2; attempt++) {
      const reply = await client.request([bytes(chain), bytes("I")], TIMEOUT_MS);
      const [cmd, body] = reply.map((f) => text.decode(f));
      if (cmd === "I" && body) return JSON.parse(body) as NodeInfo;
      const expect = cmd === "E" ? /expect: (\S+)$/.exec(body ?? "")?.[1] : undefined;
      if (!expect) throw new Error(`unexpected reply: ${reply.map((f) => Buffer.from(f).toString("hex")).join(" ")}`);
      chain = expect;
    }
    throw new Error("node keeps rejecting the chain name");
  } finally {
    client.close();
  }
}

async function localSnapshot(dataDir: string): Promise<StatusSnapshot | undefined> {
  try {
    const res = await fetch("http://localhost/status", { unix: join(dataDir, LOCAL_STATUS_SOCKET) } as RequestInit);
    return res.ok ? ((await res.json()) as StatusSnapshot) : undefined;
  } catch {
    return undefined;
  }
}

function hostPort(endpoint: string): string {
  return endpoint.replace(/^tcp:\/\//, "");
}

export async function main(args: string[]): Promise<number> {
  setLogLevel("warn");
  const p = parseArgs(args, ["json"]);
  const dataDir = resolve(flag(p, "data") ?? "data");
  let target: { address: string; key: Uint8Array; chain: string };
  let local = false;
  const connect = flag(p, "connect");
  if (connect) {
    const c = parseConnectFlag(connect);
    target = { address: c.address, key: new Uint8Array(Buffer.from(c.public_key, "hex")), chain: flag(p, "chain") ?? "bitmark" };
  } else {
    let running: RunningNode;
    try {
      running = JSON.parse(readFileSync(join(dataDir, RUNNING_FILE), "utf8")) as RunningNode;
    } catch {
      throw new Error(`no running node found in ${dataDir} (start one with \`bunmark run\`, or use --connect KEY@HOST:PORT)`);
    }
    target = { address: hostPort(running.listen[0]!), key: new Uint8Array(Buffer.from(running.publicKey, "hex")), chain: running.chain };
    local = true;
  }
  try {
    const info = await askInfo(target.address, target.key, target.chain);
    const snap = local ? await localSnapshot(dataDir) : undefined;
    if (has(p, "json")) {
      console.log(JSON.stringify({ address: target.address, ...info, ...(snap ? { status: snap } : {}) }));
      return 0;
    }
    console.log(`node     ${target.address} (bitmarkd ${info.version} protocol, chain ${info.chain})`);
    console.log(`height   ${info.height}`);
    console.log(`mode     ${info.normal ? "Normal" : "Resynchronise"}`);
    if (snap) {
      console.log(`peers    ${snap.peersOut} upstream registered, ${snap.peersIn} incoming, ${snap.knownPeers} known`);
      console.log(`digest   ${snap.digestBackend}`);
      console.log(`uptime   ${snap.uptimeSeconds} s`);
      for (const [currency, c] of Object.entries(snap.payment ?? {})) {
        const block = c.lastBlock === null ? "" : `, block ${c.lastBlock}`;
        console.log(`payment  ${currency} ${c.source} ${c.state}${block}, ${c.paymentsMatched} matched of ${c.paymentsSeen} seen, ${c.orphansHeld} orphans`);
      }
    }
    return 0;
  } catch (e) {
    throw new Error(`${target.address}: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await shutdown();
  }
}
