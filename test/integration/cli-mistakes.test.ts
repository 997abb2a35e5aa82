/**
 * Operator mistakes (issue 12, items 1, 2 and 4): each runs `bun src/main.ts …` in a fresh directory and must
 * exit 1 within 2 s, with a first stderr line that names the offending flag, key or file exactly as listed, and
 * leave the directory exactly as it was (no keys generated, no store, no node.json or status.sock).
 */
import { afterAll, expect, test } from "bun:test";
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { writeKeyPair } from "../../src/transport/keys.ts";
import { CLI } from "../support/paths.ts";
import { tempDirs } from "../support/temp-dirs.ts";

const tempDir = tempDirs("bunmark-mistake-");
const KEY = "590604e941c335032318e1eddd3d264403335e5d4cadb29fb3809dedf077cb76";
/** Permission cases run as an unprivileged user: as root, through setpriv as nobody (root may write anywhere). */
const root = process.getuid?.() === 0;
const setpriv = Bun.which("setpriv");
const asNobody = root && setpriv ? [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"] : [];

/** A TCP listener held for the whole file: its port is "taken". */
const held: Server[] = [];
afterAll(() => held.forEach((s) => s.close()));
async function takenPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen({ host: "127.0.0.1", port: 0 }, r));
  held.push(s);
  return (s.address() as { port: number }).port;
}

interface Mistake {
  name: string;
  /** arguments after `bun src/main.ts`; DIR is replaced by the case's directory */
  args: string[];
  /** the first stderr line; DIR replaced as above */
  first: string;
  /** files written before the run (relative to DIR); objects are written as JSON */
  files?: Record<string, unknown>;
  /** other preparation, returning extra replacements */
  setup?: (dir: string) => Promise<Record<string, string> | void> | Record<string, string> | void;
  skip?: string | false;
  /** run without privileges (see asNobody) */
  unprivileged?: boolean;
}

const cfg = (body: unknown): Pick<Mistake, "args" | "files"> => ({ args: ["run", "--config", "DIR/c.json"], files: { "c.json": body } });
const F = "bunmark run: DIR/c.json: ";

