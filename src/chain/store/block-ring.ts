/**
 * The ring of the 20 most recently stored blocks (bitmarkd 8.2 blockring/): number, digest and CRC per slot,
 * written round-robin. After a reset every slot holds the genesis values. It serves the pay nonce
 * (newest CRC), the 19 CRCs a proof is tried against (newest first; the oldest slot is skipped, as 8.2's
 * ring reader stops one short), and recent digests.
 *
 * See docs/records.md §11.2.
 */
import { at } from "../../base/at.ts";
import { crcBytes } from "../../encoding/crc64.ts";

export const RING_SIZE = 20;

export interface RingSlot {
  number: number;
  digest: Uint8Array;
  crc: bigint;
}

export class BlockRing {
  private readonly slots: RingSlot[] = [];
  /** next slot to write */
  private index = 0;

  constructor(genesis: RingSlot) {
    this.clear(genesis);
  }

  clear(genesis: RingSlot): void {
    this.slots.length = 0;
    for (let i = 0; i < RING_SIZE; i++) this.slots.push(genesis);
    this.index = 0;
  }

  put(slot: RingSlot): void {
    this.slots[this.index] = slot;
    this.index = (this.index + 1) % RING_SIZE;
  }

  newest(): RingSlot {
    return at(this.slots, (this.index + RING_SIZE - 1) % RING_SIZE);
  }

  /** CRCs of the 19 newest slots, newest first (8.2's RingReader). */
  proofCRCs(): bigint[] {
    const out: bigint[] = [];
    for (let k = 1; k < RING_SIZE; k++) out.push(at(this.slots, (this.index + RING_SIZE - k) % RING_SIZE).crc);
    return out;
  }

  /** Pay nonce: BE64 of the newest CRC. */
  payNonce(): Uint8Array {
    return crcBytes(this.newest().crc);
  }

  /** Digest of block `number` if its slot is still in the ring. */
  digestFor(number: number): Uint8Array | undefined {
    return this.slots.find((s) => s.number === number)?.digest;
  }
}
