/**
 * `Node.Info` and `Node.List` (bitmarkd 8.2 rpc/node.go, announce/rpc.go `FetchRPCs`, rpc.md §6.10–§6.11).
 * Neither is mode-gated. Info's argument is decoded (into an empty struct) only for Go's type errors.
 */
import { fail } from "../../base/fault.ts";
import { ONE } from "../../chain/rules/difficulty.ts";
import { toHex } from "../../encoding/hex.ts";
import { canonical, unpackAll } from "../../peer/address.ts";
import { decodeArgument, go } from "../go-decode.ts";
import { goDuration } from "../go-time.ts";
import type { MethodDeps } from "./deps.ts";

const INFO_ARGUMENTS = go.struct("rpc.InfoArguments", {});
const LIST_ARGUMENTS = go.struct("rpc.NodeArguments", { start: go.uint64String, count: go.int });

const MAXIMUM_NODES = 100;

export function info(arg: unknown, deps: MethodDeps): unknown {
  decodeArgument(arg, INFO_ARGUMENTS);
  const { incoming, outgoing } = deps.facts.peerCounts();
  return {
    chain: deps.chain,
    mode: deps.mode.get(),
    blocks: deps.store.height(),
    rpcs: deps.stats.rpcs,
    peers: incoming + outgoing,
    transactionCounters: deps.reservoir.reservoir.counters(),
    difficulty: ONE.reciprocal,
    version: deps.version,
    uptime: goDuration(process.hrtime.bigint() - deps.startedAt),
    publicKey: deps.facts.publicKey,
  };
}

export function list(arg: unknown, deps: MethodDeps): unknown {
  const { start, count } = decodeArgument<{ start: bigint; count: bigint }>(arg, LIST_ARGUMENTS);
  if (count <= 0n || count > BigInt(MAXIMUM_NODES)) fail("invalid count");
  const table = deps.announce.rpcs();
  if (start >= BigInt(table.length)) return { nodes: null, nextStart: "0" };
  const first = Number(start);
  const entries = table.slice(first, first + Number(count));
  return {
    nodes: entries.map((e) => ({ fingerprint: toHex(e.fingerprint), connections: unpackAll(e.addresses).map(canonical) })),
    nextStart: String(first + entries.length),
  };
}
