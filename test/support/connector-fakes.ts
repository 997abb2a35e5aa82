/**
 * Fakes for the connector tests: an in-memory network of 8.2-like listeners (R N H B and pushes) behind a
 * RequestTransport with real timeouts, chains of header-only blocks whose "digest" is SHA-256 (not Argon2,
 * so tests stay fast) and a store that checks number and previous-digest links like StoreIncoming.
 */
import { createHash } from "node:crypto";
import { Fault } from "../../src/base/fault.ts";
import { packHeader, unpackHeader } from "../../src/chain/types/header.ts";
import { bytesEqual } from "../../src/encoding/hex.ts";
import type { DigestBatcher, SyncStore } from "../../src/peer/sync/connector.ts";
import type { RequestTransport } from "../../src/peer/sync/upstream.ts";
import { RequestTimeoutError } from "../../src/transport/request-client.ts";

const te = new TextEncoder();
const td = new TextDecoder();
const be64 = (n: number | bigint) => {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return out;
};
const readBe64 = (b: Uint8Array) => Number(new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0));

const fakeDigest = (packed: Uint8Array): Uint8Array => new Uint8Array(createHash("sha256").update(packed.subarray(0, 100)).digest());
export const GENESIS_DIGEST = new Uint8Array(createHash("sha256").update("genesis").digest());

export interface Block {
  readonly packed: Uint8Array;
  readonly digest: Uint8Array;
}

/** Blocks 2…height; blocks up to `shared` come from `base`, the rest are new, marked with `tag`. */
export function makeChain(height: number, tag: number, base: readonly Block[] = [], shared = 1): Block[] {
  const out: Block[] = base.slice(0, Math.max(0, shared - 1));
  for (let n = out.length + 2; n <= height; n++) {
    const prev = out.at(-1)?.digest ?? GENESIS_DIGEST;
    const header = packHeader({
      version: 2,
      transactionCount: 2,
      number: n,
      previousBlock: prev,
      merkleRoot: new Uint8Array(32).fill(tag),
      timestamp: 1_700_000_000 + n,
      bits: 0n,
      nonce: tag,
    });
    const packed = new Uint8Array(108);
    packed.set(header);
    packed.set(te.encode(`body${tag}`), 100);
    out.push({ packed, digest: fakeDigest(packed) });
  }
  return out;
}

/** Digests by SHA-256, counting batches; `delayMs` per batch imitates Argon2 work. */
export class FakeHasher implements DigestBatcher {
  batches: number[] = [];
  constructor(readonly delayMs = 0) {}
  async blockDigestBatch(headers: Uint8Array[]): Promise<Uint8Array[]> {
    this.batches.push(headers.length);
    if (this.delayMs > 0) await Bun.sleep(this.delayMs);
    return headers.map(fakeDigest);
  }
}

export class FakeStore implements SyncStore {
  blocks: Block[];
  deletes: number[] = [];
  stores = 0;
  constructor(blocks: readonly Block[] = []) {
    this.blocks = [...blocks];
  }
  height(): number {
    return this.blocks.length + 1;
  }
  digestForBlock(n: number): Uint8Array {
    if (n <= 1) return GENESIS_DIGEST;
    const b = this.blocks[n - 2];
    if (!b) throw new Fault("block not found");
    return b.digest;
  }
  async storeIncoming(packed: Uint8Array, options: { digest?: Uint8Array } = {}): Promise<unknown> {
    const h = unpackHeader(packed);
    const digest = fakeDigest(packed);
    if (options.digest && !bytesEqual(options.digest, digest)) throw new Error("caller passed a wrong digest");
    if (!bytesEqual(h.previousBlock, this.digestForBlock(this.height()))) throw new Fault("previous block digest does not match");
    if (h.number !== this.height() + 1) throw new Fault("invalid block header version");
    this.stores++;
    this.blocks.push({ packed, digest });
    return undefined;
  }
  async deleteDownToBlock(n: number): Promise<void> {
    this.deletes.push(n);
    this.blocks.length = Math.max(0, Math.min(this.blocks.length, n - 2));
  }
  sameAs(chain: readonly Block[]): boolean {
    return this.blocks.length === chain.length && this.blocks.every((b, i) => bytesEqual(b.digest, chain[i]!.digest));
  }
}

type Frames = Uint8Array[];

/** One fake listener: serves a chain; `corrupt(n)` / `hang(cmd, n)` make it misbehave. */
export class FakePeer {
  requests: string[] = [];
  /** Not reachable: every request times out. */
  down = false;
  registerReply?: Frames;
  corrupt: (n: number) => boolean = () => false;
  hang: (cmd: string, n: number) => boolean = () => false;
  constructor(
    readonly key: Uint8Array,
    public chain: Block[],
    readonly chainName = "local",
  ) {}

  get height(): number {
    return this.chain.length + 1;
  }

  digest(n: number): Uint8Array | undefined {
    return n <= 1 ? GENESIS_DIGEST : this.chain[n - 2]?.digest;
  }

  /** The reply, or undefined for "no reply" (the request times out). */
  handle(frames: Frames): Frames | undefined {
    const cmd = td.decode(frames[1]);
    const n = frames[2]?.length === 8 ? readBe64(frames[2]) : -1;
    this.requests.push(n >= 0 ? `${cmd}${n}` : cmd);
    if (this.hang(cmd, n)) return undefined;
    switch (cmd) {
      case "R":
        return this.registerReply ?? [te.encode("R"), te.encode(this.chainName), new Uint8Array(32).fill(3), new Uint8Array(), be64(1_700_000_000)];
      case "N":
        return [te.encode("N"), be64(this.height)];
      case "H": {
        const d = this.digest(n);
        return d ? [te.encode("H"), d] : [te.encode("E"), te.encode("block not found")];
      }
      case "B": {
        const b = n >= 2 ? this.chain[n - 2] : undefined;
        if (!b) return [te.encode("E"), te.encode("block not found")];
        if (!this.corrupt(n)) return [te.encode("B"), b.packed];
        const bad = b.packed.slice();
        bad[20]! ^= 0xff; // previous digest damaged
        return [te.encode("B"), bad];
      }
      default:
        return [frames[1]!, te.encode("A")];
    }
  }

  count(prefix: string): number {
    return this.requests.filter((r) => r.startsWith(prefix)).length;
  }
}

/** Address → fake peer; transports created by `transport()` reach them with real timeouts. */
export class FakeNet {
  readonly peers = new Map<string, FakePeer>();
  add(address: string, peer: FakePeer): FakePeer {
    this.peers.set(address, peer);
    return peer;
  }
  transport(): RequestTransport {
    let address: string | undefined;
    let generation = 0;
    const net = this;
    return {
      connect(a: string) {
        address = a;
        generation++;
      },
      close() {
        address = undefined;
        generation++;
      },
      async request(frames: Frames, timeoutMs: number): Promise<Frames> {
        if (address === undefined) throw new Fault("not connected");
        const g = generation;
        await Bun.sleep(0);
        const peer = net.peers.get(address);
        const reply = peer && !peer.down ? peer.handle(frames) : undefined;
        if (reply === undefined) {
          await Bun.sleep(timeoutMs);
          throw new RequestTimeoutError(peer && !peer.down ? "receive" : "send");
        }
        if (g !== generation) throw new Fault("not connected");
        return reply;
      },
    };
  }
}

export function key(i: number): Uint8Array {
  return new Uint8Array(32).fill(0x10 + i);
}
