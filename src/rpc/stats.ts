/**
 * Client RPC counters for Node.Info's `rpcs` (rpc.md §6.10: open TLS connections plus HTTPS requests in
 * progress), `bunmark status`, `/status` and `/metrics`. Method names are counted only for methods of the table
 * (anything else under `other`), so made-up names cannot grow the map.
 */

export class RpcStats {
  /** open client_rpc TLS connections */
  connections = 0;
  /** HTTPS requests being served */
  httpsInProgress = 0;
  /** connections closed at accept by a limit */
  refused = 0;
  readonly requests = new Map<string, number>();
  readonly errors = new Map<string, number>();

  constructor(readonly methodNames: ReadonlySet<string>) {}

  /** What Node.Info reports as `rpcs`. */
  get rpcs(): number {
    return this.connections + this.httpsInProgress;
  }

  count(method: string, failed: boolean): void {
    const key = this.methodNames.has(method) ? method : "other";
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    if (failed) this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
  }

  snapshot(): RpcStatsSnapshot {
    return {
      connections: this.connections,
      httpsInProgress: this.httpsInProgress,
      refused: this.refused,
      requests: Object.fromEntries(this.requests),
      errors: Object.fromEntries(this.errors),
    };
  }
}

export interface RpcStatsSnapshot {
  connections: number;
  httpsInProgress: number;
  refused: number;
  requests: Record<string, number>;
  errors: Record<string, number>;
}
