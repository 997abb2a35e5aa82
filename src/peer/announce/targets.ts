/**
 * Dynamic connection targets (announce/announcer.go determineConnections, docs/wire.md §6.5), exactly as
 * 8.2 chooses them, quirks included: the target labelled "N3" is the second successor, and the X25/X50/X75
 * duplicate checks compare against the third successor, not the "N3" target.
 */
import { at } from "../../base/at.ts";
import type { PeerEntry } from "./ring.ts";

export type TargetLabel = "N1" | "N3" | "X25" | "X50" | "X75";

export interface Target {
  readonly label: TargetLabel;
  readonly publicKey: Uint8Array;
  readonly listeners: Uint8Array;
}

/** Targets for the node at index `self` of the key-ordered ring, in 8.2's sending order. */
export function selectTargets(ring: readonly PeerEntry[], self: number): Target[] {
  const count = ring.length;
  if (self < 0 || self >= count) return [];
  const succ = (i: number) => (i + 1) % count;
  const out: Target[] = [];
  const send = (label: TargetLabel, i: number) => {
    const { publicKey, listeners } = at(ring, i);
    out.push({ label, publicKey, listeners });
  };

  const n1 = succ(self);
  if (n1 === self) return out;
  send("N1", n1);
  const n2 = succ(n1);
  if (n2 === self) return out;
  const n3 = succ(n2);
  if (n3 === self) return out;
  if (n3 !== n1) send("N3", n2);

  const quarter = Math.floor(count / 4);
  const i25 = (self + quarter) % count;
  const i50 = (self + Math.floor(count / 2)) % count;
  const i75 = (i50 + quarter) % count;
  if (i25 !== n1 && i25 !== n3) send("X25", i25);
  if (i50 !== n1 && i50 !== n3 && i50 !== i25) send("X50", i50);
  if (i75 !== n1 && i75 !== n3 && i75 !== i25 && i75 !== i50) send("X75", i75);
  return out;
}
