/**
 * `bunmark run` stopped by SIGTERM in the middle of a sync: the process ends as soon as the node has stopped
 * (exit 0, store whole), not when the digest batch still running on a native thread finishes. That batch takes
 * seconds; on a loaded machine it outlasted run.ts's 4.5 s watchdog, which turned the clean stop into exit code 1.
 */
import { beforeAll, expect, test } from "bun:test";
import { cachedChain, loadChain, type SourceChain } from "../support/harness/chains.ts";
import { nodeSuite, servingNode } from "../support/harness/node-suite.ts";
import { figures, PROFILE } from "../support/harness/profile.ts";
import { checkStore } from "../support/harness/store-check.ts";
import { NodeProcess, secretLeaks } from "../support/node-process.ts";

const root = nodeSuite("run-stop");
let main: SourceChain;
let p: NodeProcess;

beforeAll(async () => {
  main = await loadChain(await cachedChain({ blocks: PROFILE.chainBlocks, seed: "reliability" }));
  p = await servingNode(root, main.dir);
}, 1_800_000);

test("SIGTERM during a sync: exit 0 within 1 s, the store whole", async () => {
  const t = await NodeProcess.create({ root, name: "t", connect: [p.peer, p.peer, p.peer] });
  await t.start();
  await t.waitFor("a first block stored", (i) => i.height > 1, 120_000);
  const started = performance.now();
  const code = await t.stop(20_000);
  const seconds = (performance.now() - started) / 1000;
  const after = await checkStore(t.dir, { main });
  // the figure the reliability report has carried under this name
  figures("crash/sigterm", { exit: code, seconds: seconds.toFixed(1), height: after.height, store_problems: after.problems.length });
  expect(after.problems).toEqual([]);
  expect(t.output).toContain("node: stopped"); // the last log line is written out before the exit
  expect({ code, seconds: seconds < 1 ? "< 1" : seconds.toFixed(1) }).toEqual({ code: 0, seconds: "< 1" });
  expect(secretLeaks([p, t])).toEqual([]); // as the crash suite checked for its SIGTERM node
}, 300_000);
