/**
 * JSON text as Go's encoding/json writes it (bitmarkd 8.2 replies, docs/rpc.md §4): no spaces, object keys in the
 * order given, `<` `>` `&` and U+2028/U+2029 escaped as \u003c \u003e \u0026 \u2028 \u2029, control characters
 * other than \n \r \t as \u00XX (JSON.stringify writes \b and \f), and a lone surrogate — which Go can never hold,
 * its strings being UTF-8 — as U+FFFD, like Go's replacement of invalid UTF-8.
 */
const GO_ESCAPES: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
  "\\b": "\\u0008",
  "\\f": "\\u000c",
};

export function goStringify(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === "string" ? v.toWellFormed() : v));
  if (text === undefined) return "null";
  // `\\\\` pairs are skipped so that an escaped backslash followed by b/f is left alone.
  return text.replace(/\\\\|\\[bf]|[<>&\u2028\u2029]/g, (m) => GO_ESCAPES[m] ?? m);
}
