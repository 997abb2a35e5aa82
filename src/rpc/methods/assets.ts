/**
 * `Assets.Get` (bitmarkd 8.2 rpc/assets.go `Get`, rpc.md §6.1): up to 100 fingerprints → one entry each, from
 * the confirmed Assets table or else the pending asset cache; a missing or undecodable asset is a zero entry.
 */
import { fail } from "../../base/fault.ts";
import { assetIdOf } from "../../chain/types/records/ids.ts";
import { RECORD_NAMES } from "../../chain/types/records/types.ts";
import { unpackRecord } from "../../chain/types/records/unpack.ts";
import { toHex } from "../../encoding/hex.ts";
import { utf8Bytes } from "../../encoding/utf8.ts";
import { decodeArgument, go } from "../go-decode.ts";
import { recordData } from "../records.ts";
import { requireNormal, type MethodDeps } from "./deps.ts";

const MAXIMUM_ASSETS = 100;

const ARGUMENTS = go.struct("rpc.AssetGetArguments", { fingerprints: go.slice("[]string", go.string) });

const MISSING = { record: "", confirmed: false, data: null };

function assetEntry(deps: MethodDeps, fingerprint: string): unknown {
  const id = assetIdOf(utf8Bytes(fingerprint));
  const confirmed = deps.store.asset(id)?.packed;
  const packed = confirmed ?? deps.reservoir.reservoir.assets.get(id);
  if (packed === undefined) return MISSING;
  let rec;
  try {
    rec = unpackRecord(packed, deps.reservoir.reservoir.testnet).record;
  } catch {
    return MISSING;
  }
  return { record: RECORD_NAMES[rec.tag], confirmed: confirmed !== undefined, id: toHex(id), data: recordData(rec) };
}

export function get(arg: unknown, deps: MethodDeps): unknown {
  const { fingerprints } = decodeArgument<{ fingerprints: string[] | null }>(arg, ARGUMENTS);
  const count = fingerprints?.length ?? 0;
  if (count > MAXIMUM_ASSETS) fail("too many items to process");
  if (count === 0) fail("missing parameters");
  requireNormal(deps);
  return { assets: fingerprints!.map((f) => assetEntry(deps, f)) };
}
