/**
 * A fake ListenerContext for listener tests (handler tables and the end-to-end socket test): chain testing,
 * the test genesis digest for blocks ≤ 1, an optional set of stored blocks, a real Announce on a manual clock,
 * and a record of every push handed over.
 */
import type { ChainName } from "../../src/chain/types/chains.ts";
import { Announce } from "../../src/peer/announce/announce.ts";
import { ManualClock } from "../../src/base/clock.ts";
import type { ListenerContext } from "../../src/peer/listener/listener.ts";

/** Test genesis digest, storage order (protocol.md §5.5; observed `H` of block 1 on testing). */
export const TEST_GENESIS_DIGEST = "8ae68bb87c4a926b8f12c5eeda9695bbdeaa9b280b57bc16545a2c8f7b80fe00";
export const T0 = 1_700_000_000_000;

export interface FakeContext extends ListenerContext {
  normal: boolean;
  heightValue: number;
  readonly blocks: Map<number, { block: Uint8Array; digest: Uint8Array }>;
  readonly pushes: { command: string; parameters: Uint8Array[] }[];
  readonly clock: ManualClock;
  readonly ring: Announce;
}

export function fakeContext(options: { chain?: ChainName; selfKey?: Uint8Array } = {}): FakeContext {
  const clock = new ManualClock(T0);
  const ring = new Announce({ clock });
  ring.setSelf(options.selfKey ?? new Uint8Array(32).fill(0x55), new Uint8Array(Buffer.from("070858c0000255", "hex")));
  // The listener tests are about frames: every stored peer counts as reached, so R can name it (the peer
  // hygiene of R replies is tested in announce.test.ts).
  const add = ring.addPeer.bind(ring);
  ring.addPeer = (k, l, t) => {
    const added = add(k, l, t);
    ring.reached(k);
    return added;
  };
  const blocks = new Map<number, { block: Uint8Array; digest: Uint8Array }>();
  const ctx: FakeContext = {
    chain: options.chain ?? "testing",
    version: "8.2",
    normal: true,
    heightValue: 1,
    blocks,
    pushes: [],
    clock,
    ring,
    announce: ring,
    isNormal: () => ctx.normal,
    height: () => ctx.heightValue,
    getBlock: (n) => blocks.get(n)?.block ?? null,
    digestForBlock: (n) => (n <= 1 ? new Uint8Array(Buffer.from(TEST_GENESIS_DIGEST, "hex")) : (blocks.get(n)?.digest ?? null)),
    push: (command, parameters) => void ctx.pushes.push({ command, parameters: [...parameters] }),
  };
  return ctx;
}
