/**
 * The contract between the client RPC transports (TLS JSON-RPC stream, HTTPS `POST /bitmarkd/rpc`) and the
 * method tables. bitmarkd 8.2: rpc/setup.go registers seven net/rpc services; every method returns a Go error
 * whose `Error()` text is the reply's `"error"` member verbatim (docs/rpc.md §3.3).
 *
 * A method receives element 0 of the request's `params` array still as parsed JSON (`undefined` for `[]`, so the
 * method sees its zero value) and decodes it itself, because Go's decoding rules and error texts are per type.
 */

/** A failure whose text goes verbatim into the reply (`{"id":…,"result":null,"error":TEXT}`). */
export class RpcError extends Error {
  override readonly name = "RpcError";
}

/** One method: `Service.Method` → result value (encoded by goStringify) or an RpcError. */
export type RpcMethod<Deps> = (arg: unknown, deps: Deps) => unknown | Promise<unknown>;

export type MethodTable<Deps> = Readonly<Record<string, RpcMethod<Deps>>>;
