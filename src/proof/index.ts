/**
 * The proofer as the node runs it (bitmarkd 8.2 proof/setup.go `Initialise`): reads its keys, opens the PUB
 * (jobs) and REP (submissions) CURVE servers and publishes jobs from the verified pool while the node is in
 * Normal mode. A new tip (a found block, a peer's block, a fork undone) re-publishes at once.
 *
 *   const proofer = Proofer.start({ config, chain, store, mode, reservoir, broadcast, timing });
 *   proofer.publishEndpoints / submitEndpoints / publicKey;   proofer.stop();
 */
import { randomBytes } from "node:crypto";
import { logger } from "../base/log.ts";
import { accountToString } from "../chain/types/account.ts";
import { ONE_BITS } from "../chain/rules/difficulty.ts";
import { checksDigestDifficulty, isTestnet, type ChainName } from "../chain/types/chains.ts";
import type { Store } from "../chain/store/store.ts";
import type { ModeState } from "../base/mode.ts";
import type { Reservoir } from "../reservoir/reservoir.ts";
import type { CurveKeyPair } from "../transport/curve.ts";
import { readKeyPair } from "../transport/keys.ts";
import { PublishServer } from "../transport/publish-server.ts";
import type { ReplyServer } from "../transport/reply-server.ts";
import { paymentMap, type ProofingConfig } from "./config.ts";
import { readSigningKey } from "./identity.ts";
import { buildJob, foundationRecord, MAXIMUM_TRANSACTIONS, ProoferError, type Job } from "./job.ts";
import { JobPublisher, publishTiming, type PublishTiming } from "./publisher.ts";
import { openSubmitServer } from "./submit-server.ts";
import { JobQueue } from "./submission.ts";
import { ProofError } from "./errors.ts";

const log = logger("proof");

export interface ProoferOptions {
  config: ProofingConfig;
  chain: ChainName;
  store: Store;
  mode: ModeState;
  reservoir: Reservoir;
  broadcast: (command: string, parameters: readonly Uint8Array[]) => void;
  timing?: Partial<PublishTiming>;
}

/** Runs `fn`; an error it throws is re-thrown with `what` in front, so a start-up failure names its setting. */
function about<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new ProofError({ code: "SETTING_UNUSABLE", setting: what, detail }, `${what}: ${detail}`, { cause: e });
  }
}

export class Proofer {
  private constructor(
    readonly keys: CurveKeyPair,
    readonly publisher: JobPublisher,
    readonly server: PublishServer,
    readonly submit: ReplyServer,
    readonly unsubscribe: (() => void)[],
  ) {}

  get publicKey(): Uint8Array {
    return this.keys.publicKey;
  }

  get publishEndpoints(): string[] {
    return this.server.endpoints;
  }

  get submitEndpoints(): string[] {
    return this.submit.endpoints;
  }

  static start(o: ProoferOptions): Proofer {
    const testnet = isTestnet(o.chain);
    const signing = about(`proofing.signing_key ${o.config.signing_key}`, () => readSigningKey(o.config.signing_key));
    if (signing.account.testnet !== testnet) {
      throw new ProofError({ code: "SIGNING_KEY_NETWORK", path: o.config.signing_key }, `proofing.signing_key ${o.config.signing_key}: key is for the wrong network`);
    }
    const keys = about(`proofing.public_key/private_key ${o.config.public_key}, ${o.config.private_key}`, () => readKeyPair(o.config.public_key, o.config.private_key));
    const txZero = foundationRecord(paymentMap(o.config), signing);
    const queue = new JobQueue();
    const { store, reservoir } = o;

    const makeJob = (): Job | undefined => {
      if (!o.mode.isNormal()) return undefined;
      const pool = reservoir.fetchVerified(MAXIMUM_TRANSACTIONS - 1);
      if (pool.txIds.length === 0) {
        log.debug("verified pool is empty");
        return undefined;
      }
      return buildJob({
        pool,
        txZero,
        assetFor: (id) => {
          if (store.asset(id) !== undefined) return { confirmed: true };
          const packed = reservoir.assets.get(id);
          if (packed === undefined) log.warn("issue left out: its asset is neither confirmed nor cached", { asset: Buffer.from(id).toString("hex") });
          return packed === undefined ? undefined : { packed };
        },
        tip: store.tip(),
        bits: ONE_BITS, // 8.2's difficulty.Current, never adjusted (docs/proof.md §3.2)
        timestamp: Math.floor(Date.now() / 1000),
        nonce: randomBytes(8).readBigUInt64LE(),
        testnet,
      });
    };

    const server = about(`proofing.publish ${o.config.publish.join(", ")}`, () => PublishServer.open({ addresses: o.config.publish, publicKey: keys.publicKey, secretKey: keys.secretKey, zapDomain: "publisher" }));
    let submit: ReplyServer;
    try {
      submit = about(`proofing.submit ${o.config.submit.join(", ")}`, () => openSubmitServer({
        addresses: o.config.submit,
        keys,
        queue,
        context: {
          isNormal: () => o.mode.isNormal(),
          tip: () => store.tip(),
          digest: async (header) => {
            const [digest] = await store.hash.blockDigestBatch([header]);
            if (digest === undefined) throw new ProoferError({ code: "DIGEST_MISSING" });
            return digest;
          },
          checksDifficulty: checksDigestDifficulty(o.chain),
          meetsDifficulty: (digest, target) => store.hash.meetsDifficulty(digest, target),
        },
        store: async (packed, digest) => void (await store.storeIncoming(packed, { digest })),
        broadcast: (packed) => o.broadcast("block", [packed]),
      }));
    } catch (e) {
      server.close();
      throw e;
    }
    const publisher = new JobPublisher(server, queue, makeJob, publishTiming(o.chain, o.timing));
    const kick = () => queueMicrotask(() => publisher.kick());
    const unsubscribe = [store.onBlockStored(kick), store.onBlockDeleted(kick)];
    publisher.start();
    log.info("proofer started", {
      publicKey: Buffer.from(keys.publicKey).toString("hex"),
      publish: server.endpoints.join(","),
      submit: submit.endpoints.join(","),
      owner: accountToString(signing.account),
    });
    return new Proofer(keys, publisher, server, submit, unsubscribe);
  }

  stop(): void {
    for (const u of this.unsubscribe) u();
    this.publisher.stop();
    this.submit.close();
    this.server.close();
  }
}
