/**
 * Merkle tree of a block's transaction ids (merkle/merkle.go FullMerkleTree). Digests are in storage order; their
 * text forms are in src/encoding/hex.ts (`toHex` for JSON, `toDisplayHex` for logs).
 *
 * See docs/records.md §1, §7.
 */
import { at } from "../../base/at.ts";
import { activeBackend } from "../../crypto/index.ts";
import { concatBytes } from "../../encoding/hex.ts";

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
      const left = at(tree, start + i);
      const right = at(tree, start + Math.min(i + 1, width - 1));
      tree.push(hash.sha3_256(concatBytes(left, right)));
    }
    start += width;
  }
  return tree;
}

/** Merkle root (storage order) of transaction ids in block order. */
export function merkleRoot(txIds: readonly Uint8Array[]): Uint8Array {
  const tree = fullMerkleTree(txIds);
  return at(tree, tree.length - 1);
}
