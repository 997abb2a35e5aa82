/**
 * kill -9 at seeded random moments: the driver of the crash-safety suite. A round starts the node, waits for
 * the moment, SIGKILLs it, and reports the highest height the node had acknowledged over the wire (`I`)
 * before it died — blocks it answered for must still be there after the restart, or they were lost.
 *
 *   const round = await killRound(node, rng);   // { moment, delayMs, acknowledged }
 *   const after = await checkStore(node.dir, sources);
 *   lost += Math.max(0, round.acknowledged - after.height);
 *
 * Moments: "startup" (while the process loads and opens its store), "timed" (any time once it serves),
 * "store" (right after its height changed: blocks are being written in a burst).
 */
import type { NodeProcess } from "../node-process.ts";
import type { Rng } from "./rng.ts";

export type KillMoment = "startup" | "timed" | "store";

export interface KillRound {
  readonly moment: KillMoment;
  /** time from spawn to the SIGKILL */
  readonly delayMs: number;
  /** the highest height the node reported before the kill (1 when it never answered) */
  readonly acknowledged: number;
}

/** Longest wait of a "timed" kill once the node serves; a "store" kill waits at most this long for a block. */
const MAX_TIMED_MS = 6000;
const MAX_STORE_WAIT_MS = 15_000;

/** One round: start, wait for a random moment (polling the height), kill -9. */
export async function killRound(node: NodeProcess, rng: Rng): Promise<KillRound> {
  const moment = rng.weighted<KillMoment>([
    [1, "startup"],
    [2, "timed"],
    [2, "store"],
  ]);
  const spawned = performance.now();
  let acknowledged = 1;
  const poll = async (until: () => boolean) => {
    while (!until() && node.running) {
      const i = await node.info(300);
      if (i) acknowledged = Math.max(acknowledged, i.height);
      else await Bun.sleep(20);
    }
  };
  if (moment === "startup") {
    await node.start({ wait: false });
    await Bun.sleep(rng.below(1500));
  } else {
    await node.start();
    if (moment === "timed") {
      const at = performance.now() + rng.below(MAX_TIMED_MS);
      await poll(() => performance.now() >= at);
    } else {
      const first = (await node.info(1000))?.height ?? 1;
      acknowledged = Math.max(acknowledged, first);
      const giveUp = performance.now() + MAX_STORE_WAIT_MS;
      await poll(() => acknowledged > first || performance.now() >= giveUp);
      await Bun.sleep(rng.below(30));
    }
  }
  const delayMs = performance.now() - spawned;
  await node.kill();
  return { moment, delayMs, acknowledged };
}
