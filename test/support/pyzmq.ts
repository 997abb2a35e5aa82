/**
 * Runs the independent pyzmq (system libzmq + libsodium) CURVE peers in test/helpers/ from tests.
 *
 *   const skip = pyzmqSkipReason();            // string when unavailable and not required, else undefined
 *   const { replies } = await pyzmqRequests({ address, serverKey, requests: [[frame, …], …], timeoutMs });
 *   // replies[i]: Uint8Array[] | "timeout"
 *   const srv = await pyzmqServer({ bind: "tcp://127.0.0.1:*", secretKey, count: 2, socket: "router" });
 *   srv.endpoint; …; const received = await srv.requests;   // every message as the socket saw it
 *
 * Unavailable = /usr/bin/python3 cannot import zmq; with CI=1 or BUNMARK_REQUIRE_PYZMQ=1 that is an error.
 */
import { spawnSync } from "bun";
import { join } from "node:path";
import { fromHex, toHex } from "./hex.ts";

const PYTHON = "/usr/bin/python3";
const CLIENT = join(import.meta.dir, "pyzmq-client.py");
const SERVER = join(import.meta.dir, "pyzmq-server.py");

export interface PyzmqRun {
  address: string;
  serverKey: Uint8Array;
  requests: Uint8Array[][];
  timeoutMs?: number;
  publicKey?: Uint8Array;
  secretKey?: Uint8Array;
  correlate?: boolean;
  relaxed?: boolean;
}

export interface PyzmqResult {
  replies: (Uint8Array[] | "timeout")[];
  zmqVersion: string;
}

let available: boolean | undefined;

/** Why pyzmq tests are skipped, or undefined when they run; throws when pyzmq is required but missing. */
export function pyzmqSkipReason(): string | undefined {
  available ??= spawnSync([PYTHON, "-c", "import zmq; assert zmq.has('curve')"], { stderr: "ignore" }).exitCode === 0;
  if (available) return undefined;
  if (process.env.CI === "1" || process.env.BUNMARK_REQUIRE_PYZMQ === "1") throw new Error(`${PYTHON} has no usable zmq module (python3-zmq) but CI=1/BUNMARK_REQUIRE_PYZMQ=1`);
  return `${PYTHON} cannot import zmq with CURVE (install python3-zmq)`;
}

export async function pyzmqRequests(run: PyzmqRun): Promise<PyzmqResult> {
  const input = JSON.stringify({
    address: run.address,
    server_key: toHex(run.serverKey),
    public_key: run.publicKey && toHex(run.publicKey),
    secret_key: run.secretKey && toHex(run.secretKey),
    requests: run.requests.map((r) => r.map(toHex)),
    timeout_ms: run.timeoutMs ?? 5000,
    correlate: run.correlate ?? true,
    relaxed: run.relaxed ?? true,
  });
  // Async spawn: the server under test runs in this process and must keep serving meanwhile.
  const proc = Bun.spawn([PYTHON, CLIENT], { stdin: new TextEncoder().encode(input), stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`pyzmq-client failed (${code}): ${err.trim()}`);
  const parsed = JSON.parse(out) as { replies: (string[] | "timeout")[]; zmq_version: string };
  return {
    replies: parsed.replies.map((r) => (r === "timeout" ? r : r.map((f) => fromHex(f)))),
    zmqVersion: parsed.zmq_version,
  };
}

export interface PyzmqServerRun {
  bind: string;
  secretKey: Uint8Array;
  count: number;
  socket?: "rep" | "router";
  timeoutMs?: number;
}

export interface PyzmqServer {
  endpoint: string;
  /** Resolves once the server answered `count` requests (or timed out waiting): what it received. */
  requests: Promise<Uint8Array[][]>;
}

export async function pyzmqServer(run: PyzmqServerRun): Promise<PyzmqServer> {
  const config = JSON.stringify({ bind: run.bind, secret_key: toHex(run.secretKey), count: run.count, socket: run.socket ?? "rep", timeout_ms: run.timeoutMs ?? 10000 });
  const proc = Bun.spawn([PYTHON, SERVER, config], { stdout: "pipe", stderr: "pipe" });
  const lines = proc.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const nextLine = async (): Promise<string> => {
    for (;;) {
      const nl = buffered.indexOf("\n");
      if (nl >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        return line;
      }
      const { value, done } = await lines.read();
      if (done) throw new Error(`pyzmq-server ended early: ${(await new Response(proc.stderr).text()).trim()}`);
      buffered += value;
    }
  };
  const { endpoint } = JSON.parse(await nextLine()) as { endpoint: string };
  const requests = nextLine().then((line) => (JSON.parse(line) as { requests: string[][] }).requests.map((r) => r.map((f) => fromHex(f))));
  return { endpoint, requests };
}
