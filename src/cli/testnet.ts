/**
 * `bunmark testnet --nodes N [--dir DIR] [--every SECONDS]`: starts a local network of N nodes (src/testnet/network.ts),
 * prints each node's addresses, then a status line per node every few seconds (height, mode, tip digest), until
 * Ctrl-C / SIGTERM stops every node. DIR defaults to ./testnet; each node logs to DIR/node-K/out.log.
 */
import { setLogLevel } from "../base/log.ts";
import { cliCommand } from "../bench/shared.ts";
import { Testnet, type NodeStatus } from "../testnet/network.ts";
import { shutdown as shutdownWire } from "../transport/context.ts";
import { flag, intFlag, noExtraArgs, parseOrHelp, type CommandSpec } from "./args.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

function statusLine(s: NodeStatus): string {
  if (s.error !== undefined) return `${s.name}  not answering (${s.error})`;
  return `${s.name}  height ${s.height}  ${s.mode}  digest ${s.digest}`;
}

export const spec: CommandSpec = {
  name: "testnet",
  summary: "a local network of N nodes that makes blocks (node 1: proofer and built-in miner)",
  flags: [
    { name: "nodes", value: "N", default: "3", help: "nodes to start (3 to 50)" },
    { name: "dir", value: "DIR", default: "./testnet", help: "data directories DIR/node-K (keys kept across runs), logs DIR/node-K/out.log" },
    { name: "every", value: "SECONDS", default: "5", help: "status line interval" },
  ],
  example: "bunmark testnet --nodes 3 --dir /tmp/testnet",
};

export async function main(args: string[]): Promise<number> {
  const p = parseOrHelp(spec, args);
  if (p === 0) return 0;
  noExtraArgs(p);
  setLogLevel("warn");
  const everyMs = intFlag(p, "every", 5) * 1000;
  const signalled = new Promise<string>((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => resolve(signal));
  });
  const net = await Testnet.start({ nodes: intFlag(p, "nodes", 3), dir: flag(p, "dir") ?? "testnet", command: cliCommand() });
  let stopped = false;
  const stop = async () => {
    if (stopped) return 0;
    stopped = true;
    const codes = await net.stop();
    await shutdownWire();
    const clean = codes.every((c) => c === 0);
    console.log(`stopped ${codes.length} nodes${clean ? "" : ` (exit codes ${codes.join(", ")})`}`);
    return clean ? 0 : 1;
  };
  try {
    await Promise.race([net.ready(), signalled]);
  } catch (e) {
    await stop();
    throw e;
  }
  for (const n of net.nodes) {
    console.log(`${n.name}  peer ${n.address}  key ${hex(n.publicKey)}  data ${n.dir}`);
    if (n.proof) {
      const [, publishPort] = n.proof.publish.split(":");
      const [host, submitPort] = n.proof.submit.split(":");
      console.log(`${n.name}  proofer (mining with run --mine): bunmark mine --chain local --connect ${hex(n.proof.publicKey)}@${host}:${publishPort},${submitPort}`);
    }
    if (n.rpc) console.log(`${n.name}  client RPC ${n.rpc}: bunmark rpc Node.Info --data ${n.dir}   (bunmark create --data ${n.dir} … feeds it)`);
  }
  const timer = setInterval(async () => {
    if (stopped) return;
    for (const s of await net.status()) if (!stopped) console.log(statusLine(s));
  }, everyMs);
  const signal = await signalled;
  clearInterval(timer);
  console.log(`${signal}: stopping`);
  const code = await stop();
  process.stdout.end(() => process.exit(code));
  return code;
}
