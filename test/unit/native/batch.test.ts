/**
 * How the addon's blockDigestBatch shares the host: no host worker thread waits for a batch (async fs
 * operations, served by those threads in Bun, go on during batches), and a settled batch leaves nothing that
 * keeps the process alive — under Bun and under node (which loads the addon in some benches).
 */
import { expect, test } from "bun:test";
import { readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runScript } from "../../support/run-script.ts";
import { addon as maybeAddon, describeNative, vectors } from "../../support/native-setup.ts";
import { ROOT } from "../../support/paths.ts";

/** Digest tests share two cores with everything else running: allow for a slow machine. */
const SLOW = 60_000;
const ADDON_PATH = process.env.BUNMARK_NATIVE_PATH
  ? resolve(process.env.BUNMARK_NATIVE_PATH)
  : join(ROOT, "native", "bunmark.node");

describeNative("native batches and the host", () => {
  const addon = maybeAddon!;
  const file = join(tmpdir(), `bunmark-native-batch-${process.pid}`);

  /** Worst time (ms) of `rounds` small writeFile + readFile round trips, one after the other. */
  async function worstFileRoundTrip(rounds: number): Promise<number> {
    let worst = 0;
    for (let i = 0; i < rounds; i++) {
      const started = performance.now();
      await writeFile(file, `round ${i}`);
      expect(await readFile(file, "utf8")).toBe(`round ${i}`);
      worst = Math.max(worst, performance.now() - started);
    }
    return worst;
  }

  test("async file I/O completes while batches run (< 100 ms over the idle figure)", async () => {
    // One batch per host pool thread and then some (the host sizes its pool by the cores): with a host
    // thread held per batch, every one of them would be taken and the I/O would wait for a digest.
    const count = Math.max(3, addon.digestThreads() + 1);
    const headers = Array.from({ length: count }, (_, i) => new Uint8Array(100).fill(i + 1));
    try {
      const idle = await worstFileRoundTrip(5);
      let settled = false;
      const started = performance.now();
      const batches = Promise.all(headers.map((h) => addon.blockDigestBatch([h]))).then((r) => {
        settled = true;
        return r;
      });
      await Bun.sleep(20); // the batches reach the digest threads
      const busy = await worstFileRoundTrip(3);
      const ioDoneFirst = !settled;
      const results = await batches;
      const elapsed = performance.now() - started;
      // The measurement means something only if the digests were still running during the I/O.
      expect({ ioDoneFirst, longBatch: elapsed > busy + 50 }).toEqual({ ioDoneFirst: true, longBatch: true });
      expect(busy).toBeLessThan(100 + idle);
      expect(results.map((r) => r.length)).toEqual(headers.map(() => 1));
    } finally {
      await rm(file, { force: true });
    }
  }, { timeout: SLOW, retry: 2 });

  const genesis = vectors.block_digests[0]!;
  /** Loads the addon, digests one header in a batch, prints the digest and the time of the result, returns. */
  const script = `const addon = require(${JSON.stringify(ADDON_PATH)});
addon.blockDigestBatch([Buffer.from(${JSON.stringify(genesis.header_hex)}, "hex")]).then((r) => {
  console.log(Buffer.from(r[0]).toString("hex") + " " + Date.now());
});`;
  const runtimes = [
    { name: "bun", exe: process.execPath },
    { name: "node", exe: Bun.which("node") },
  ];

  for (const r of runtimes) {
    test.skipIf(!r.exe)(`${r.name}: a script exits on its own within 1 s of its last batch's result`, async () => {
      const { code, stdout, stderr, exitedAt } = await runScript(r.exe!, script, { killAfterMs: SLOW - 5_000 });
      const [digest, resultAt] = stdout.trim().split(" ");
      expect({ code, digest, stderr }).toEqual({
        code: 0,
        digest: genesis.digest_storage_hex,
        stderr: "",
      });
      expect(exitedAt - Number(resultAt)).toBeLessThan(1000);
    }, SLOW);
  }
});
