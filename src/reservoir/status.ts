/**
 * Result codes the reservoir reports (reservoir/trackingstatus.go, reservoir/setup.go): the outcome of a
 * proof attempt and the state of a transaction. The numeric values and texts are those of the RPC.
 *
 * See docs/records.md §14.1.
 */

export const TrackingStatus = { NotFound: 0, Accepted: 1, Processed: 2, Invalid: 3 } as const;
export type TrackingStatus = (typeof TrackingStatus)[keyof typeof TrackingStatus];

const TRACKING_TEXT = ["NotFound", "Accepted", "Processed", "Invalid"] as const;

export function trackingText(s: TrackingStatus): string {
  return TRACKING_TEXT[s];
}

export const TransactionState = { Unknown: 0, Pending: 1, Verified: 2, Confirmed: 3 } as const;
export type TransactionState = (typeof TransactionState)[keyof typeof TransactionState];

const STATE_TEXT = ["Unknown", "Pending", "Verified", "Confirmed"] as const;

export function stateText(s: TransactionState): string {
  return STATE_TEXT[s];
}
