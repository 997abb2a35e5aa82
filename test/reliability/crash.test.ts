/**
 * Crash safety of a real node (`bunmark run`) killed with SIGKILL at seeded random moments
 * (test/harness/kill-loop.ts):
 *
 * - while it synchronises a generated chain from a serving node: after every kill its store must open, hold
 *   whole blocks only (2…height, nothing above, index tables matching; test/harness/store-check.ts), the
 *   blocks and digests of the source chain, and at least every block it had acknowledged over the wire;
 *   the last restart must complete the sync, every `H` matching the source;
 * - during fork recovery: a node on a fork of the majority chain is killed right after it logs the fork,
 *   while `deleteDownToBlock` runs — its store must be either the whole fork or cut back to the fork point
 *   (one write transaction), never in between; then it recovers and synchronises the majority chain.
 *
 * SIGTERM during a sync (exit 0, store whole) is test/cli-run-stop.test.ts.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { cachedChain, loadChain, type SourceChain } from "../support/harness/chains.ts";
import { type KillRound, killRound } from "../support/harness/kill-loop.ts";
import { nodeSuite, servingNode } from "../support/harness/node-suite.ts";
import { figures, PROFILE, SEED, withSeed } from "../support/harness/profile.ts";
import { Rng } from "../support/harness/rng.ts";
import { checkStore, type Sources, wireDigestsMatch } from "../support/harness/store-check.ts";
import { NodeProcess, secretLeaks } from "../support/node-process.ts";

const root = nodeSuite("crash");
let main: SourceChain;
let fork: SourceChain;
let p: NodeProcess;
const nodes: NodeProcess[] = [];

beforeAll(async () => {
  const seed = "reliability";
  main = await loadChain(await cachedChain({ blocks: PROFILE.chainBlocks, seed }));
  fork = await loadChain(await cachedChain({ blocks: PROFILE.forkBlocks, seed, forkAt: PROFILE.forkAt, base: PROFILE.chainBlocks }));
  p = await servingNode(root, main.dir);
  nodes.push(p);
}, 1_800_000);

/** Replaces the node's store with a copy of `dir`'s (the node must not be running). */
function resetStore(node: NodeProcess, dir?: string): void {
  rmSync(join(node.dir, "local.lmdb"), { force: true });
  rmSync(join(node.dir, "local.lmdb-lock"), { force: true });
  if (dir) copyFileSync(join(dir, "local.lmdb"), join(node.dir, "local.lmdb"));
}

function count<T extends string>(items: readonly T[]): string {
  const c: Record<string, number> = {};
  for (const i of items) c[i] = (c[i] ?? 0) + 1;
  return Object.entries(c).map(([k, v]) => `${k}:${v}`).join(",");
}

