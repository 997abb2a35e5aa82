/**
 * Connection admission and timeouts of the client RPC port, as pure state: no sockets, no timers (the server
 * calls these with its clock).
 *
 * 8.2 (vendored listener limiter.go): one counter over all `client_rpc.listen` addresses; at `maximum_connections`
 * a new connection is closed right after accept. bunmark adds (rpc.md §9): a limit per client IP, a TLS handshake
 * timeout and an idle timeout (8.2 keeps an idle or half-open client's slot forever).
 */

export interface AdmissionLimits {
  total: number;
  perIp: number;
}

/** Open connections, in total and per client IP; shared by every listen address. */
export class ConnectionCounter {
  #total = 0;
  readonly #perIp = new Map<string, number>();

  constructor(readonly limits: AdmissionLimits) {}

  get open(): number {
    return this.#total;
  }

  /** Takes a slot for `ip`, or false when either limit is reached. */
  tryOpen(ip: string): boolean {
    const n = this.#perIp.get(ip) ?? 0;
    if (this.#total >= this.limits.total || n >= this.limits.perIp) return false;
    this.#total++;
    this.#perIp.set(ip, n + 1);
    return true;
  }

  close(ip: string): void {
    const n = this.#perIp.get(ip);
    if (n === undefined) return;
    this.#total--;
    if (n <= 1) this.#perIp.delete(ip);
    else this.#perIp.set(ip, n - 1);
  }
}

export interface TimeoutPolicy {
  handshakeMs: number;
  idleMs: number;
}

export interface ConnectionClock {
  openedAt: number;
  handshaken: boolean;
  /** last time a byte came from the client or a reply was taken by the socket */
  lastActivity: number;
  /** calls still running: a client waiting for a slow reply is not idle */
  running: number;
}

/** Why a connection should be closed now, if it should. */
export function expiry(c: ConnectionClock, now: number, p: TimeoutPolicy): "handshake timeout" | "idle timeout" | undefined {
  if (!c.handshaken) return now - c.openedAt >= p.handshakeMs ? "handshake timeout" : undefined;
  if (c.running > 0) return undefined;
  return now - c.lastActivity >= p.idleMs ? "idle timeout" : undefined;
}

/** How often to look for expired connections: a quarter of the shorter timeout, between 50 ms and 5 s. */
export function sweepInterval(p: TimeoutPolicy): number {
  return Math.min(5000, Math.max(50, Math.min(p.handshakeMs, p.idleMs) / 4));
}
