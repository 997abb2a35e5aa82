/**
 * Typed errors for callers that branch on them and operators who read them: a `code` plus a context object,
 * the message derived from both (Lodestar's `LodestarError<{code, …}>` pattern, not its code). bitmarkd's own
 * error texts stay `Fault`s (fault.ts): those go on the wire, into RPC replies and into logs 8.2 operators grep.
 *
 *   type StoreErrorType = { code: "STORE_CORRUPT"; table: string; detail: string } | { code: "TABLE_RESERVED"; name: string };
 *   class StoreError extends BunmarkError<StoreErrorType> {}
 *   throw new StoreError({ code: "TABLE_RESERVED", name });      // message: "TABLE_RESERVED name=Blocks"
 *   if (e instanceof StoreError && e.type.code === "STORE_CORRUPT") …
 *
 * The code lives in `type`, not in `error.code`: Node's system errors use `code` for errno names, and code that
 * reads `(e as ErrnoException).code` must not mistake one of these for one of those.
 */
export class BunmarkError<T extends { code: string }> extends Error {
  constructor(
    readonly type: T,
    message?: string,
    options?: ErrorOptions,
  ) {
    super(message ?? describe(type), options);
    this.name = new.target.name;
  }
}

/** `CODE key=value …`: bytes as hex, everything else as text. */
function describe(type: { code: string }): string {
  const fields = Object.entries(type as Record<string, unknown>)
    .filter(([k]) => k !== "code")
    .map(([k, v]) => `${k}=${v instanceof Uint8Array ? Buffer.from(v).toString("hex") : String(v)}`);
  return [type.code, ...fields].join(" ");
}

/** What the process needs of its surroundings and did not get: a worker bundled into the executable, the C environment. */
export class EnvironmentError extends BunmarkError<{ code: "WORKER_NOT_BUNDLED"; path: string } | { code: "SETENV_FAILED"; name: string }> {}
