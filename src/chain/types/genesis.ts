/**
 * The two genesis blocks of bitmarkd 8.2 (genesis/genesis.go): block number 1, never stored in the block
 * table and never served by `B`; their digests (embedded constants, as bitmarkd embeds them) are the first
 * "previous block" of a chain, and their CRCs fill a fresh block ring. `testing` and `local` share the test block.
 *
 * See docs/records.md §13.
 */
import type { ChainName } from "./chains.ts";

export interface Genesis {
  /** complete packed block */
  block: Uint8Array;
  /** Argon2d digest of the header, storage order */
  digest: Uint8Array;
  /** CRC-64 of the block with initial value 1 (= the pay nonce of a node holding only genesis) */
  crc: bigint;
}

const hex = (s: string) => Uint8Array.from(Buffer.from(s, "hex"));

const LIVE: Genesis = Object.freeze({
  block: hex(
    "0100010001000000000000000000000000000000000000000000000000000000000000000000000000000000638c159c" +
      "1f113f70a9866d9a9e52e9efe9b9920848ad1df34851be8a562a998db79a805600000000ffffffffffffff00115a38bf" +
      "3a909fe1010014444f574e207468652052414242495420686f6c6521114a65f1d20650081276f01df43e70554e95498f" +
      "3778e56daa2c498203ae9c70e6f4cab9d2d2ccddb44c40c2a384ebc901a18a13a270aa9f5e080677d7ab2fd888a5f657" +
      "d2c6d4692e6fcde71c04b91be1400e7c1e8d5e2b3483c477fea17bc1dee005cc8d4df862770d0c",
  ),
  digest: hex("5c93f739eb01cdde305579f03ccfb37a742971313ff98d35b4c07c438faf1200"),
  crc: 0x445f81247a6fdeccn,
});

const TEST: Genesis = Object.freeze({
  block: hex(
    "0100010001000000000000000000000000000000000000000000000000000000000000000000000000000000ee07bbc3" +
      "d749e07d24b90cd1ec3514702e878522daf716c17324d666697b8a634b42785400000000ffffffffffffff00d44c2bca" +
      "ee40364701001d4269746d61726b2054657374696e672047656e6573697320426c6f636b2113b2b504827f30a8dc1b75" +
      "95ebb988dcf87cadac9e3a38f6be818c72be0335fa74f4cab9d2c2eedcb2544002a8bf5c21730324044079a5780a9cd2" +
      "2fc222b44c912917cea5b9d3770c138e8d3eae98b76c2e93a97e41c41bae36c8413708a994fec2f9ebc0f802983df601",
  ),
  digest: hex("8ae68bb87c4a926b8f12c5eeda9695bbdeaa9b280b57bc16545a2c8f7b80fe00"),
  crc: 0xd1cc53a056227402n,
});

export const GENESIS_NUMBER = 1;

export function genesisFor(chain: ChainName): Genesis {
  return chain === "bitmark" ? LIVE : TEST;
}
