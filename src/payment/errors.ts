/**
 * The payment room's typed errors (base/errors.ts pattern): a REST request that failed, a reply of the wrong
 * shape, a currency node on the wrong network. None reaches a peer; their messages go into the payment log
 * lines and the source's state (`Node.Info`-style reports), so they are written out.
 */
import { BunmarkError } from "../base/errors.ts";

export class PaymentError extends BunmarkError<
  /** The request itself: too large a body, a status other than 200, no answer in time, a network error. */
  | { code: "REST_TOO_LARGE"; limit: number; declared?: number }
  | { code: "REST_STATUS"; url: string; status: number }
  | { code: "REST_TIMEOUT"; url: string; ms: number }
  | { code: "REST_FAILED"; url: string; detail: string }
  /** A field of a REST reply (chaininfo, headers, block) that is missing or of the wrong type. */
  | { code: "REST_REPLY_INVALID"; field: string }
  /** Litecoin on the wrong network for this Bitmark chain ("invalid chain" in 8.2). */
  | { code: "INVALID_CHAIN"; chain: string | undefined }
> {}
