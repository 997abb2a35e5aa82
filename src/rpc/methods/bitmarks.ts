/**
 * `Bitmarks.Create` and `Bitmarks.Proof` (bitmarkd 8.2 rpc/bitmarks.go, rpc/assets.go `assetRegister`,
 * rpc.md §6.2–§6.3). The writes go through the reservoir entry points the peer pushes use (asset cache,
 * StoreIssues, TryProof), then the items are broadcast as 8.2 does: `assets` for newly cached assets once the
 * issues (if any) are stored, `issues` for a new pay id, `proof` always and before the check.
 *
 * Deviations: a `null` asset answers `invalid item` (8.2 crashes, rpc.md §9). A `null` issue or an issue
 * without owner answers `invalid item` as in 8.2, but before the other issues are checked (8.2 checks them in
 * order, so an earlier issue's own error would come first there).
 */
import { fail } from "../../base/fault.ts";
import { targetBytes } from "../../chain/rules/difficulty.ts";
import { concatBytes, toHex } from "../../encoding/hex.ts";
import { utf8Bytes } from "../../encoding/utf8.ts";
import { encodeVarint } from "../../encoding/varint.ts";
import { MAXIMUM_ISSUES, MAXIMUM_NONCE_LENGTH, MINIMUM_NONCE_LENGTH } from "../../reservoir/limits.ts";
import type { IssueInfo, Stored } from "../../reservoir/reservoir.ts";
import { trackingText } from "../../reservoir/status.ts";
import { decodeArgument, go, goHexDecode } from "../go-decode.ts";
import { ASSET_DATA, assetRecord, type AssetArg, BITMARK_ISSUE, issueRecord, type IssueArg, payId, paymentsJSON } from "../records.ts";
import { requireNormal, type MethodDeps } from "./deps.ts";

const CREATE_ARGUMENTS = go.struct("rpc.CreateArguments", {
  assets: go.slice("[]*transactionrecord.AssetData", ASSET_DATA),
  issues: go.slice("[]*transactionrecord.BitmarkIssue", BITMARK_ISSUE),
});
const PROOF_ARGUMENTS = go.struct("rpc.ProofArguments", { payId, nonce: go.string });

const ZERO_PAY_ID = "0".repeat(96);
const ZERO_PAY_NONCE = "0".repeat(16);

/** Caches each asset in order; the first failure ends the call, those cached before it stay cached. */
function registerAssets(deps: MethodDeps, assets: readonly (AssetArg | null)[]): { statuses: unknown[]; packed: Uint8Array[] } {
  const statuses: unknown[] = [];
  const packed: Uint8Array[] = [];
  deps.reservoir.reservoir.inOneWrite(() => {
    for (const a of assets) {
      if (a === null) fail("invalid item");
      const cached = deps.reservoir.reservoir.assets.cache(assetRecord(a, deps.reservoir.reservoir.testnet));
      statuses.push({ id: toHex(cached.assetId), duplicate: cached.packed === null });
      if (cached.packed !== null) packed.push(cached.packed);
    }
  });
  return { statuses, packed };
}

export function create(arg: unknown, deps: MethodDeps): unknown {
  const { assets, issues } = decodeArgument<{ assets: (AssetArg | null)[] | null; issues: (IssueArg | null)[] | null }>(arg, CREATE_ARGUMENTS);
  const assetCount = assets?.length ?? 0;
  const issueCount = issues?.length ?? 0;
  if (assetCount > MAXIMUM_ISSUES || issueCount > MAXIMUM_ISSUES) fail("too many items to process");
  if (assetCount === 0 && issueCount === 0) fail("missing parameters");
  requireNormal(deps);

  const registered = registerAssets(deps, assets ?? []);
  let stored: Stored<IssueInfo> | undefined;
  if (issueCount > 0) {
    if (issues!.some((i) => i === null || i.owner === null)) fail("invalid item");
    stored = deps.reservoir.reservoir.storeIssues(issues!.map((i) => issueRecord({ ...i!, owner: i!.owner! })));
  }
  if (registered.packed.length > 0) deps.broadcast.send("assets", [concatBytes(...registered.packed)]);

  const reply: Record<string, unknown> = {
    assets: registered.statuses,
    issues: stored ? stored.info.txIds.map((t) => ({ txId: toHex(t) })) : null,
    payId: stored ? toHex(stored.info.payId) : ZERO_PAY_ID,
    payNonce: stored ? toHex(stored.info.payNonce) : ZERO_PAY_NONCE,
    difficulty: stored ? toHex(targetBytes(stored.info.difficulty.target)) : "",
  };
  if (stored) {
    const payments = paymentsJSON(stored.info.payments ?? []);
    if (Object.keys(payments).length > 0) reply.payments = payments;
    if (!stored.duplicate) deps.broadcast.send("issues", [stored.info.packed, encodeVarint(0)]);
  }
  return reply;
}

export function proof(arg: unknown, deps: MethodDeps): unknown {
  const a = decodeArgument<{ payId: Uint8Array; nonce: string }>(arg, PROOF_ARGUMENTS);
  requireNormal(deps);
  const size = utf8Bytes(a.nonce).length >> 1;
  if (size < MINIMUM_NONCE_LENGTH || size > MAXIMUM_NONCE_LENGTH) fail("invalid nonce");
  const nonce = goHexDecode(a.nonce);
  // relayed before it is checked, invalid proofs included
  deps.broadcast.send("proof", [concatBytes(a.payId, nonce)]);
  return { status: trackingText(deps.reservoir.reservoir.tryProof(a.payId, nonce)) };
}
