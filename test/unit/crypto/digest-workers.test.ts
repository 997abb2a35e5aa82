/**
 * The TypeScript backend's digest worker threads never keep a finished process alive: an idle pool lets a
 * script end on its own, shutdownDigestWorkers() abandons the digests in flight (their batch rejects), and a
 * node (`bunmark run`, BUNMARK_NATIVE=0) stopped with SIGTERM in the middle of a sync's digest batch exits 0
 * well within run.ts's 5 s promise.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { cachedChain } from "../../support/harness/chains.ts";
import { nodeSuite, servingNode } from "../../support/harness/node-suite.ts";
import { NodeProcess } from "../../support/node-process.ts";
import { runScript, type ScriptRun } from "../../support/run-script.ts";
import { ROOT } from "../../support/paths.ts";

const CRYPTO = JSON.stringify(join(ROOT, "src", "crypto", "index.ts"));
/** TypeScript digests take seconds each, on two cores shared with everything else. */
const SLOW = 120_000;

/** Runs `source` under this Bun with the TypeScript backend. */
function runTypeScriptBackend(source: string): Promise<ScriptRun> {
  const env: Record<string, string | undefined> = { ...process.env, BUNMARK_NATIVE: "0" };
  delete env.BUNMARK_REQUIRE_NATIVE;
  return runScript(process.execPath, source, { cwd: ROOT, env, killAfterMs: SLOW - 10_000 });
}

describe("TypeScript digest workers and process exit", () => {
  const cases = [
    {
      name: "a script whose batch has returned exits on its own",
      source: `import { activeBackend } from ${CRYPTO};
const hash = activeBackend();
const digests = await hash.blockDigestBatch([new Uint8Array(100), new Uint8Array(100).fill(1)]);
console.log(digests.length);
console.log(Date.now());`,
      result: "2",
    },
    {
      // More headers than workers on a 2-core machine: one waits in the queue and must not start after the shutdown.
      name: "shutdownDigestWorkers() rejects the batch in flight and lets the script exit",
      source: `import { activeBackend, shutdownDigestWorkers } from ${CRYPTO};
const hash = activeBackend();
const batch = hash.blockDigestBatch([1, 2, 3].map((i) => new Uint8Array(100).fill(i))).then(() => "resolved", (e) => e.message);
await Bun.sleep(300);
await shutdownDigestWorkers();
console.log(await batch);
console.log(Date.now());`,
      result: "digest pool closed",
    },
  ];

  test.each(cases)("$name (exit within 1 s)", async (c) => {
    const r = await runTypeScriptBackend(c.source);
    const [result, at] = r.stdout.trim().split("\n");
    expect({ code: r.code, result, stderr: r.stderr }).toEqual({ code: 0, result: c.result, stderr: "" });
    expect(r.exitedAt - Number(at)).toBeLessThan(1000);
  }, SLOW);
});

describe("a node with the TypeScript backend", () => {
  const root = nodeSuite("crypto-workers");

  test("SIGTERM during a sync's digest batch: exit code 0 within 5 s", async () => {
    // 10 blocks: the syncing node's first batch (8 headers, seconds each in TypeScript) is surely in flight.
    const chain = await cachedChain({ blocks: 10, seed: "crypto-workers" });
    const p = await servingNode(root, chain);
    const t = await NodeProcess.create({ root, name: "t", connect: [p.peer, p.peer, p.peer], env: { BUNMARK_NATIVE: "0" } });
    const since = t.mark();
    await t.start();
    await t.waitForLog(/connector: chain chosen/, { since, timeoutMs: 60_000 });
    await Bun.sleep(1000); // the blocks arrive over loopback in milliseconds; their digests take seconds
    // Blocks still to verify when the node stops (else this test proves nothing).
    expect(await t.height()).toBeLessThan(11);
    const stopping = t.mark();
    const started = performance.now();
    const code = await t.stop(20_000);
    const seconds = (performance.now() - started) / 1000;
    const output = t.output.slice(stopping);
    expect({ code, withinFiveSeconds: seconds < 5, tooLong: /took too long/.test(output) }).toEqual({
      code: 0,
      withinFiveSeconds: true,
      tooLong: false,
    });
    expect(output).toMatch(/node: stopped/);
  }, SLOW);
});
