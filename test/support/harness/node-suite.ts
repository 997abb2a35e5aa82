/**
 * The frame every test file that starts real nodes shares, so that none of them can forget a step of the clean-up:
 *
 *   const root = nodeSuite("load");                  // scratch dir; logs quiet while the file runs
 *   p = await servingNode(root, source.dir);         // in beforeAll: a node other nodes sync from
 *   connectEachToOthers(nodes);                      // nodes created, not started: a full mesh
 *
 * At the end of the file: logs restored, every node stopped, `beforeShutdown` run (sockets and stores the suite
 * opened itself: zmq_ctx_term waits for open sockets), the ZMQ context shut down and the directory removed.
 */
import { afterAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { shutdown } from "../../../src/transport/context.ts";
import { ensureKeyPair } from "../../../src/transport/keys.ts";
import { NodeProcess, stopAll } from "../node-process.ts";
import { quietLogsWhileRunning } from "./profile.ts";

export function nodeSuite(name: string, options: { beforeShutdown?: () => unknown } = {}): string {
  const root = mkdtempSync(join(tmpdir(), `bunmark-${name}-`));
  // registered first: bun runs afterAll hooks in order, so logs are restored before the nodes stop
  quietLogsWhileRunning();
  afterAll(async () => {
    await stopAll();
    await options.beforeShutdown?.();
    await shutdown();
    rmSync(root, { recursive: true, force: true });
  });
  return root;
}

/** Gives every node its key pair now and connects each to all the others: keys known before any start, so they start in any order. */
export function connectEachToOthers(nodes: readonly NodeProcess[]): void {
  for (const n of nodes) ensureKeyPair(n.dir);
  for (const n of nodes) n.writeConfig(nodes.filter((o) => o !== n).map((o) => o.peer));
}

/** Node `p` serving the chain in `chainDir`: started and introduced, so it alone stands for a syncing node's three upstreams. */
export async function servingNode(root: string, chainDir: string): Promise<NodeProcess> {
  const p = await NodeProcess.create({ root, name: "p", chainFrom: chainDir });
  await p.start();
  await p.introduce();
  return p;
}
