/**
 * JSON from a currency node or the discovery proxy, parsed the way payment/bitcoin.go needs it: the text of
 * every `value` number is kept as written (Go's `json.RawMessage`), because a float64 would turn
 * `0.00020001` into an approximation before it is scaled to satoshis. Uses the reviver's source text
 * (JSON.parse source text access). The caller bounds the text length; array lengths are checked where the
 * values are used.
 */

/** The source text of a JSON number found under a `value` key. */
export class RawNumber {
  constructor(readonly text: string) {}
}

type Reviver = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;

const keepValueText: Reviver = (key, value, context) =>
  key === "value" && typeof value === "number" && context?.source !== undefined ? new RawNumber(context.source) : value;

/** Parses `text`; throws SyntaxError on malformed JSON. */
export function parseChainJson(text: string): unknown {
  return JSON.parse(text, keepValueText as Parameters<typeof JSON.parse>[1]);
}
