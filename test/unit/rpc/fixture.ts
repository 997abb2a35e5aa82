/**
 * The RPC methods on a real chain store and reservoir, without any transport: `call` runs a method on a
 * request's `params[0]` text and returns the reply line a jsonrpc server would write for it
 * (`{"id":ID,"result":…,"error":…}`, rpc.md §4.3), so replies compare byte for byte with observed ones.
 * Blocks are stored with supplied digests (`local` skips the digest check), so no Argon2 runs.
 */
import { afterAll } from "bun:test";
import { storeLocalBlock } from "../../support/reservoir-fakes.ts";
import { tempDirs } from "../../support/temp-dirs.ts";
import { type PrivateKey } from "../../../src/chain/types/account.ts";
import { recordJSON } from "../../../src/chain/types/records/json.ts";
import type { TxRecord } from "../../../src/chain/types/records/types.ts";
import type { ChainName } from "../../../src/chain/types/chains.ts";
import { openStore, type Store } from "../../../src/chain/store/store.ts";
import { ModeState } from "../../../src/base/mode.ts";
import { Announce } from "../../../src/peer/announce/announce.ts";
import { startReservoir, type RunningReservoir } from "../../../src/reservoir/index.ts";
import { parseJsonExact } from "../../../src/rpc/go-decode.ts";
import { goStringify } from "../../../src/rpc/go-json.ts";
import { RpcError } from "../../../src/rpc/method.ts";
import { METHODS, type MethodDeps } from "../../../src/rpc/methods/index.ts";
import { goValue } from "../../../src/rpc/records.ts";

const tempDir = tempDirs("bunmark-rpc-");

export interface Sent {
  command: string;
  params: string[];
}

export interface RpcFixture {
  readonly store: Store;
  readonly rsv: RunningReservoir;
  readonly mode: ModeState;
  readonly announce: Announce;
  readonly deps: MethodDeps;
  /** broadcast items, parameters in hex */
  readonly sent: Sent[];
  /** `{"id":ID,"result":…,"error":…}` for params `[ARG]` (`ARG` omitted: `[]`) */
  call(method: string, arg?: string, id?: string): string;
  /** the result value's JSON, or `error: TEXT` */
  result(method: string, arg?: string): string;
  /** stores a block of `records` after a foundation owned by `owner`, with a made-up digest */
  block(records: Uint8Array[], owner: PrivateKey): Promise<number>;
}

export interface FixtureOptions {
  chain?: ChainName;
  publicKey?: string;
  peers?: { incoming: number; outgoing: number };
  rpcs?: number;
  /** what Node.Info's clock reads since the RPC server was created (default 1 s) */
  uptimeNs?: bigint;
}

export function rpcFixture(o: FixtureOptions = {}): RpcFixture {
  const chain = o.chain ?? "local";
  const store = openStore(tempDir(), chain);
  const mode = new ModeState();
  mode.set("Normal");
  const sent: Sent[] = [];
  const broadcast = (command: string, params: readonly Uint8Array[]) => void sent.push({ command, params: params.map((p) => Buffer.from(p).toString("hex")) });
  const rsv = startReservoir({ store, chain, broadcast });
  const announce = new Announce();
  afterAll(async () => {
    rsv.stop();
    await store.close();
  });
  const deps: MethodDeps = {
    chain,
    mode,
    store,
    reservoir: rsv,
    broadcast: { send: broadcast },
    announce,
    facts: { publicKey: o.publicKey ?? "00".repeat(32), peerCounts: () => o.peers ?? { incoming: 0, outgoing: 0 } },
    stats: { rpcs: o.rpcs ?? 1 },
    version: "8.2",
    startedAt: 1_000_000n,
  };
  const hrtime = process.hrtime.bigint;
  const run = (method: string, arg?: string): { result?: unknown; error?: string } => {
    // Node.Info's uptime is read from process.hrtime: a fixed reading makes the reply deterministic
    process.hrtime.bigint = () => deps.startedAt + (o.uptimeNs ?? 1_000_000_000n);
    try {
      return { result: METHODS[method]!(arg === undefined ? undefined : parseJsonExact(arg), deps) };
    } catch (e) {
      if (e instanceof RpcError) return { error: e.message };
      throw e;
    } finally {
      process.hrtime.bigint = hrtime;
    }
  };
  return {
    store,
    rsv,
    mode,
    announce,
    deps,
    sent,
    call(method, arg, id = "1") {
      const r = run(method, arg);
      return `{"id":${id},"result":${r.error === undefined ? goStringify(r.result) : "null"},"error":${r.error === undefined ? "null" : goStringify(r.error)}}`;
    },
    result(method, arg) {
      const r = run(method, arg);
      return r.error === undefined ? goStringify(r.result) : `error: ${r.error}`;
    },
    block: (records, owner) => storeLocalBlock(store, records, owner, 1000),
  };
}

/** A record as the JSON argument a client sends (the same keys as the `data` objects). */
export function argJSON(rec: TxRecord): string {
  return goStringify(goValue(recordJSON(rec)));
}

export const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
