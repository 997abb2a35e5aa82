/**
 * One request value in, one reply line out: the net/rpc server loop body (rpc.md §4) shared by the TLS stream
 * and `POST /bitmarkd/rpc`. A method's RpcError or bitmarkd Fault becomes the reply's error text verbatim;
 * anything else a method throws is a bug: it is logged and answered `internal error` (8.2 would crash, §9).
 *
 * Synchronous methods are answered synchronously (no promise per call on the hot path).
 */
import { isFault } from "../base/fault.ts";
import { logger } from "../base/log.ts";
import { argumentOf, errorLine, findMethod, parseRequest, resultLine, servicesOf } from "./jsonrpc.ts";
import { RpcError, type MethodTable } from "./method.ts";
import type { RpcStats } from "./stats.ts";

const log = logger("rpc");

/**
 * The reply line, a promise of it, or undefined when the value is not a request header (close the stream).
 * `codec.error` is set when net/rpc's ServeRequest would return an error after replying (unknown method, params
 * missing or not an array): `POST /bitmarkd/rpc` then appends 8.2's 500 body.
 */
export type Dispatch = (text: string, codec?: { error: boolean }) => string | Promise<string> | undefined;

export function createDispatch<D>(table: MethodTable<D>, deps: D, stats: RpcStats): Dispatch {
  const services = servicesOf(table);
  const failure = (method: string, id: string, e: unknown): string => {
    stats.count(method, true);
    if (e instanceof RpcError || isFault(e)) return errorLine(id, e.message);
    log.error("method failed", { method, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    return errorLine(id, "internal error");
  };
  const success = (method: string, id: string, result: unknown): string => {
    try {
      const line = resultLine(id, result);
      stats.count(method, false);
      return line;
    } catch (e) {
      return failure(method, id, e); // a result the encoder cannot write (a bug in the method)
    }
  };
  return (text, codec) => {
    const req = parseRequest(text);
    if (req === undefined) return undefined;
    const { id, method: name } = req;
    const method = findMethod(table, services, name);
    const a = typeof method === "string" ? { error: method } : argumentOf(req.params);
    if (typeof method === "string" || "error" in a) {
      if (codec) codec.error = true;
      return failure(name, id, new RpcError((a as { error: string }).error));
    }
    let result: unknown;
    try {
      result = method(a.arg, deps);
    } catch (e) {
      return failure(name, id, e);
    }
    if (result instanceof Promise) {
      return result.then(
        (r) => success(name, id, r),
        (e) => failure(name, id, e),
      );
    }
    return success(name, id, result);
  };
}
