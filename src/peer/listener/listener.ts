/**
 * The peer listener's request handler (peer/listener.go, docs/wire.md §3–§4): request
 * frames in (envelope already stripped by the REP socket), reply frames out, over a small context so it runs
 * without sockets or a store. It is total: every request gets exactly the reply 8.2 gives, and inputs that
 * crash 8.2 get a reply too (see `R` below). Nothing thrown by the context escapes; it is logged in one line.
 */
import type { ChainName } from "../../chain/types/chains.ts";
import { blockNumberKey, readBe64 } from "../../chain/types/header.ts";
import { isFault } from "../../base/fault.ts";
import { logger } from "../../base/log.ts";
import type { PeerEntry } from "../announce/ring.ts";
import { be64Seconds } from "../announce/timing.ts";
import { goQuote } from "../../encoding/go-quote.ts";

const log = logger("listener");

type MaybePromise<T> = T | Promise<T>;

export interface ListenerContext {
  readonly chain: ChainName;
  /** Version string for `I` ("8.2"). */
  readonly version: string;
  isNormal(): boolean;
  /** Local block height (1 = only the genesis block). */
  height(): number;
  /** The packed block (header + transactions) as stored, or null. Only asked for numbers ≥ 2. */
  getBlock(n: number): MaybePromise<Uint8Array | null | undefined>;
  /**
   * The block digest in storage order: the chain's genesis digest for n ≤ 1, null (or a thrown
   * Fault("block not found")) when not stored; other Faults (header checks) become their `E` text.
   */
  digestForBlock(n: number): MaybePromise<Uint8Array | null | undefined>;
  readonly announce: {
    addPeer(publicKey: Uint8Array, listeners: Uint8Array, timestamp: bigint): boolean;
    /** A peer for the `R` reply, other than the asker (key and listeners) and this node; null when none. */
    randomPeer(requester: Uint8Array, requesterListeners: Uint8Array): PeerEntry | null;
  };
  /** A peer registered (`R` accepted) announcing `listeners`: the node dials it back (issue 17). */
  registered?(publicKey: Uint8Array, listeners: Uint8Array): void;
  /** Hands a broadcast-type command to push processing; must return without waiting for the processing, and never throw. */
  push(command: string, parameters: readonly Uint8Array[]): void;
}

export type Frames = readonly Uint8Array[];

const encoder = new TextEncoder();
// Keeps a leading BOM, so that only the exact command bytes match a command name.
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });
const A = encoder.encode("A");
const E = encoder.encode("E");

function errorReply(text: string): Uint8Array[] {
  return [E, encoder.encode(text)];
}

function equalsText(frame: Uint8Array, text: string): boolean {
  return Buffer.from(frame).equals(encoder.encode(text));
}

/** An 8-byte block number usable as a JavaScript number, or null. */
function blockNumber(frame: Uint8Array): number | null {
  const n = readBe64(frame);
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : null;
}

/** Text sent when a context call fails with something other than a Fault (no such case exists in 8.2). */
const FALLBACK: Record<string, string> = { B: "block not found", H: "block not found", R: "invalid public key" };

/**
 * Answers one request. Never throws (nor rejects). I, N, R and pushes are answered synchronously, so the wire
 * layer can serve a queue of them in one turn; only B and H, whose store reads may be asynchronous, return a
 * promise.
 */
export function handleRequest(ctx: ListenerContext, frames: Frames): MaybePromise<Uint8Array[]> {
  const [chainFrame, commandFrame, ...p] = frames;
  if (chainFrame === undefined || commandFrame === undefined) return errorReply("packet too short");
  if (!equalsText(chainFrame, ctx.chain)) {
    const text = `invalid chain: actual: ${goQuote(chainFrame)}  expect: ${ctx.chain}`;
    // The reply carries the whole quoted frame (as 8.2's does); the log line only its start.
    log.warn(text.length > 200 ? `${text.slice(0, 200)}…(${chainFrame.length} bytes)` : text);
    return errorReply(text);
  }
  const command = utf8.decode(commandFrame);
  try {
    const reply = dispatch(ctx, command, commandFrame, p);
    return reply instanceof Promise ? reply.then((r) => sent(command, r), (e: unknown) => failed(command, e)) : sent(command, reply);
  } catch (e) {
    return failed(command, e);
  }
}

