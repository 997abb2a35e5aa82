/**
 * A real node serving client_rpc and https_rpc in Normal mode, for tests that drive the RPC methods. A lone node
 * never leaves Resynchronise: it gets one upstream serving the same chain (plus a made-up third peer, so its
 * registration succeeds, see NodeProcess.introduce) and `minimum_clients` 1, so it votes, finds nothing to
 * fetch and goes Normal. The certificate comes from `bunmark gen-rpc-cert`.
 *
 *   const { node, port, https, fingerprint } = await normalRpcNode(root, { chainFrom, announce: "127.0.0.1:2130" });
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { NodeProcess } from "./node-process.ts";
import { CLI } from "./paths.ts";
import { pyRpc } from "./rpc-client.ts";

export interface RpcNode {
  node: NodeProcess;
  upstream: NodeProcess;
  /** client_rpc port on 127.0.0.1 */
  port: number;
  /** https_rpc `host:port` */
  https: string;
  fingerprint: string;
}

export async function normalRpcNode(root: string, o: { chainFrom?: string; announce?: string; name?: string } = {}): Promise<RpcNode> {
  const upstream = await NodeProcess.create({ root, name: `${o.name ?? "m"}-upstream`, chainFrom: o.chainFrom });
  await upstream.start();
  await upstream.introduce();
  const node = await NodeProcess.create({
    root,
    name: o.name ?? "m",
    chainFrom: o.chainFrom,
    connect: [upstream.peer],
    timing: { minimum_clients: 1 },
    sections: {
      client_rpc: { listen: ["127.0.0.1:0"], ...(o.announce ? { announce: [o.announce] } : {}) },
      https_rpc: { listen: ["127.0.0.1:0"], allow: { details: ["127.0.0.1"], connections: ["127.0.0.1"], peers: ["127.0.0.1"] } },
    },
  });
  const cert = Bun.spawnSync([process.execPath, CLI, "gen-rpc-cert", "--data", node.dir]);
  if (cert.exitCode !== 0) throw new Error(`gen-rpc-cert: ${cert.stderr}`);
  await node.start();
  const running = JSON.parse(readFileSync(join(node.dir, "node.json"), "utf8"));
  const ep: string = running.rpc.listen[0];
  const port = Number(ep.slice(ep.lastIndexOf(":") + 1));
  const end = Date.now() + 60_000;
  for (;;) {
    const r = await pyRpc(port, [["connect", 0], ["send", 0, '{"method":"Node.Info","params":[{}],"id":0}'], ["recv", 0, 1, 10]]);
    if (r[1].lines[0]?.includes('"mode":"Normal"')) break;
    if (Date.now() > end) throw new Error(`${node.name}: not Normal within 60 s\n${node.tail()}`);
    await Bun.sleep(300);
  }
  await Bun.sleep(200); // the probe's connection closed: tests that read `rpcs` count only their own
  return { node, upstream, port, https: running.rpc.https[0], fingerprint: running.rpc.fingerprint };
}
