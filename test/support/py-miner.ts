/**
 * Runs the independent miner test/support/py-miner.py (pyzmq + argon2-cffi) against a proofer.
 *
 *   const miner = startPyMiner({ publish, submit, serverKey, blocks: 1, anyDigest: true, timeoutS: 120 });
 *   const lines = await miner.result;   // every JSON line it printed (submissions, then {done, jobs, found})
 *   miner.kill();
 *
 * Unavailable (no zmq/argon2 in /usr/bin/python3) → pyMinerSkipReason() says why; CI=1 makes it an error.
 */
import { spawnSync } from "bun";
import { join } from "node:path";

const PYTHON = "/usr/bin/python3";
const SCRIPT = join(import.meta.dir, "py-miner.py");

export interface PyMinerRun {
  publish: string;
  submit: string;
  serverKey: Uint8Array;
  blocks: number;
  anyDigest: boolean;
  timeoutS: number;
}

export type PyMinerLine = { job?: string; nonce?: number; tries?: number; reply?: { job: string; ok: boolean; error?: string }; done?: boolean; found?: number; jobs?: number; hashes?: number; error?: string; job_keys?: string[]; header_keys?: string[] };

let available: boolean | undefined;

export function pyMinerSkipReason(): string | undefined {
  available ??= spawnSync([PYTHON, "-c", "import zmq, argon2.low_level; assert zmq.has('curve')"], { stderr: "ignore" }).exitCode === 0;
  if (available) return undefined;
  if (process.env.CI === "1") throw new Error(`${PYTHON} lacks zmq (python3-zmq) or argon2 (python3-argon2) but CI=1`);
  return `${PYTHON} cannot import zmq with CURVE and argon2 (install python3-zmq python3-argon2)`;
}

export function startPyMiner(run: PyMinerRun): { result: Promise<PyMinerLine[]>; kill(): void } {
  const input = JSON.stringify({
    publish: run.publish,
    submit: run.submit,
    server_key: Buffer.from(run.serverKey).toString("hex"),
    blocks: run.blocks,
    any_digest: run.anyDigest,
    timeout_s: run.timeoutS,
  });
  const proc = Bun.spawn([PYTHON, SCRIPT], { stdin: new TextEncoder().encode(input), stdout: "pipe", stderr: "pipe" });
  const result = (async () => {
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    if (code !== 0) throw new Error(`py-miner failed (${code}): ${err.trim()}`);
    return out.trim().split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as PyMinerLine);
  })();
  return { result, kill: () => proc.kill("SIGKILL") };
}