function sent(command: string, reply: Uint8Array[]): Uint8Array[] {
  log.debug("sent", { command, reply: reply[0], items: reply.length });
  return reply;
}

function failed(command: string, e: unknown): Uint8Array[] {
  if (isFault(e)) return errorReply(e.text);
  log.error("request failed", { command, error: e as Error });
  return errorReply(FALLBACK[command] ?? "initialisation failed");
}

/** The `I` payload of the last (context, normal, height) asked: it changes only with the height or mode. */
let info: { ctx: ListenerContext; normal: boolean; height: number; json: Uint8Array } | null = null;

function infoReply(ctx: ListenerContext): Uint8Array {
  const normal = ctx.isNormal();
  const height = ctx.height();
  if (info?.ctx !== ctx || info.normal !== normal || info.height !== height) {
    // Key order and compact form are part of the observed reply.
    const json = encoder.encode(JSON.stringify({ version: ctx.version, chain: ctx.chain, normal, height }));
    info = { ctx, normal, height, json };
  }
  return info.json;
}

function dispatch(ctx: ListenerContext, command: string, commandFrame: Uint8Array, p: Frames): MaybePromise<Uint8Array[]> {
  switch (command) {
    case "I":
      return [commandFrame, infoReply(ctx)];
    case "N":
      return [commandFrame, blockNumberKey(ctx.height())];
    case "B": {
      const [key] = p;
      if (p.length !== 1 || key === undefined) return errorReply("missing parameters");
      if (key.length !== 8) return errorReply("block not found");
      const n = blockNumber(key);
      // The genesis block is not in the block table, so 8.2 never serves 0 or 1.
      if (n === null || n <= 1) return errorReply("block not found");
      return withValue(ctx.getBlock(n), (block) => (block ? [commandFrame, block] : errorReply("block not found")));
    }
    case "H": {
      const [key] = p;
      if (p.length !== 1 || key === undefined) return errorReply("missing parameters");
      if (key.length !== 8) return errorReply("block not found");
      const n = blockNumber(key);
      if (n === null) return errorReply("block not found");
      return withValue(ctx.digestForBlock(n), (digest) => (digest ? [commandFrame, digest] : errorReply("block not found")));
    }
    case "R":
      return register(ctx, commandFrame, p);
    default:
      // Every other command is a broadcast-type push, acknowledged whatever its content or fate (`push` never throws).
      ctx.push(command, p);
      return [commandFrame, A];
  }
}

/** `then` only when the store answered asynchronously. */
function withValue<T>(v: MaybePromise<T>, f: (value: T) => Uint8Array[]): MaybePromise<Uint8Array[]> {
  return v instanceof Promise ? v.then(f) : f(v);
}

/**
 * `R` [chain, public key, listeners, be64 timestamp]: records the asker, answers with a random other peer.
 * A timestamp frame shorter than 8 bytes makes 8.2 panic (every version up to 0.16 does); bunmark answers
 * `missing parameters`, since the required timestamp is effectively absent, and records nothing.
 */
function register(ctx: ListenerContext, commandFrame: Uint8Array, p: Frames): Uint8Array[] {
  const [chain, publicKey, listeners, timestamp] = p;
  if (chain === undefined || publicKey === undefined || listeners === undefined || timestamp === undefined) return errorReply("missing parameters");
  if (!equalsText(chain, ctx.chain)) return errorReply("incorrect chain");
  if (timestamp.length < 8) {
    log.warn("registration with a short timestamp", { bytes: timestamp.length });
    return errorReply("missing parameters");
  }
  // The result is deliberately ignored: 8.2 never relays a registration.
  ctx.announce.addPeer(publicKey, listeners, readBe64(timestamp));
  try {
    ctx.registered?.(publicKey, listeners);
  } catch (e) {
    log.error("dial-back failed", { error: e as Error });
  }
  const peer = ctx.announce.randomPeer(publicKey, listeners);
  if (peer === null) return errorReply("invalid public key");
  return [commandFrame, encoder.encode(ctx.chain), peer.publicKey, peer.listeners, be64Seconds(peer.timestamp)];
}
