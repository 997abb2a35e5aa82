/**
 * `host:port` listen/connect addresses → libzmq TCP endpoints (zmqutil/socket.go, client.go):
 * `a.b.c.d:p` → `tcp://a.b.c.d:p`; `[v6]:p` → `tcp://[v6]:p` with IPV6 set; an IPv4-mapped IPv6 address is
 * treated as IPv4. Hosts must be IP literals (names are resolved by the configuration layer). Port 0 means
 * "any free port" (tests); the configuration layer rejects it for real listeners.
 */
import { isIPv4, isIPv6 } from "node:net";
import { at } from "../base/at.ts";
import { fail } from "../base/fault.ts";

export interface TcpEndpoint {
  /** `tcp://…` for zmq_bind/zmq_connect. */
  endpoint: string;
  ipv6: boolean;
}

export function tcpEndpoint(address: string): TcpEndpoint {
  const m = /^\s*(?:\[([^\]]+)\]|([^:\[\]]+)):([^:]*)$/.exec(address);
  if (!m) fail("invalid IP Address");
  const host = (m[1] ?? at(m, 2)).trim(); // one of the two alternatives matched
  const portText = at(m, 3).trim();
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) fail("invalid port number");
  const port = Number(portText);
  if (m[2] !== undefined) {
    if (!isIPv4(host)) fail("invalid IP Address");
    return { endpoint: `tcp://${host}:${port}`, ipv6: false };
  }
  if (!isIPv6(host)) fail("invalid IP Address");
  const v6 = compressIPv6(host);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
  if (mapped) {
    const [hi, lo] = [parseInt(at(mapped, 1), 16), parseInt(at(mapped, 2), 16)];
    return { endpoint: `tcp://${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}:${port}`, ipv6: false };
  }
  return { endpoint: `tcp://[${v6}]:${port}`, ipv6: true };
}

/** Canonical compressed lower-case form (`::ffff:1.2.3.4` becomes `::ffff:102:304`); zone ids kept as given. */
function compressIPv6(host: string): string {
  try {
    return new URL(`http://[${host}]/`).hostname.slice(1, -1);
  } catch {
    return host;
  }
}
