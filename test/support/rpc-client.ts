/** Runs test/support/rpc-client.py (python3 ssl/json/socket: an RPC client with no bunmark code) on a script. */
import { join } from "node:path";

export type Step = [string, ...unknown[]];

export async function pyRpc(port: number, steps: Step[], host = "127.0.0.1"): Promise<any[]> {
  const proc = Bun.spawn(["python3", join(import.meta.dir, "rpc-client.py")], { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
  proc.stdin.write(JSON.stringify({ host, port, steps }));
  await proc.stdin.end();
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  if ((await proc.exited) !== 0) throw new Error(`rpc-client.py failed: ${err}`);
  return JSON.parse(out);
}
