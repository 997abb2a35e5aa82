/**
 * Go's `time.Duration.String()` (the `uptime` of Node.Info, rpc.md §6.10): `72h3m0.5s`, `1m33.045540209s`,
 * `1.5ms`, `500µs`, `0s` — the largest unit first, fractions without trailing zeros.
 */

const SECOND = 1_000_000_000n;

/** `v / scale` with its fraction, trailing zeros dropped. */
function fraction(v: bigint, scale: bigint): string {
  const whole = v / scale;
  const rest = v % scale;
  if (rest === 0n) return whole.toString();
  const digits = scale.toString().length - 1;
  return `${whole}.${rest.toString().padStart(digits, "0").replace(/0+$/, "")}`;
}

export function goDuration(ns: bigint): string {
  if (ns === 0n) return "0s";
  const sign = ns < 0n ? "-" : "";
  const u = ns < 0n ? -ns : ns;
  if (u < 1000n) return `${sign}${u}ns`;
  if (u < 1_000_000n) return `${sign}${fraction(u, 1000n)}µs`;
  if (u < SECOND) return `${sign}${fraction(u, 1_000_000n)}ms`;
  const seconds = `${fraction(u % (60n * SECOND), SECOND)}s`;
  const minutes = (u / (60n * SECOND)) % 60n;
  const hours = u / (3600n * SECOND);
  if (hours > 0n) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0n) return `${sign}${minutes}m${seconds}`;
  return sign + seconds;
}
