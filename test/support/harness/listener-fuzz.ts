/**
 * Hostile requests for a node's peer listener, each with the reply bitmarkd 8.2 gives to it (protocol.md §5,
 * observed-bitmarkd-8.2.md), and a checker for the replies. The generator only needs a few real blocks of the
 * chain the node holds; everything is drawn from a seeded Rng, so a seed replays the same requests.
 *
 *   const gen = new RequestFuzzer(rng, { chain: "local", height, blocks, digests });
 *   const c = gen.next();          // { label, frames, expect }
 *   const bad = checkReply(c, reply, view);     // undefined when the reply is right
 *   const stats = await runListenerFuzz({ address, serverKey, view, rng, clients: 4, total: 1500 });
 *
 * Kinds: valid queries (I/N/H/B of known and unknown blocks, answered exactly), malformed B/H, wrong chains,
 * too few frames, R with short timestamps and random listener/key bytes, every push command (and random
 * command names) with random or mutated real blocks/records, frames up to the CURVE payload limit, and frames
 * just over it (libzmq drops the connection: no reply, the client reconnects).
 */
import { blockNumberKey } from "../../../src/chain/types/header.ts";
import { bytesEqual } from "../../../src/encoding/hex.ts";
import { curveKeyPair } from "../../../src/transport/curve.ts";
import { RequestClient, RequestTimeoutError } from "../../../src/transport/request-client.ts";
import { mutate } from "./mutate.ts";
import type { Rng } from "./rng.ts";

/** libzmq MAXMSGSIZE 5,000,000 applies to the CURVE MESSAGE command; 33 bytes of it are CURVE framing. */
export const MAX_CURVE_PAYLOAD = 4_999_967;

export type Expect =
  | { readonly kind: "exact"; readonly frames: readonly Uint8Array[] }
  | { readonly kind: "error"; readonly text: string | RegExp }
  | { readonly kind: "ack"; readonly command: Uint8Array }
  | { readonly kind: "info" }
  | { readonly kind: "register" }
  | { readonly kind: "dropped" };

export interface FuzzCase {
  readonly label: string;
  readonly frames: Uint8Array[];
  readonly expect: Expect;
  /** a well-formed query whose exact answer is known (the "valid requests interleaved") */
  readonly valid: boolean;
}

export interface ChainView {
  readonly chain: string;
  /** height of the node under test (constant during the run) */
  readonly height: number;
  /** blocks[n], n ≥ 2; digests[n], n ≥ 1 */
  readonly blocks: readonly Uint8Array[];
  readonly digests: readonly Uint8Array[];
  /** packed transaction records to mutate (from the blocks) */
  readonly records: readonly Uint8Array[];
}

const te = new TextEncoder();
// As the listener decodes a command: a leading BOM is kept, so only the exact bytes name a query.
const td = new TextDecoder("utf-8", { ignoreBOM: true });
const QUERY_COMMANDS = new Set(["I", "N", "B", "H", "R"]);
const PUSH_COMMANDS = ["block", "assets", "issues", "transfer", "proof", "peer", "rpc", "heart"];

function text(s: string): Uint8Array {
  return te.encode(s);
}

export class RequestFuzzer {
  constructor(
    private readonly rng: Rng,
    private readonly view: ChainView,
  ) {}

  next(): FuzzCase {
    const r = this.rng;
    const kind = r.weighted<() => FuzzCase>([
      [30, () => this.valid()],
      [6, () => this.missing()],
      [8, () => this.malformedQuery()],
      [6, () => this.wrongChain()],
      [4, () => this.tooShort()],
      [10, () => this.register()],
      [30, () => this.push()],
      [3, () => this.large()],
      [2, () => this.oversized()],
    ]);
    return kind();
  }

