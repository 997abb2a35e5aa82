/**
 * The proofer's typed errors (base/errors.ts pattern): a `proofing` setting that cannot be used at start-up, and
 * a job message a miner cannot read (job-message.ts). Messages are written out: an operator or a miner's log reads them.
 */
import { BunmarkError } from "../base/errors.ts";

export class ProofError extends BunmarkError<
  | { code: "SETTING_UNUSABLE"; setting: string; detail: string }
  | { code: "SIGNING_KEY_NETWORK"; path: string }
  /** `field`: `Header.version` …, or `message` for the frame as a whole */
  | { code: "JOB_MESSAGE_INVALID"; field: string }
> {}
