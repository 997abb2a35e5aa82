/**
 * Payments the reservoir asks for (reservoir/payment.go, reservoir/issues.go): block-owner fees for issues
 * and transfers, escrow payments, and whether a payment seen on a currency chain settles an item.
 *
 * See docs/records.md §14.5–§14.6.
 */
import { CURRENCY_NOTHING, currencyFee, unpackCurrencyMap } from "../chain/types/currency.ts";
import type { OwnershipEntry } from "../chain/rules/ownership.ts";
import type { Escrow } from "../chain/types/records/types.ts";
import { utf8Text } from "../encoding/utf8.ts";
import { fail } from "../base/fault.ts";
import type { ChainView, Payment, PaymentAlternative } from "./ports.ts";
import { ReservoirError } from "./errors.ts";

/** A payment observed on a currency chain for a pay id (amount received per address). */
export interface PaymentDetail {
  readonly currency: number;
  readonly txId: string;
  readonly amounts: ReadonlyMap<string, bigint>;
}

/**
 * One fee payment per currency (ascending) to the owner of block `n`; undefined for block 0 ("never
 * transferred in a block"). A missing entry for a stored block means a corrupt index (8.2 panics).
 */
function blockFees(view: ChainView, testnet: boolean, n: number): Payment[] | undefined {
  if (n === 0) return undefined;
  const packed = view.blockOwnerPayment(n);
  if (packed === undefined) throw new ReservoirError({ code: "NO_BLOCK_OWNER_PAYMENT", block: n });
  return [...unpackCurrencyMap(packed, testnet).map]
    .sort(([a], [b]) => a - b)
    .map(([currency, address]) => ({ currency, address, amount: currencyFee(currency) }));
}

/**
 * Payments for issuing `count` bitmarks: offered only when every asset was confirmed in the same block after
 * genesis (`assetBlocks`: each issue's asset block, undefined when unconfirmed), else null (proof only).
 * A missing fee record for that block → "asset not found", as in 8.2.
 */
export function issuePayments(view: ChainView, testnet: boolean, assetBlocks: readonly (number | undefined)[]): PaymentAlternative[] | null {
  const first = assetBlocks[0];
  if (first === undefined || first <= 1 || assetBlocks.some((b) => b !== first)) return null;
  if (view.blockOwnerPayment(first) === undefined) fail("asset not found");
  const count = BigInt(assetBlocks.length);
  return blockFees(view, testnet, first)!.map((p) => [{ ...p, amount: p.amount * count }]);
}

/**
 * Payments for transferring an item (its ownership entry): per currency the issue block's owner gets the fee,
 * doubled when the item was never transferred in a block; otherwise the last transfer block's owner gets a
 * fee too (added to the same payment when the address is the same). When the previous transfer carries an
 * escrow payment only that currency is offered, with the escrow appended as a payment of its own.
 *
 * Quirk #4: 8.2 panics on an escrow in currency 0 (Nothing); bunmark refuses the transfer with
 * "invalid currency" — such an escrow can never be paid.
 */
export function transferPayments(view: ChainView, testnet: boolean, owned: OwnershipEntry, escrow: Escrow | null): PaymentAlternative[] {
  const issueFees = blockFees(view, testnet, owned.issueBlock) ?? [];
  const transferFees = blockFees(view, testnet, owned.lastTransferBlock);
  const alternatives = issueFees.map((issue): Payment[] => {
    if (transferFees === undefined) return [{ ...issue, amount: issue.amount * 2n }];
    const other = transferFees.find((t) => t.currency === issue.currency);
    if (other === undefined) return [issue];
    if (other.address === issue.address) return [{ ...issue, amount: issue.amount + other.amount }];
    return [issue, other];
  });
  if (escrow === null) return alternatives;
  if (escrow.currency === CURRENCY_NOTHING) fail("invalid currency");
  const base = alternatives.find((a) => a[0]?.currency === escrow.currency) ?? [];
  return [[...base, { currency: escrow.currency, address: utf8Text(escrow.address), amount: escrow.amount }]];
}

/**
 * A payment settles an item when some alternative is entirely in the paid currency and every one of its
 * addresses received at least the amount asked.
 */
export function acceptablePayment(detail: PaymentDetail, alternatives: readonly PaymentAlternative[] | null): boolean {
  return (alternatives ?? []).some(
    (alt) => alt.every((p) => p.currency === detail.currency) && alt.every((p) => (detail.amounts.get(p.address) ?? 0n) >= p.amount),
  );
}
