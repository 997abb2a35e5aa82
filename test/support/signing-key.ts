/** Signing key file texts for the proof tests (src/proof/identity.ts reads them; bunmark itself writes only `SEED:`). */
import type { PrivateKey } from "../../src/chain/types/account.ts";
import { toHex } from "./hex.ts";

/** `PRIVATE:` + hex of variant ‖ key (variant: algorithm << 4, test bit 0x02, public bit clear; docs/records.md §3.1). */
export function privateKeyText(key: PrivateKey): string {
  return `PRIVATE:${toHex(Uint8Array.of((key.algorithm << 4) | (key.testnet ? 0x02 : 0), ...key.privateKey))}`;
}
