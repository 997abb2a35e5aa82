/**
 * One GET of a currency node's REST interface (util/fetcher.go `FetchJSON`): status 200 required, the body
 * parsed by chain-json.ts. Unlike 8.2 (no timeout, unbounded body) every request has a deadline and the body a
 * size limit; both, like any network or status error, reject with a PaymentError (`REST_…`) and never throw elsewhere.
 */
import { parseChainJson } from "./chain-json.ts";
import { PaymentError } from "./errors.ts";

export interface GetOptions {
  timeoutMs: number;
  maxBytes: number;
  /** Aborts the request when the source stops. */
  signal: AbortSignal;
}

/** The body as text, at most `maxBytes` bytes. */
async function boundedText(res: Response, maxBytes: number): Promise<string> {
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new PaymentError({ code: "REST_TOO_LARGE", limit: maxBytes, declared }, `response of ${declared} bytes exceeds ${maxBytes}`);
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
      throw new PaymentError({ code: "REST_TOO_LARGE", limit: maxBytes }, `response exceeds ${maxBytes} bytes`);
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
      throw new PaymentError({ code: "REST_STATUS", url, status: res.status }, `status: ${res.status} on: ${url}`);
    }
    return parseChainJson(await boundedText(res, o.maxBytes));
  } catch (e) {
    if (e instanceof PaymentError) throw e;
    if (signal.aborted && !o.signal.aborted) throw new PaymentError({ code: "REST_TIMEOUT", url, ms: o.timeoutMs }, `no answer within ${o.timeoutMs} ms from ${url}`);
    const detail = String((e as Error).message ?? e);
    throw new PaymentError({ code: "REST_FAILED", url, detail }, `${url}: ${detail}`);
  }
}
