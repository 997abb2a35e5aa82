/**
 * `bunmark status`: asks a running node `I` over the peer protocol (CURVE, like any peer would) and prints
 * height and mode; for a node on this machine (found through DATA/node.json) it also reads peers and counters
 * from the node's local status socket. The chain does not need to be known: a wrong one is answered
 * `E invalid chain … expect: X` and the request is repeated with X. With --json, failures are JSON too.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseConnectFlag } from "../node/config.ts";
import { LOCAL_STATUS_SOCKET, RUNNING_FILE, type RunningNode } from "../node/node.ts";
import type { StatusSnapshot } from "../http/status-server.ts";
import { setLogLevel } from "../base/log.ts";
import { curveKeyPair } from "../transport/curve.ts";
import { RequestClient, RequestTimeoutError } from "../transport/request-client.ts";
import { shutdown } from "../transport/context.ts";
import { flag, has, noExtraArgs, parseOrHelp, type CommandSpec, type ParsedArgs } from "./args.ts";
import { CliError } from "./errors.ts";

const TIMEOUT_MS = 5000;
const text = new TextDecoder();
const bytes = (s: string) => new TextEncoder().encode(s);

export const spec: CommandSpec = {
  name: "status",
  summary: "ask a running node for height, mode and peers",
  flags: [
    { name: "data", value: "DIR", default: "./data", help: "data directory of a node on this machine (its node.json)" },
    { name: "connect", value: "KEY@HOST:PORT", help: "ask any node instead (its public key and peer address)" },
    { name: "chain", value: "NAME", default: "bitmark (corrected from the node's answer)", help: "chain name sent with --connect" },
    { name: "peers", help: "list each peer: direction (outgoing upstream or incoming registration), registered, height, last heard (reply, or incoming registration), address, key (local node only)" },
    { name: "json", help: "one JSON object on stdout, also on failure" },
  ],
  example: "bunmark status --data /var/lib/bunmark --peers",
};

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
      let reply: Uint8Array[];
      try {
        reply = await client.request([bytes(chain), bytes("I")], TIMEOUT_MS);
      } catch (e) {
        if (!(e instanceof RequestTimeoutError)) throw e;
        const seconds = TIMEOUT_MS / 1000;
        throw new CliError({ code: "NO_REPLY", address, seconds }, `no reply from ${address} within ${seconds} s — wrong server key or nothing listening`);
      }
      const [cmd, body] = reply.map((f) => text.decode(f));
      if (cmd === "I" && body) return JSON.parse(body) as NodeInfo;
      const expect = cmd === "E" ? /expect: (\S+)$/.exec(body ?? "")?.[1] : undefined;
      if (!expect) throw new CliError({ code: "NODE_REPLY_INVALID", what: "I reply" }, `unexpected reply: ${reply.map((f) => Buffer.from(f).toString("hex")).join(" ")}`);
      chain = expect;
    }
    throw new CliError({ code: "CHAIN_NAME_REJECTED" }, "node keeps rejecting the chain name");
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

function target(p: ParsedArgs, dataDir: string): { address: string; key: Uint8Array; chain: string; local: boolean } {
  const connect = flag(p, "connect");
  if (connect !== undefined) {
    const c = parseConnectFlag(connect);
    return { address: c.address, key: new Uint8Array(Buffer.from(c.public_key, "hex")), chain: flag(p, "chain") ?? "bitmark", local: false };
  }
  let running: RunningNode;
  try {
    running = JSON.parse(readFileSync(join(dataDir, RUNNING_FILE), "utf8")) as RunningNode;
  } catch {
    throw new CliError({ code: "NO_RUNNING_NODE", dataDir }, `no running node found in ${dataDir} (start one with \`bunmark run\`, or use --connect KEY@HOST:PORT)`);
  }
  const [listen] = running.listen;
  if (listen === undefined) throw new CliError({ code: "NO_PEER_LISTENER", dataDir }, `the node in ${dataDir} listens for no peers (peering.listen is empty)`);
  return { address: hostPort(listen), key: new Uint8Array(Buffer.from(running.publicKey, "hex")), chain: running.chain, local: true };
}

export async function main(args: string[]): Promise<number> {
  setLogLevel("warn");
  const p = parseOrHelp(spec, args);
  if (p === 0) return 0;
  noExtraArgs(p);
  const json = has(p, "json");
  const dataDir = resolve(flag(p, "data") ?? "data");
  try {
    const t = target(p, dataDir);
    const info = await askInfo(t.address, t.key, t.chain);
    const snap = t.local ? await localSnapshot(dataDir) : undefined;
    if (json) {
      console.log(JSON.stringify({ ok: true, address: t.address, ...info, ...(snap ? { status: snap } : {}) }));
      return 0;
    }
    console.log(`node     ${t.address} (bitmarkd ${info.version} protocol, chain ${info.chain})`);
    console.log(`height   ${info.height}`);
    console.log(`mode     ${info.normal ? "Normal" : "Resynchronise"}`);
    if (snap) {
      console.log(`peers    ${snap.peersOut} upstream registered, ${snap.peersIn} incoming, ${snap.knownPeers} other nodes known`);
      console.log(`digest   ${snap.digestBackend}`);
      console.log(`uptime   ${snap.uptimeSeconds} s`);
      if (snap.rpc) {
        const calls = Object.entries(snap.rpc.requests).map(([m, n]) => `${m} ${n}`).join(", ");
        console.log(`rpc      ${snap.rpc.connections} connections, ${snap.rpc.refused} refused; requests: ${calls || "none"}`);
      }
      for (const [currency, c] of Object.entries(snap.payment ?? {})) {
        const block = c.lastBlock === null ? "" : `, block ${c.lastBlock}`;
        console.log(`payment  ${currency} ${c.source} ${c.state}${block}, ${c.paymentsMatched} matched of ${c.paymentsSeen} seen, ${c.orphansHeld} orphans`);
      }
      if (has(p, "peers")) {
        console.log("");
        console.log(`${"direction".padEnd(10)}${"registered".padEnd(11)}${"height".padEnd(9)}${"last heard".padEnd(12)}${"address".padEnd(24)}key`);
        for (const u of snap.peers) {
          const ago = u.lastReply === null ? "never" : `${Math.round((Date.now() - Date.parse(u.lastReply)) / 1000)} s ago`;
          console.log(`${u.direction.padEnd(10)}${String(u.registered).padEnd(11)}${String(u.height ?? "-").padEnd(9)}${ago.padEnd(12)}${(u.address ?? "-").padEnd(24)}${u.key ?? "-"}`);
        }
      }
    } else if (has(p, "peers")) console.log("peers    (listed for a node on this machine only: use --data)");
    return 0;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (!json) throw e;
    console.log(JSON.stringify({ ok: false, error: message }));
    console.error(`bunmark status: ${message}`);
    return 1;
  } finally {
    await shutdown();
  }
}