const MISTAKES: Mistake[] = [
  // flags
  { name: "misspelt flag", args: ["run", "--lisen", "127.0.0.1:2136"], first: "bunmark run: --lisen: unknown flag (did you mean --listen?) (see bunmark run --help)" },
  { name: "bitmarkd-style flag", args: ["run", "--datadir", "x"], first: "bunmark run: --datadir: unknown flag (did you mean --data?) (see bunmark run --help)" },
  { name: "unknown flag, nothing close", args: ["run", "--colour", "red"], first: "bunmark run: --colour: unknown flag (see bunmark run --help)" },
  { name: "listen without port", args: ["run", "--listen", "nonsense"], first: 'bunmark run: --listen "nonsense": missing :PORT' },
  { name: "listen port 0", args: ["run", "--listen", "127.0.0.1:0"], first: 'bunmark run: --listen "127.0.0.1:0": port must be 1 to 65535, got "0"' },
  { name: "listen port too big", args: ["run", "--listen", "127.0.0.1:70000"], first: 'bunmark run: --listen "127.0.0.1:70000": port must be 1 to 65535, got "70000"' },
  { name: "listen on a host name", args: ["run", "--listen", "localhost:2136"], first: 'bunmark run: --listen "localhost:2136": "localhost" is not an IP address' },
  { name: "IPv6 without brackets", args: ["run", "--listen", "::1:2136"], first: 'bunmark run: --listen "::1:2136": missing :PORT (write an IPv6 address as [ADDRESS]:PORT)' },
  { name: "http :::", args: ["run", "--http", ":::"], first: 'bunmark run: --http ":::": missing :PORT (write an IPv6 address as [ADDRESS]:PORT)' },
  { name: "http without port", args: ["run", "--http", "127.0.0.1"], first: 'bunmark run: --http "127.0.0.1": missing :PORT' },
  { name: "connect without port", args: ["run", "--connect", `${KEY}@127.0.0.1`], first: `bunmark run: --connect "${KEY}@127.0.0.1": missing :PORT` },
  { name: "connect to a host name", args: ["run", "--connect", `${KEY}@localhost:2136`], first: `bunmark run: --connect "${KEY}@localhost:2136": "localhost" is not an IP address` },
  { name: "connect with a short key", args: ["run", "--connect", "abc@127.0.0.1:2136"], first: 'bunmark run: --connect "abc@127.0.0.1:2136": the public key must be 64 hex digits' },
  { name: "connect without key", args: ["run", "--connect", "127.0.0.1:2136"], first: 'bunmark run: --connect "127.0.0.1:2136": expected PUBLIC_KEY@HOST:PORT' },
  { name: "announce without port", args: ["run", "--announce", "192.0.2.1"], first: 'bunmark run: --announce "192.0.2.1": missing :PORT' },
  { name: "unknown chain", args: ["run", "--chain", "mainnet"], first: 'bunmark run: --chain: "mainnet" is not one of bitmark, testing, local' },
  { name: "unknown log level", args: ["run", "--log-level", "verbose"], first: 'bunmark run: --log-level: "verbose" is not one of trace, debug, info, warn, error' },
  { name: "flag without value", args: ["run", "--config"], first: "bunmark run: --config needs a value (FILE) (see bunmark run --help)" },
  { name: "stray argument", args: ["run", "start"], first: 'bunmark run: unexpected argument: "start" (see bunmark run --help)' },
  { name: "flag given twice", args: ["run", "--chain", "local", "--chain", "testing"], first: "bunmark run: --chain given twice (see bunmark run --help)" },
  { name: "boolean flag given a value", args: ["status", "--json=yes"], first: "bunmark status: --json takes no value (see bunmark status --help)" },
  { name: "misspelt command", args: ["rnu"], first: "bunmark: rnu: unknown command (did you mean run?) (see bunmark --help)" },
  { name: "status: misspelt flag", args: ["status", "--conect", `${KEY}@127.0.0.1:2136`], first: "bunmark status: --conect: unknown flag (did you mean --connect?) (see bunmark status --help)" },
  { name: "status: connect without port", args: ["status", "--connect", `${KEY}@127.0.0.1`], first: `bunmark status: --connect "${KEY}@127.0.0.1": missing :PORT` },
  { name: "keygen: misspelt flag", args: ["keygen", "--dta", "x"], first: "bunmark keygen: --dta: unknown flag (did you mean --data?) (see bunmark keygen --help)" },
  { name: "bench: misspelt flag", args: ["bench", "crypto", "--runz", "3"], first: "bunmark bench: --runz: unknown flag (did you mean --runs?) (see bunmark bench --help)" },
  { name: "tx decode: not hex", args: ["tx", "decode", "zz"], first: 'bunmark tx: not transaction pack (input is not hex): character "z" at position 1 is not a hex digit' },
  { name: "block decode: odd length", args: ["block", "decode", "0a0"], first: "bunmark block: invalid block header size (input is not hex): odd number of hex digits (3)" },
  { name: "digest: not a header", args: ["digest", "00"], first: "bunmark digest: HEX is 1 bytes, a block header is 100 (--raw digests any input)" },

  // configuration file
  { name: "configuration file missing", args: ["run", "--config", "DIR/missing.json"], first: "bunmark run: DIR/missing.json: cannot read the configuration: no such file" },
  { name: "configuration is a directory", args: ["run", "--config", "DIR/sub"], setup: (d) => void mkdirSync(join(d, "sub")), first: "bunmark run: DIR/sub: cannot read the configuration: is a directory" },
  { name: "JSON syntax error", args: ["run", "--config", "DIR/c.json"], files: { "c.json": '{\n  "chain": "local",\n  "log_level": info\n}\n' }, first: `${F}not valid JSON at line 3, column 16: Unexpected identifier "info"` },
  { name: "configuration is a list", ...cfg([]), first: `${F}the configuration must be a JSON object` },
  { name: "unknown top-level key", ...cfg({ colour: "red" }), first: `${F}colour: unknown key` },
  { name: "misspelt top-level key", ...cfg({ chian: "local" }), first: `${F}chian: unknown key (did you mean chain?)` },
  { name: "http_port instead of http", ...cfg({ http_port: 8080 }), first: `${F}http_port: unknown key (did you mean http?)` },
  { name: "misspelt peering key", ...cfg({ peering: { lisen: ["127.0.0.1:2136"] } }), first: `${F}peering.lisen: unknown key (did you mean listen?)` },
  { name: "misspelt timing key", ...cfg({ timing: { connector_cycel: 500 } }), first: `${F}timing.connector_cycel: unknown key (did you mean connector_cycle?)` },
  { name: "a count that is not whole", ...cfg({ timing: { minimum_clients: 1.5 } }), first: `${F}timing.minimum_clients: must be a positive whole number (a count), got 1.5` },
  { name: "negative milliseconds", ...cfg({ timing: { connector_cycle: -5 } }), first: `${F}timing.connector_cycle: must be a positive whole number (milliseconds), got -5` },
  { name: "milliseconds as a string", ...cfg({ timing: { connector_cycle: "500" } }), first: `${F}timing.connector_cycle: must be a positive whole number (milliseconds), got "500"` },
  { name: "listen entry without port", ...cfg({ peering: { listen: ["nonsense"] } }), first: `${F}peering.listen[0] "nonsense": missing :PORT` },
  { name: "connect key not hex", ...cfg({ peering: { connect: [{ public_key: "zz", address: "127.0.0.1:1" }] } }), first: `${F}peering.connect[0].public_key: must be 64 hex digits, got "zz"` },
  { name: "connect address without port", ...cfg({ peering: { connect: [{ public_key: KEY, address: "127.0.0.1" }] } }), first: `${F}peering.connect[0].address "127.0.0.1": missing :PORT` },
  { name: "misspelt connect key", ...cfg({ peering: { connect: [{ public_key: KEY, adress: "127.0.0.1:1" }] } }), first: `${F}peering.connect[0].adress: unknown key (did you mean address?)` },
  { name: "boolean as a string", ...cfg({ peering: { dynamic_connections: "yes" } }), first: `${F}peering.dynamic_connections: must be true or false, got "yes"` },
  { name: "chain of the wrong type", ...cfg({ chain: 5 }), first: `${F}chain: 5 is not one of bitmark, testing, local` },
  { name: "unknown log level in the file", ...cfg({ log_level: "loud" }), first: `${F}log_level: "loud" is not one of trace, debug, info, warn, error` },
  { name: "data_directory not a string", ...cfg({ data_directory: 5 }), first: `${F}data_directory: must be a non-empty string, got 5` },
  { name: "client_rpc fingerprint", ...cfg({ client_rpc: { fingerprint: "x" } }), first: `${F}client_rpc.fingerprint: not a setting: the fingerprint is the SHA3-256 of client_rpc.certificate` },
  {
    name: "no connections possible",
    ...cfg({ peering: { dynamic_connections: false } }),
    first: "bunmark run: peering.dynamic_connections is false and peering.connect is empty: no connections available",
  },

  // files and permissions
  {
    name: "corrupt private key file",
    args: ["run", "--data", "DIR/d"],
    files: { "d/peer.private": "PRIVATE:zz\n", "d/peer.public": `PUBLIC:${KEY}\n` },
    first: "bunmark run: private key file DIR/d/peer.private: not a valid key file: encoding/hex: invalid byte: U+007A 'z'",
  },
  { name: "public key file without private", args: ["run", "--data", "DIR/d"], files: { "d/peer.public": `PUBLIC:${KEY}\n` }, first: "bunmark run: private key file DIR/d/peer.private: missing (the public key file DIR/d/peer.public exists)" },
  {
    name: "key files that do not match",
    args: ["run", "--data", "DIR/d"],
    setup: (d) => {
      writeKeyPair(join(d, "a.public"), join(d, "d", "peer.private"));
      writeKeyPair(join(d, "d", "peer.public"), join(d, "b.private"));
    },
    first: "bunmark run: public key file DIR/d/peer.public: does not match private key file DIR/d/peer.private",
    files: { "d/.keep": "" },
  },
  {
    name: "connecting to itself",
    args: ["run", "--data", "DIR/d", "--connect", "SELF@127.0.0.1:2136"],
    files: { "d/.keep": "" },
    setup: (d) => ({ SELF: Buffer.from(writeKeyPair(join(d, "d", "peer.public"), join(d, "d", "peer.private")).publicKey).toString("hex") }),
    first: "bunmark run: peering.connect[0] 127.0.0.1:2136: connecting to self forbidden (that is this node's public key)",
  },
  { name: "data directory is a file", args: ["run", "--data", "DIR/f"], files: { f: "x" }, first: "bunmark run: data directory DIR/f: DIR/f is not a directory" },
  {
    name: "data directory not writable",
    args: ["run", "--data", "DIR/ro/data"],
    setup: (d) => {
      mkdirSync(join(d, "ro"));
      chmodSync(join(d, "ro"), 0o500);
    },
    first: "bunmark run: data directory DIR/ro/data: no permission to write in DIR/ro",
    unprivileged: true,
    skip: root && !setpriv && "root may write anywhere and setpriv is missing",
  },
  {
    name: "configuration file not readable",
    args: ["run", "--config", "DIR/c.json"],
    files: { "c.json": "{}" },
    setup: (d) => chmodSync(join(d, "c.json"), 0o000),
    first: "bunmark run: DIR/c.json: cannot read the configuration: permission denied",
    unprivileged: true,
    skip: root && !setpriv && "root may read anything and setpriv is missing",
  },
  {
    name: "another node uses the data directory",
    args: ["run", "--data", "DIR/d"],
    files: { "d/node.json": { pid: process.pid, chain: "local", publicKey: KEY, listen: [] } },
    first: `bunmark run: data directory DIR/d: another node (pid ${process.pid}) is running there`,
  },
  { name: "log file in a missing folder", args: ["run", "--data", "DIR/d", "--log-file", "DIR/nowhere/n.log"], first: "bunmark run: log file DIR/nowhere/n.log: directory DIR/nowhere does not exist" },

  // ports
  { name: "listen port taken", args: ["run", "--data", "DIR/d", "--listen", "127.0.0.1:PORT"], setup: async () => ({ PORT: String(await takenPort()) }), first: "bunmark run: cannot listen on 127.0.0.1:PORT: address in use (another program listens there)" },
  { name: "http port taken", args: ["run", "--data", "DIR/d", "--listen", "127.0.0.1:FREE", "--http", "127.0.0.1:PORT"], setup: async () => ({ PORT: String(await takenPort()), FREE: String(await freePort()) }), first: "bunmark run: cannot serve HTTP on 127.0.0.1:PORT: address in use (another program listens there)" },
  { name: "the same address twice", args: ["run", "--data", "DIR/d", "--listen", "127.0.0.1:FREE", "--http", "127.0.0.1:FREE"], setup: async () => ({ FREE: String(await freePort()) }), first: "bunmark run: 127.0.0.1:FREE: configured twice (peer listener and HTTP need one address each)" },
  { name: "listen address not on this host", args: ["run", "--data", "DIR/d", "--listen", "192.0.2.1:2136"], first: "bunmark run: cannot listen on 192.0.2.1:2136: address not available on this host" },
];

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen({ host: "127.0.0.1", port: 0 }, r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

/** Every path under `dir` with its size and modification time. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const st = statSync(p);
      out.push(`${p} ${st.size} ${st.mtimeMs}`);
      if (e.isDirectory() && (st.mode & 0o700) === 0o700) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

test("at least 40 mistakes in the table", () => expect(MISTAKES.length).toBeGreaterThanOrEqual(40));

for (const m of MISTAKES) {
  test.skipIf(Boolean(m.skip))(m.name, async () => {
    const dir = tempDir();
    for (const [name, body] of Object.entries(m.files ?? {})) {
      mkdirSync(join(dir, name, ".."), { recursive: true });
      writeFileSync(join(dir, name), typeof body === "string" ? body : JSON.stringify(body));
    }
    const vars: Record<string, string> = { DIR: dir, ...((await m.setup?.(dir)) ?? {}) };
    const fill = (s: string) => Object.entries(vars).reduce((t, [k, v]) => t.replaceAll(k, v), s);
    const before = snapshot(dir);
    const t0 = performance.now();
    if (m.unprivileged && asNobody.length > 0) chmodSync(dir, 0o755);
    const r = Bun.spawnSync([...(m.unprivileged ? asNobody : []), process.execPath, CLI, ...m.args.map(fill)], { cwd: dir, stdout: "pipe", stderr: "pipe", env: { ...process.env, BUNMARK_LOG_LEVEL: "info" } });
    const ms = performance.now() - t0;
    const first = r.stderr.toString().split("\n")[0];
    expect(first).toBe(fill(m.first));
    expect(r.exitCode).toBe(1);
    expect(ms).toBeLessThan(2000);
    expect(snapshot(dir)).toEqual(before);
  });
}
