/** The miner's typed errors (base/errors.ts pattern): its `--connect` target and thread count; messages are the operator's line. */
import { BunmarkError } from "../base/errors.ts";

export class MinerError extends BunmarkError<
  { code: "TARGET_INVALID"; text: string } | { code: "PORT_INVALID"; port: string } | { code: "THREADS_INVALID"; threads: number }
> {}
