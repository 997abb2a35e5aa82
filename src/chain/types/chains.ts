/** The three chains of bitmarkd 8.2 (chain/chains.go) and what differs between them. */

export const CHAINS = ["bitmark", "testing", "local"] as const;

export function isChainName(s: string): s is ChainName {
  return (CHAINS as readonly string[]).includes(s);
}
export type ChainName = (typeof CHAINS)[number];

/** Test-network flag: account variant bit 1 and BTC/LTC address networks. */
export function isTestnet(chain: ChainName): boolean {
  return chain !== "bitmark";
}

/**
 * Whether a block's digest must meet its difficulty. 8.2 checks it on every chain; bunmark skips it on
 * `local` only (as later bitmarkd versions do) so that test chains can be generated quickly.
 */
export function checksDigestDifficulty(chain: ChainName): boolean {
  return chain !== "local";
}
