/**
 * Reading the peer protocol's 8-byte big-endian frames (timestamps, heights, block numbers). Only the first
 * 8 bytes count, as in 8.2 (a longer frame is accepted, the rest ignored); the caller checks the length first.
 */
export function readBe64(frame: Uint8Array): bigint {
  return new DataView(frame.buffer, frame.byteOffset, 8).getBigUint64(0);
}
