/**
 * Go's text forms of time values as bitmarkd 8.2 puts them into RPC and HTTPS replies: `time.Duration.String()`
 * (Node.Info and /bitmarkd/details `uptime`) and `time.Time` JSON (RFC 3339 with nanoseconds, trailing zeros
 * trimmed; UTC, as a node run with TZ unset shows it).
 */

const UNITS: [bigint, string][] = [
  [1_000_000n, "ms"],
  [1_000n, "µs"],
  [1n, "ns"],
];

function fraction(value: bigint, unit: bigint, digits: number): string {
  const whole = value / unit;
  const rest = (value % unit).toString().padStart(digits, "0").replace(/0+$/, "");
  return rest ? `${whole}.${rest}` : `${whole}`;
}

/** Duration in nanoseconds → Go's `Duration.String()`: `0s`, `1.5µs`, `2m7.910331502s`, `1h0m0s`. */
export function goDuration(ns: bigint): string {
  const sign = ns < 0n ? "-" : "";
  const d = ns < 0n ? -ns : ns;
  if (d === 0n) return "0s";
  if (d < 1_000_000_000n) {
    for (const [unit, name] of UNITS) if (d >= unit) return sign + fraction(d, unit, unit.toString().length - 1) + name;
  }
  const hours = d / 3_600_000_000_000n;
  const minutes = (d / 60_000_000_000n) % 60n;
  const seconds = fraction(d % 60_000_000_000n, 1_000_000_000n, 9) + "s";
  if (hours > 0n) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0n) return `${sign}${minutes}m${seconds}`;
  return sign + seconds;
}

/** Unix milliseconds → Go's time.Time JSON text in UTC (`2026-12-06T02:48:44.482Z`, `…:44Z`). */
export function goTimeJson(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.replace(/\.(\d*?)0*Z$/, (_m, digits: string) => (digits ? `.${digits}Z` : "Z"));
}
