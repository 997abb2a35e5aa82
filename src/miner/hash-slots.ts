/**
 * Independent hashing loops over one digest backend, as the miner and `bench mine` hash: `slots` loops, each
 * awaiting one digest at a time, so a thread that finishes takes its next header at once. (Batches of `slots`
 * headers made every batch as slow as its slowest digest and left the threads idle in between: two native threads
 * reached 1.69× one on the development VM, 1.75–1.78× this way.)
 */
export async function runSlots(slots: number, step: () => Promise<boolean>): Promise<void> {
  await Promise.all(Array.from({ length: slots }, async () => {
    while (await step());
  }));
}
