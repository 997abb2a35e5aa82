/**
 * The chain's push handler table: a `block` a peer pushed (peer/process.go's "block" case, which queues it for
 * blockrecord/Blockstore). Deliberate deviation: 8.2 pays a block's Argon2 digest before it finds that the
 * block does not extend the tip; push errors never travel back to the sender, so here such blocks (stale,
 * duplicate, forked, hostile) are dropped first, and a block ahead of the local chain is reported so the
 * connector can ask the upstreams' heights at once. The check runs in the block's turn in the store's serial
 * section, against the tip the blocks stored before it left, so blocks pushed back to back are each judged
 * against their predecessor.
 */
import { extendsTip, HEADER_SIZE, unpackHeader } from "./types/header.ts";
import { logger } from "../base/log.ts";

const log = logger("push");

export interface PushedBlockDeps {
  /**
   * The chain store (src/chain/store/store.ts): its validating, serial write of a block; `onlyIf` is asked in the
   * block's turn, before the digest, and false resolves undefined.
   */
  readonly store: {
    storeIncoming(packed: Uint8Array, options: { onlyIf: (tip: { height: number; digest: Uint8Array }) => boolean }): Promise<object | undefined>;
  };
  /** A pushed block numbered `number` does not extend the tip (it may be ahead of the local chain). */
  blockAhead(number: number): void;
}

/**
 * `{ block }` for the push dispatcher: resolves true (relay) once the block is stored. A block still waiting for
 * its turn when the dispatcher stops (`stopped`) is dropped there, unexamined.
 */
export function blockHandlers(d: PushedBlockDeps): { block: (packed: Uint8Array, parameters: readonly Uint8Array[], stopped: AbortSignal) => Promise<boolean> } {
  return {
    async block(packed, _parameters, stopped) {
      if ((await d.store.storeIncoming(packed, { onlyIf: (tip) => !stopped.aborted && extendsTip(packed, tip) })) !== undefined) return true;
      if (stopped.aborted) return false;
      log.debug("pushed block does not extend the tip", { bytes: packed.length });
      if (packed.length >= HEADER_SIZE) d.blockAhead(unpackHeader(packed).number);
      return false;
    },
  };
}
