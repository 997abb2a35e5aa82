/**
 * The chain's push handler table: a `block` a peer pushed (peer/process.go's "block" case, which queues it for
 * blockrecord/Blockstore). Deliberate deviation: 8.2 pays a block's Argon2 digest before it finds that the
 * block does not extend the tip; push errors never travel back to the sender, so here such blocks (stale,
 * duplicate, forked, hostile) are dropped first, and a block ahead of the local chain is reported so the
 * connector can ask the upstreams' heights at once.
 */
import { extendsTip, HEADER_SIZE, unpackHeader } from "./types/header.ts";
import { logger } from "../base/log.ts";

const log = logger("push");

export interface PushedBlockDeps {
  /** The chain store (src/chain/store/store.ts): its tip, and its validating, serial write of a block. */
  readonly store: { tip(): { height: number; digest: Uint8Array }; storeIncoming(packed: Uint8Array): Promise<unknown> };
  /** A pushed block numbered `number` does not extend the tip (it may be ahead of the local chain). */
  blockAhead(number: number): void;
}

/** `{ block }` for the push dispatcher: resolves true (relay) once the block is stored. */
export function blockHandlers(d: PushedBlockDeps): { block: (packed: Uint8Array) => Promise<boolean> } {
  return {
    async block(packed) {
      if (!extendsTip(packed, d.store.tip())) {
        log.debug("pushed block does not extend the tip", { bytes: packed.length });
        if (packed.length >= HEADER_SIZE) d.blockAhead(unpackHeader(packed).number);
        return false;
      }
      await d.store.storeIncoming(packed);
      return true;
    },
  };
}
