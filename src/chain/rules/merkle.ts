/**
 * Merkle tree of a block's transaction ids (merkle/merkle.go FullMerkleTree) and the text forms of 32-byte
 * digests (merkle/digest.go): printed/scanned text is byte-reversed ("display"), JSON text is storage order.
 *
 * See docs/records.md §1, §7.
 */
import { activeBackend } from "../../crypto/index.ts";
import { fail } from "../../base/fault.ts";
import { concatBytes, fromHex } from "../../encoding/hex.ts";

export const DIGEST_LENGTH = 32;

/**
 * All nodes of the tree, level by level: the leaves, then each level of sha3-256(left ‖ right) with an odd
 * last entry paired with itself, ending with the root. One leaf is its own root; no leaves → a zero root.
 */
export function fullMerkleTree(txIds: readonly Uint8Array[]): Uint8Array[] {
  if (txIds.length === 0) return [new Uint8Array(DIGEST_LENGTH)];
  const tree = [...txIds];
  const hash = activeBackend();
  let start = 0;
  for (let width = txIds.length; width > 1; width = (width + 1) >> 1) {
    for (let i = 0; i < width; i += 2) {
      const left = tree[start + i]!;
      const right = tree[start + Math.min(i + 1, width - 1)]!;
      tree.push(hash.sha3_256(concatBytes(left, right)));
    }
    start += width;
  }
  return tree;
}

/** Merkle root (storage order) of transaction ids in block order. */
export function merkleRoot(txIds: readonly Uint8Array[]): Uint8Array {
  return fullMerkleTree(txIds).at(-1)!;
}

/** Digest from display text (bitmarkd's %s / Scan form, byte-reversed): exactly 64 hex digits, else "not link". */
export function digestFromDisplayHex(text: string): Uint8Array {
  return digestFromHex(text).reverse();
}

/** Digest from JSON text (storage order): exactly 64 hex digits, else "not link". */
export function digestFromHex(text: string): Uint8Array {
  const bytes = fromHex(text);
  if (bytes === undefined || bytes.length !== DIGEST_LENGTH) fail("not link");
  return bytes;
}
