/** Runs (with Debian's python3, which has python3-nacl) test/support/rpc-writes.py (python3 ssl/json/hashlib/nacl: a wallet with no bunmark code) on a script. */
import { join } from "node:path";

export async function pyWrites(port: number, steps: unknown[][], host = "127.0.0.1"): Promise<any[]> {
  const proc = Bun.spawn(["/usr/bin/python3", join(import.meta.dir, "rpc-writes.py"), JSON.stringify({ host, port, steps })], { stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  if ((await proc.exited) !== 0) throw new Error(`rpc-writes.py failed: ${err}`);
  return JSON.parse(out);
}