  #chain(): Uint8Array {
    return text(this.view.chain);
  }

  /** A block number the node holds (2…height), or 0/1 for H (genesis digest). */
  #known(): number {
    return this.rng.between(2, this.view.height);
  }

  valid(): FuzzCase {
    const r = this.rng;
    const v = this.view;
    const chain = this.#chain();
    switch (r.below(4)) {
      case 0:
        return { label: "I", frames: [chain, text("I")], expect: { kind: "info" }, valid: true };
      case 1:
        return { label: "N", frames: [chain, text("N")], expect: { kind: "exact", frames: [text("N"), blockNumberKey(v.height)] }, valid: true };
      case 2: {
        const n = r.chance(0.1) ? r.below(2) : this.#known();
        const digest = v.digests[Math.max(1, n)]!;
        return { label: `H ${n}`, frames: [chain, text("H"), blockNumberKey(n)], expect: { kind: "exact", frames: [text("H"), digest] }, valid: true };
      }
      default: {
        const n = this.#known();
        return { label: `B ${n}`, frames: [chain, text("B"), blockNumberKey(n)], expect: { kind: "exact", frames: [text("B"), v.blocks[n]!] }, valid: true };
      }
    }
  }

  /** Well-formed B/H of blocks the node does not have (and B of 0/1: the genesis block is never served). */
  missing(): FuzzCase {
    const r = this.rng;
    const command = r.pick(["B", "H"]);
    const n = r.weighted<bigint>([
      [4, BigInt(this.view.height + 1 + r.below(1000))],
      [2, r.chance(0.5) ? 2n ** 64n - 1n : 2n ** 53n + BigInt(r.below(1000))],
      [command === "B" ? 2 : 0, BigInt(r.below(2))],
    ]);
    return { label: `${command} missing ${n}`, frames: [this.#chain(), text(command), blockNumberKey(n)], expect: { kind: "error", text: "block not found" }, valid: false };
  }

  /** B/H with a parameter of the wrong size, or the wrong number of parameters. */
  malformedQuery(): FuzzCase {
    const r = this.rng;
    const command = r.pick(["B", "H"]);
    if (r.chance(0.5)) {
      let size = r.length(64);
      if (size === 8) size = 9;
      return { label: `${command} param of ${size} bytes`, frames: [this.#chain(), text(command), r.bytes(size)], expect: { kind: "error", text: "block not found" }, valid: false };
    }
    const count = r.chance(0.3) ? 0 : r.between(2, 6);
    const params = Array.from({ length: count }, () => r.bytes(r.chance(0.5) ? 8 : r.length(40)));
    return { label: `${command} with ${count} params`, frames: [this.#chain(), text(command), ...params], expect: { kind: "error", text: "missing parameters" }, valid: false };
  }

  wrongChain(): FuzzCase {
    const r = this.rng;
    const chain = r.weighted<() => Uint8Array>([
      [4, () => text(r.pick(["bitmark", "testing", "LOCAL", `${this.view.chain}\0`, ""]))],
      [4, () => r.bytes(r.length(300))],
      // quoted whole into the E text (as 8.2 does): printable, so the reply stays below the client's limit
      [1, () => new Uint8Array(r.between(1000, 1_000_000)).fill(0x61 + r.below(26))],
    ])();
    if (bytesEqual(chain, this.#chain())) return this.tooShort();
    const rest = [text(r.pick(["I", "N", "B", "H", "R", "block", "assets"])), ...Array.from({ length: r.below(3) }, () => r.bytes(r.length(64)))];
    return { label: "wrong chain", frames: [chain, ...rest], expect: { kind: "error", text: /^invalid chain: actual: .*  expect: local$/s }, valid: false };
  }

  tooShort(): FuzzCase {
    const r = this.rng;
    const only = r.pick([this.#chain(), text("I"), new Uint8Array(0), r.bytes(r.length(100))]);
    return { label: "one frame", frames: [only], expect: { kind: "error", text: "packet too short" }, valid: false };
  }

  /** R: missing parameters, another chain, short timestamps, random keys and listener bytes. */
  register(): FuzzCase {
    const r = this.rng;
    const key = r.chance(0.8) ? r.bytes(32) : r.bytes(r.length(80));
    const listeners = r.weighted<Uint8Array>([
      [3, this.#opaque(r.length(64))],
      [2, this.#listenerBytes()],
      [1, this.#opaque(r.length(1_000_000))], // a peer table flood: 8.2 keeps such records whole
    ]);
    const now = Math.floor(Date.now() / 1000);
    const stamp = r.weighted<Uint8Array>([
      [4, blockNumberKey(now - r.below(600))],
      [2, r.bytes(r.below(8))], // short: 8.2 panics; bunmark answers "missing parameters"
      [1, r.bytes(8)],
      [1, r.bytes(8 + r.between(1, 20))],
    ]);
    const chain = this.#chain();
    switch (r.below(6)) {
      case 0: {
        const p = [chain, key, listeners, stamp].slice(0, r.below(4));
        return { label: `R with ${p.length} params`, frames: [chain, text("R"), ...p], expect: { kind: "error", text: "missing parameters" }, valid: false };
      }
      case 1:
        return { label: "R other chain", frames: [chain, text("R"), text("bitmark"), key, listeners, stamp], expect: { kind: "error", text: "incorrect chain" }, valid: false };
      default: {
        const short = stamp.length < 8;
        const extra = r.chance(0.2) ? [r.bytes(r.length(30))] : [];
        return {
          label: short ? "R short timestamp" : "R random",
          frames: [chain, text("R"), chain, key, listeners, stamp, ...extra],
          expect: short ? { kind: "error", text: "missing parameters" } : { kind: "register" },
          valid: false,
        };
      }
    }
  }

  /** Packed listener entries, sometimes cut short (the 19-byte entry that crashes 8.2's decoder). */
  #listenerBytes(): Uint8Array {
    const r = this.rng;
    const parts: number[] = [];
    for (let i = r.below(4); i >= 0; i--) {
      // Addresses nobody routes (TEST-NET-1, 2001:db8::/32): the node may dial the peers it learns.
      const v6 = r.chance(0.5);
      const ip = v6 ? [0x20, 0x01, 0x0d, 0xb8, ...r.bytes(12)] : [192, 0, 2, r.below(256)];
      parts.push(v6 ? 19 : 7, r.below(256), r.below(256), ...ip);
    }
    const out = Uint8Array.from(parts);
    return r.chance(0.3) ? out.subarray(0, r.below(out.length)) : out;
  }

  /** Random bytes that never start with a listener entry (7 or 19), so no random address gets dialled. */
  #opaque(size: number): Uint8Array {
    const out = this.rng.bytes(size);
    if (out[0] === 7 || out[0] === 19) out[0] = 0;
    return out;
  }

  /** A push command (or a random command name) with random, mutated-real or empty parameters: always `A`. */
  push(): FuzzCase {
    const r = this.rng;
    let command = r.chance(0.85) ? text(r.pick(PUSH_COMMANDS)) : r.bytes(r.length(40));
    if (QUERY_COMMANDS.has(td.decode(command))) command = text("heart");
    const name = td.decode(command);
    const params: Uint8Array[] = [];
    for (let i = r.weighted([[1, 0], [6, 1], [2, 2], [1, 3 + r.below(5)]]); i > 0; i--) params.push(this.#pushParameter(name));
    return { label: `push ${PUSH_COMMANDS.includes(name) ? name : "random"}`, frames: [this.#chain(), command, ...params], expect: { kind: "ack", command }, valid: false };
  }

  #pushParameter(command: string): Uint8Array {
    const r = this.rng;
    const v = this.view;
    const now = Math.floor(Date.now() / 1000);
    switch (command) {
      case "block":
        return r.weighted<() => Uint8Array>([
          [4, () => mutate(r, v.blocks[this.#known()]!)],
          [1, () => v.blocks[this.#known()]!],
          [1, () => r.bytes(r.length(2000))],
        ])();
      case "assets":
      case "issues":
      case "transfer": {
        const records = () => Buffer.concat(Array.from({ length: 1 + r.below(4) }, () => r.pick(v.records)));
        return r.weighted<() => Uint8Array>([
          [4, () => mutate(r, records())],
          [1, () => records()],
          [1, () => r.bytes(r.length(2000))],
        ])();
      }
      case "proof":
        return r.chance(0.7) ? r.bytes(r.pick([48, 40, 56, 0, 47, 49])) : r.bytes(r.length(200));
      case "peer":
      case "rpc":
        return r.weighted<() => Uint8Array>([
          [2, () => this.#opaque(32)],
          [2, () => this.#listenerBytes()],
          [2, () => (r.chance(0.5) ? blockNumberKey(now - r.below(100)) : r.bytes(r.below(9)))],
          [1, () => this.#opaque(r.length(1_000_000))],
        ])();
      default:
        return r.bytes(r.length(300));
    }
  }

  /** A frame of 100 KB … the largest CURVE payload, in a push or a query parameter: answered normally. */
  large(): FuzzCase {
    const r = this.rng;
    const size = r.chance(0.3) ? MAX_CURVE_PAYLOAD : r.between(100_000, MAX_CURVE_PAYLOAD);
    const big = r.bytes(size);
    const chain = this.#chain();
    if (r.chance(0.5)) {
      const command = text(r.pick(PUSH_COMMANDS));
      return { label: `large push ${size}`, frames: [chain, command, big], expect: { kind: "ack", command }, valid: false };
    }
    return { label: `large H param ${size}`, frames: [chain, text("H"), big], expect: { kind: "error", text: "block not found" }, valid: false };
  }

  /** One frame above the CURVE payload limit, anywhere: libzmq drops the connection, nothing is answered. */
  oversized(): FuzzCase {
    const r = this.rng;
    const big = r.bytes(MAX_CURVE_PAYLOAD + 1 + r.below(r.chance(0.5) ? 16 : 100_000));
    const frames = [this.#chain(), text(r.pick(["I", "block", "assets", "H"]))];
    frames.splice(r.below(3), 0, big);
    return { label: `oversized ${big.length}`, frames, expect: { kind: "dropped" }, valid: false };
  }
}

function show(frames: readonly Uint8Array[]): string {
  return frames.map((f) => (f.length > 40 ? `${Buffer.from(f.subarray(0, 20)).toString("hex")}…(${f.length})` : JSON.stringify(td.decode(f)))).join(" | ");
}

/** Why `reply` (undefined: none came) is wrong for `c`, or undefined when it is right. */
function checkReply(c: FuzzCase, reply: readonly Uint8Array[] | undefined, view: ChainView): string | undefined {
  const e = c.expect;
  if (e.kind === "dropped") return reply === undefined ? undefined : `expected no reply, got ${show(reply)}`;
  if (reply === undefined) return "no reply";
  const command = td.decode(reply[0] ?? new Uint8Array());
  switch (e.kind) {
    case "exact":
      return reply.length === e.frames.length && reply.every((f, i) => bytesEqual(f, e.frames[i]!)) ? undefined : `expected ${show(e.frames)}, got ${show(reply)}`;
    case "error": {
      const got = reply.length === 2 && command === "E" ? td.decode(reply[1]) : undefined;
      const ok = got !== undefined && (typeof e.text === "string" ? got === e.text : e.text.test(got));
      return ok ? undefined : `expected E ${e.text}, got ${show(reply)}`;
    }
    case "ack":
      return reply.length === 2 && bytesEqual(reply[0]!, e.command) && td.decode(reply[1]) === "A" ? undefined : `expected ack, got ${show(reply)}`;
    case "info": {
      if (reply.length !== 2 || command !== "I") return `expected I, got ${show(reply)}`;
      const want = `{"version":"8.2","chain":"${view.chain}","normal":true,"height":${view.height}}`;
      return td.decode(reply[1]) === want ? undefined : `expected I ${want}, got ${td.decode(reply[1])}`;
    }
    case "register": {
      if (reply.length === 2 && command === "E") return td.decode(reply[1]) === "invalid public key" ? undefined : `R refused with ${show(reply)}`;
      const ok = reply.length === 5 && command === "R" && td.decode(reply[1]) === view.chain && reply[2]!.length === 32 && reply[4]!.length === 8;
      return ok ? undefined : `expected an R reply, got ${show(reply)}`;
    }
  }
}

export interface FuzzRun {
  readonly address: string;
  readonly serverKey: Uint8Array;
  readonly view: ChainView;
  readonly rng: Rng;
  /** concurrent CURVE clients, each with its own key pair and request stream */
  readonly clients: number;
  readonly total: number;
  /** how long a reply may take (a loaded 2-core machine, 5 MB frames) */
  readonly replyTimeoutMs?: number;
  /** how long to wait for the reply that must not come */
  readonly dropTimeoutMs?: number;
}

export interface FuzzFailure {
  readonly client: number;
  /** position of the case in that client's stream (replays with the same seed) */
  readonly index: number;
  readonly label: string;
  readonly problem: string;
}

export interface FuzzStats {
  sent: number;
  valid: number;
  dropped: number;
  reconnects: number;
  failures: FuzzFailure[];
}

/** Sends `total` generated requests over `clients` concurrent CURVE clients and checks every reply. */
export async function runListenerFuzz(run: FuzzRun): Promise<FuzzStats> {
  const stats: FuzzStats = { sent: 0, valid: 0, dropped: 0, reconnects: 0, failures: [] };
  const replyTimeout = run.replyTimeoutMs ?? 20_000;
  const dropTimeout = run.dropTimeoutMs ?? 2_000;
  const worker = async (id: number) => {
    const gen = new RequestFuzzer(run.rng.fork(`client-${id}`), run.view);
    const client = new RequestClient(curveKeyPair());
    client.connect(run.address, run.serverKey);
    try {
      for (let index = 0; stats.sent < run.total; index++) {
        const c = gen.next();
        stats.sent++;
        let reply: readonly Uint8Array[] | undefined;
        try {
          reply = await client.request(c.frames, c.expect.kind === "dropped" ? dropTimeout : replyTimeout);
        } catch (e) {
          if (!(e instanceof RequestTimeoutError)) throw e;
        }
        const problem = checkReply(c, reply, run.view);
        if (problem) stats.failures.push({ client: id, index, label: c.label, problem });
        if (c.valid && !problem) stats.valid++;
        if (reply === undefined) {
          if (c.expect.kind === "dropped") stats.dropped++;
          // The connection is gone (libzmq dropped it) or wedged: start afresh, as a peer would.
          client.reconnect();
          stats.reconnects++;
        }
      }
    } finally {
      client.close();
    }
  };
  await Promise.all(Array.from({ length: run.clients }, (_, i) => worker(i)));
  return stats;
}
