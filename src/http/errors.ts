/** The status endpoint's typed errors (base/errors.ts pattern), met at start-up; the message is the operator's line. */
import { BunmarkError } from "../base/errors.ts";

export class HttpError extends BunmarkError<{ code: "ADDRESS_INVALID"; address: string } | { code: "SERVE_FAILED"; address: string; detail: string }> {}
