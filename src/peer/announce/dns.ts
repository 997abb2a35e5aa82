/**
 * DNS TXT bootstrap (announce/setup.go, announce/tagparsing.go, docs/wire.md §6.6): at start-up the TXT records
 * of the `nodes` domain name known peers as
 *
 *   bitmark=v3 a=<IP>[;<IP>…] c=<peer port> r=<rpc port> f=<64 hex> p=<64 hex> [s=<port>]
 *
 * A valid record becomes a peer entry: key p, listeners = packed (IPv4, c) then packed (IPv6, c), timestamp
 * now. `r` and `f` are checked but, as in 8.2, not added to the RPC table. Unlike 8.2, an empty element in
 * the `a=` list is an invalid address instead of a start-up panic.
 */
import { resolveTxt } from "node:dns/promises";
import { at } from "../../base/at.ts";
import type { ChainName } from "../../chain/types/chains.ts";
import { fail } from "../../base/fault.ts";
import { logger } from "../../base/log.ts";
import { type Connection, isIPv4, packConnections, parseIP } from "../address.ts";

const log = logger("announce");

export interface TxtPeer {
  readonly publicKey: Uint8Array;
  readonly listeners: Uint8Array;
  readonly ipv4: Connection | null;
  readonly ipv6: Connection | null;
  readonly rpcPort: number;
  readonly fingerprint: Uint8Array;
}

const TAGS = new Set(["bitmark=v2", "bitmark=v3"]);
const HEX64 = /^[0-9a-fA-F]{64}$/;

/** The `nodes` setting → the domain to look up, or null for `none`. */
export function nodesDomain(nodes: string, chain: ChainName): string | null {
  if (nodes === "none") return null;
  if (nodes !== "chain") return nodes;
  return { bitmark: "nodes.live.bitmark.com", testing: "nodes.test.bitmark.com", local: "nodes.localdomain" }[chain];
}

/** Go strconv.Atoi + 1…65535; any failure is `invalid port number`. */
function port(text: string): number {
  const n = /^[+-]?[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= 65535)) fail("invalid port number");
  return n;
}

/** Parses one TXT record; throws the Fault 8.2's parser returns, checking words in order. */
export function parseTxtRecord(text: string): TxtPeer {
  const words = text.trim().split(" ");
  if (!TAGS.has(at(words, 0))) fail("invalid dns txt record"); // split gives at least one word
  const counts = { a: 0, c: 0, f: 0, p: 0, r: 0 };
  let ipv4: Uint8Array | null = null;
  let ipv6: Uint8Array | null = null;
  let connectPort = 0;
  let rpcPort = 0;
  let publicKey: Uint8Array | null = null;
  let fingerprint: Uint8Array | null = null;
  for (const w of words.slice(1)) {
    if (w === "") continue;
    if (w.length < 3 || w[1] !== "=") fail("invalid dns txt record");
    const value = w.slice(2);
    switch (w[0]) {
      case "a":
        for (let address of value.split(";")) {
          if (address.startsWith("[") && address.endsWith("]")) address = address.slice(1, -1);
          const ip = parseIP(address) ?? fail("invalid IP Address");
          if (isIPv4({ ip, port: 0 })) ipv4 = ip;
          else ipv6 = ip;
        }
        counts.a++;
        break;
      case "c":
        connectPort = port(value);
        counts.c++;
        break;
      case "s": // checked, never used
        port(value);
        break;
      case "r":
        rpcPort = port(value);
        counts.r++;
        break;
      case "p":
        if (!HEX64.test(value)) fail("invalid public key");
        publicKey = new Uint8Array(Buffer.from(value, "hex"));
        counts.p++;
        break;
      case "f":
        if (!HEX64.test(value)) fail("invalid fingerprint");
        fingerprint = new Uint8Array(Buffer.from(value, "hex"));
        counts.f++;
        break;
      default:
        fail("invalid dns txt record");
    }
  }
  if (Object.values(counts).some((n) => n !== 1)) fail("invalid dns txt record");
  const v4 = ipv4 === null ? null : { ip: ipv4, port: connectPort };
  const v6 = ipv6 === null ? null : { ip: ipv6, port: connectPort };
  return {
    publicKey: publicKey!,
    listeners: packConnections([v4, v6].filter((c) => c !== null)),
    ipv4: v4,
    ipv6: v6,
    rpcPort,
    fingerprint: fingerprint!,
  };
}

/**
 * The peers named by the domain's TXT records (the strings of one record joined); invalid records are logged
 * and skipped. A failed lookup throws (8.2 refuses to start then; the caller decides).
 */
export async function lookupTxtPeers(domain: string, lookup: (d: string) => Promise<string[][]> = resolveTxt): Promise<TxtPeer[]> {
  const peers: TxtPeer[] = [];
  for (const [i, chunks] of (await lookup(domain)).entries()) {
    const text = chunks.join("").trim();
    try {
      peers.push(parseTxtRecord(text));
    } catch (e) {
      log.info("TXT record ignored", { index: i, text, error: e as Error });
    }
  }
  return peers;
}
