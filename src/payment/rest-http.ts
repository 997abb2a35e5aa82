/**
 * One GET of a currency node's REST interface (util/fetcher.go `FetchJSON`): status 200 required, the body
 * parsed by chain-json.ts. Unlike 8.2 (no timeout, unbounded body) every request has a deadline and the body a
 * size limit; both, like any network or status error, reject with RestError and never throw elsewhere.
 */
import { parseChainJson } from "./chain-json.ts";

export class RestError extends Error {
  override readonly name = "RestError";
}

export interface GetOptions {
  timeoutMs: number;
  maxBytes: number;
  /** Aborts the request when the source stops. */
  signal: AbortSignal;
}

/** The body as text, at most `maxBytes` bytes. */
async function boundedText(res: Response, maxBytes: number): Promise<string> {
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new RestError(`response of ${declared} bytes exceeds ${maxBytes}`);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body?.getReader();
  if (reader === undefined) return "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel();
      throw new RestError(`response exceeds ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export async function getJson(url: string, o: GetOptions): Promise<unknown> {
  const signal = AbortSignal.any([o.signal, AbortSignal.timeout(o.timeoutMs)]);
  try {
    const res = await fetch(url, { signal, redirect: "error" });
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new RestError(`status: ${res.status} on: ${url}`);
    }
    return parseChainJson(await boundedText(res, o.maxBytes));
  } catch (e) {
    if (e instanceof RestError) throw e;
    if (signal.aborted && !o.signal.aborted) throw new RestError(`no answer within ${o.timeoutMs} ms from ${url}`);
    throw new RestError(`${url}: ${(e as Error).message ?? e}`);
  }
}