describe("crash safety", () => {
  test(
    "kill -9 at random moments during a sync: whole blocks only, nothing acknowledged is lost, the sync completes",
    () =>
      withSeed("crash/sync", async () => {
        const rng = new Rng(SEED).fork("crash-sync");
        const s = await NodeProcess.create({ root, name: "s", connect: [p.peer, p.peer, p.peer] });
        nodes.push(s);
        const sources: Sources = { main };
        const rounds: KillRound[] = [];
        const problems: string[] = [];
        let lost = 0;
        let survived = 0;
        let restarts = 0;
        const heights: number[] = [];
        for (let k = 0; k < PROFILE.syncKills; k++) {
          const round = await killRound(s, rng);
          rounds.push(round);
          const after = await checkStore(s.dir, sources);
          heights.push(after.height);
          problems.push(...after.problems.map((x) => `kill ${k} (${round.moment}): ${x}`));
          lost += Math.max(0, round.acknowledged - after.height);
          if (after.problems.length === 0 && after.height >= round.acknowledged) survived++;
          // Synchronised before the kills ran out: start again from nothing, so that every kill hits a sync.
          if (after.height === main.height) {
            resetStore(s);
            restarts++;
          }
        }
        const started = performance.now();
        await s.start();
        await s.waitFor("synchronised after the kills", (i) => i.height === main.height && i.normal, 600_000);
        const syncSeconds = (performance.now() - started) / 1000;
        const wrong = await wireDigestsMatch(s, main);
        await s.stop();
        const final = await checkStore(s.dir, sources);

        figures("crash/sync", {
          blocks: main.height - 1,
          kills: rounds.length,
          kills_survived: `${survived}/${rounds.length}`,
          moments: count(rounds.map((r) => r.moment)),
          heights_after_kills: heights.join(","),
          blocks_acknowledged_then_lost: lost,
          store_problems: problems.length + final.problems.length,
          fresh_restarts: restarts,
          final_sync_seconds: syncSeconds.toFixed(1),
        });
        expect(problems).toEqual([]);
        expect(lost).toBe(0);
        expect(survived).toBe(rounds.length);
        expect(wrong).toEqual([]);
        expect(final).toEqual({ height: main.height, branch: "main", problems: [] });
      }),
    3_600_000,
  );

  test(
    "kill -9 during fork recovery (deleteDownToBlock): the fork is whole or cut at the fork point, then recovered",
    () =>
      withSeed("crash/fork", async () => {
        const rng = new Rng(SEED).fork("crash-fork");
        const f = await NodeProcess.create({ root, name: "f", connect: [p.peer, p.peer, p.peer], timing: { fork_protection: 100_000 } });
        nodes.push(f);
        const sources: Sources = { main, fork, forkAt: PROFILE.forkAt };
        const outcomes: string[] = [];
        const problems: string[] = [];
        let lost = 0;
        for (let k = 0; k < PROFILE.forkKills; k++) {
          resetStore(f, fork.dir);
          const since = f.mark();
          await f.start({ wait: false });
          await f.waitForLog(/fork detected/, { since, timeoutMs: 120_000 });
          // The delete takes some 50…250 ms here: kills land before, inside and after its transaction.
          await Bun.sleep(rng.below(300));
          await f.kill();
          const after = await checkStore(f.dir, sources);
          problems.push(...after.problems.map((x) => `kill ${k}: ${x}`));
          // Shared blocks may never go; the fork's own blocks go all together or not at all.
          lost += Math.max(0, PROFILE.forkAt - after.height);
          if (after.branch === "fork" && after.height === fork.height) outcomes.push("fork-whole");
          else if (after.height === PROFILE.forkAt) outcomes.push("cut-at-fork-point");
          else if (after.branch === "main") outcomes.push("recovering");
          else problems.push(`kill ${k}: fork partly deleted (height ${after.height}, ${after.branch})`);
        }
        resetStore(f, fork.dir);
        const started = performance.now();
        const since = f.mark();
        await f.start();
        await f.waitFor("on the majority chain", (i) => i.height === main.height && i.normal, 600_000);
        const recoverSeconds = (performance.now() - started) / 1000;
        expect(f.output.slice(since)).toContain("fork detected");
        const wrong = await wireDigestsMatch(f, main);
        await f.stop();
        const final = await checkStore(f.dir, sources);

        figures("crash/fork", {
          fork_blocks_deleted: fork.height - PROFILE.forkAt,
          kills: outcomes.length,
          kills_survived: `${outcomes.length}/${PROFILE.forkKills}`,
          outcomes: count(outcomes),
          shared_blocks_lost: lost,
          store_problems: problems.length + final.problems.length,
          recover_seconds: recoverSeconds.toFixed(1),
        });
        expect(problems).toEqual([]);
        expect(lost).toBe(0);
        expect(wrong).toEqual([]);
        expect(final).toEqual({ height: main.height, branch: "main", problems: [] });
      }),
    3_600_000,
  );

  test("no secret key in any captured node output", () => {
    expect(secretLeaks(nodes)).toEqual([]);
  });
});
