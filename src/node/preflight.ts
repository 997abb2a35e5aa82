/**
 * Everything about a configuration that can be checked before a node creates a file or binds a port: the data
 * directory (writable, not in use by a live node), the key files (present together, readable, matching), the
 * connection rules, the log file, and the listen and HTTP addresses (free right now). A mistake found here leaves
 * the data directory exactly as it was. What can still fail later (a port taken in between) is caught by
 * Node.start, which closes everything and lets the process exit 1.
 *
 * bunmark's own: bitmarkd checks these one at a time during its start-up, after creating files.
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { isFault } from "../base/fault.ts";
import { readPrivateKeyFile, readPublicKeyFile } from "../transport/keys.ts";
import { curvePublicKey } from "../transport/curve.ts";
import { ConfigError, hostPort } from "../base/config-values.ts";
import type { NodeConfig } from "./config.ts";

/** Files a running node keeps in its data directory. */
export const RUNNING_FILE = "node.json";
export const LOCAL_STATUS_SOCKET = "status.sock";

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The pid of a live node using `dir`, if any (node.json naming a running process other than this one). */
export function liveNodeIn(dir: string): number | undefined {
  try {
    const { pid } = JSON.parse(readFileSync(join(dir, RUNNING_FILE), "utf8")) as { pid: number };
    return pid !== process.pid && processAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function writableDirectory(dir: string, what: string): void {
  let probe = dir;
  while (!existsSync(probe)) probe = dirname(probe);
  if (!statSync(probe).isDirectory()) throw new ConfigError(`${what} ${dir}: ${probe} is not a directory`);
  try {
    accessSync(probe, constants.W_OK | constants.X_OK);
  } catch {
    throw new ConfigError(`${what} ${dir}: no permission to write in ${probe}`);
  }
}

function keyFile<T>(path: string, what: string, read: (p: string) => T): T {
  try {
    return read(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = isFault(e) ? e.text : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "is a directory" : `not a valid key file: ${e instanceof Error ? e.message : String(e)}`;
    throw new ConfigError(`${what} ${path}: ${reason}`);
  }
}

/** Checks the key files; returns the public key in hex when they exist (undefined: generated on first start). */
function checkKeys(cfg: NodeConfig): string | undefined {
  const { public_key: pub, private_key: priv } = cfg.peering;
  const generated = pub === join(cfg.data_directory, "peer.public") && priv === join(cfg.data_directory, "peer.private");
  const [hasPub, hasPriv] = [existsSync(pub), existsSync(priv)];
  if (generated && !hasPub && !hasPriv) return undefined;
  if (!hasPriv) throw new ConfigError(`private key file ${priv}: missing${hasPub ? ` (the public key file ${pub} exists)` : ""}`);
  const secret = keyFile(priv, "private key file", readPrivateKeyFile);
  const derived = Buffer.from(curvePublicKey(secret)).toString("hex");
  if (!hasPub) {
    if (generated) return derived; // the node derives the missing public file (a start killed halfway)
    throw new ConfigError(`public key file ${pub}: missing`);
  }
  const publicKey = Buffer.from(keyFile(pub, "public key file", readPublicKeyFile)).toString("hex");
  if (publicKey !== derived) throw new ConfigError(`public key file ${pub}: does not match private key file ${priv}`);
  return publicKey;
}

/** Whether a TCP listener can be opened on host:port now; the error code otherwise. */
export function tryListen(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? String(e)));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

const BIND_REASONS: Record<string, string> = {
  EADDRINUSE: "address in use (another program listens there)",
  EADDRNOTAVAIL: "address not available on this host",
  EACCES: "permission denied (ports below 1024 need privileges)",
};

async function checkBind(address: string, what: string): Promise<void> {
  const { host, port } = hostPort(address, what, true);
  const error = await tryListen(host, port);
  if (error !== undefined) throw new ConfigError(`${what} ${address}: ${BIND_REASONS[error] ?? error}`);
}

/** All checks; throws the first ConfigError. */
export async function preflight(cfg: NodeConfig): Promise<void> {
  const dir = cfg.data_directory;
  writableDirectory(dir, "data directory");
  const pid = liveNodeIn(dir);
  if (pid !== undefined) throw new ConfigError(`data directory ${dir}: another node (pid ${pid}) is running there`);
  if (cfg.log_file !== undefined) {
    const dir = dirname(cfg.log_file);
    if (!existsSync(dir)) throw new ConfigError(`log file ${cfg.log_file}: directory ${dir} does not exist`);
    writableDirectory(dir, `log file ${cfg.log_file}: directory`);
  }
  const self = checkKeys(cfg);
  cfg.peering.connect.forEach((c, i) => {
    if (c.public_key === self) throw new ConfigError(`peering.connect[${i}] ${c.address}: connecting to self forbidden (that is this node's public key)`);
  });
  // bitmarkd's only use of the setting: dynamic connections are made either way (protocol.md §13.2).
  if (!cfg.peering.dynamic_connections && cfg.peering.connect.length === 0) {
    throw new ConfigError("peering.dynamic_connections is false and peering.connect is empty: no connections available");
  }
  const seen = new Set<string>();
  for (const a of [...(cfg.listen_is_default ? [] : cfg.peering.listen), ...(cfg.http === undefined ? [] : [cfg.http])]) {
    if (seen.has(a)) throw new ConfigError(`${a}: configured twice (peer listener and HTTP need one address each)`);
    seen.add(a);
  }
  if (!cfg.listen_is_default) for (const a of cfg.peering.listen) await checkBind(a, "cannot listen on");
  if (cfg.http !== undefined) await checkBind(cfg.http, "cannot serve HTTP on");
}

/** Documentation address ranges (RFC 5737, RFC 3849): a sample value left in a configuration dials nobody. */
const DOCUMENTATION = /^(192\.0\.2\.|198\.51\.100\.|203\.0\.113\.|\[2001:db8:)/i;

/** One warning per connect or announce address in a documentation range. */
export function documentationAddresses(cfg: NodeConfig): string[] {
  const out: string[] = [];
  const note = (key: string, a: string) => out.push(`${key} ${a} is a documentation address (RFC 5737/3849): nothing answers there; replace it`);
  cfg.peering.connect.forEach((c, i) => DOCUMENTATION.test(c.address) && note(`peering.connect[${i}]`, c.address));
  cfg.peering.announce.forEach((a, i) => DOCUMENTATION.test(a) && note(`peering.announce[${i}]`, a));
  return out;
}
