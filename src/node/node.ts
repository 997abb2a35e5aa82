/**
 * Node assembly: opens the store, keys, announce, reservoir, listener and connector from a NodeConfig and wires
 * them together in bitmarkd's start-up order (command/bitmarkd/main.go). `stop()` undoes it in reverse and
 * leaves LMDB flushed; it is what SIGINT/SIGTERM call.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { activeBackendName, activeBackendReason, hash, shutdownDigestWorkers } from "../crypto/index.ts";
import { extendsTip } from "../chain/types/header.ts";
import { openStore, type Store } from "../chain/store/store.ts";
import { timingFields, type NodeConfig } from "./config.ts";
import { fail } from "../base/fault.ts";
import { logger } from "../base/log.ts";
import { Announce } from "../peer/announce/announce.ts";
import { lookupTxtPeers, nodesDomain } from "../peer/announce/dns.ts";
import { JsonPeerFile, peerFilePath } from "../peer/announce/store.ts";
import type { AnnounceTiming } from "../peer/announce/timing.ts";
import { canonical, packConnections, parseConnection, resolveConnection } from "../peer/address.ts";
import { BroadcastQueue } from "../peer/broadcast.ts";
import { Connector } from "../peer/sync/connector.ts";
import { connectorConfigFromTiming } from "../peer/sync/constants.ts";
import type { ListenerContext } from "../peer/listener/listener.ts";
import { PeerListener } from "../peer/listener/server.ts";
import { ModeState } from "../base/mode.ts";
import { SyncProgress } from "../peer/sync/progress.ts";
import { PushDispatcher } from "../peer/listener/push.ts";
import { startReservoir, type RunningReservoir, type ReservoirLimits } from "../reservoir/index.ts";
import { startLocalStatusSocket, startStatusServer, type StatusServer, type StatusSnapshot } from "../http/status-server.ts";
import { VERSION } from "../base/version.ts";
import { readKeyPair, ensureKeyPair } from "../transport/keys.ts";
import type { CurveKeyPair } from "../transport/curve.ts";
import { shutdown as shutdownWire } from "../transport/context.ts";
import { PROOF_TIMING, Proofer } from "../proof/index.ts";
import { PaymentWatcher, type PaymentTiming } from "../payment/watcher.ts";
import { systemClock } from "../base/clock.ts";

const log = logger("node");

/** Files a running node keeps in its data directory. */
export const RUNNING_FILE = "node.json";
export const LOCAL_STATUS_SOCKET = "status.sock";

export interface RunningNode {
  pid: number;
  chain: string;
  publicKey: string;
  /** bound endpoints, `tcp://a.b.c.d:p` / `tcp://[v6]:p` */
  listen: string[];
  /** the proofer's CURVE key and bound job (PUB) and submission (REP) endpoints, when it runs */
  proof?: { publicKey: string; publish: string[]; submit: string[] };
}

/** `timing` keys (milliseconds) of the announce subsystem and the reservoir; the connector reads its own. */
const ANNOUNCE_TIMING = {
  announce_initial: "initialMs",
  announce_interval: "intervalMs",
  announce_rebroadcast: "rebroadcastMs",
  announce_expiry: "expiryMs",
} as const satisfies Record<string, keyof AnnounceTiming>;
const RESERVOIR_TIMING = {
  reservoir_timeout: "reservoirTimeoutMs",
  asset_timeout: "assetTimeoutMs",
  reservoir_clean: "cleanIntervalMs",
  reservoir_rebroadcast: "rebroadcastIntervalMs",
} as const satisfies Record<string, keyof ReservoirLimits>;
const PAYMENT_TIMING = {
  payment_check: "checkIntervalMs",
  payment_request_timeout: "requestTimeoutMs",
} as const satisfies Record<string, keyof PaymentTiming>;

/** Refuses a second node on one data directory; clears what a killed node left behind. */
function claimDataDirectory(dir: string): void {
  try {
    const { pid } = JSON.parse(readFileSync(join(dir, RUNNING_FILE), "utf8")) as RunningNode;
    if (pid !== process.pid && processAlive(pid)) throw new Error(`another node (pid ${pid}) is running with data directory ${dir}`);
  } catch (e) {
    if (!(e instanceof SyntaxError) && (e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  rmSync(join(dir, LOCAL_STATUS_SOCKET), { force: true });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Key files from the configuration: both absent → generated (first start); otherwise read and checked. */
function loadKeys(cfg: NodeConfig): CurveKeyPair {
  const { public_key, private_key } = cfg.peering;
  const defaults = public_key === join(cfg.data_directory, "peer.public") && private_key === join(cfg.data_directory, "peer.private");
  return defaults ? ensureKeyPair(cfg.data_directory) : readKeyPair(public_key, private_key);
}

export class Node {
  readonly startedAt = Date.now();
  #stopping: Promise<void> | null = null;

  private constructor(
    readonly config: NodeConfig,
    readonly keys: CurveKeyPair,
    readonly store: Store,
    readonly mode: ModeState,
    readonly announce: Announce,
    readonly broadcast: BroadcastQueue,
    readonly reservoir: RunningReservoir,
    readonly listener: PeerListener,
    readonly connector: Connector,
    readonly progress: SyncProgress,
    readonly http: StatusServer[],
    readonly payments: PaymentWatcher | undefined,
    readonly proofer: Proofer | undefined,
  ) {}

  /** Starts a node; throws a one-line error (Fault, ConfigError, bind error) and leaves nothing open on failure. */
  static async start(cfg: NodeConfig): Promise<Node> {
    mkdirSync(cfg.data_directory, { recursive: true, mode: 0o700 });
    claimDataDirectory(cfg.data_directory);
    const keys = loadKeys(cfg);
    const self = Buffer.from(keys.publicKey).toString("hex");
    for (const c of cfg.peering.connect) {
      if (c.public_key === self) throw new Error("connecting to self forbidden");
    }
    // bitmarkd's only use of the setting: dynamic connections are made either way (docs/deviations.md §8).
    if (!cfg.peering.dynamic_connections && cfg.peering.connect.length === 0) fail("no connections available");
    const listen = cfg.peering.listen.map(parseConnection);
    const announced = await Promise.all(cfg.peering.announce.map(resolveConnection));
    const rpcAnnounced = await Promise.all(cfg.client_rpc.announce.map(resolveConnection));
    // bitmarkd looks its seeds up once, at start-up, and does not start when the lookup fails.
    const seedDomain = nodesDomain(cfg.nodes, cfg.chain);
    const seeds = seedDomain === null ? [] : await lookupTxtPeers(seedDomain);

    const opened: { close(): unknown }[] = [];
    try {
      const store = openStore(cfg.data_directory, cfg.chain);
      opened.push(store);
      const mode = new ModeState();
      const broadcast = new BroadcastQueue();
      const announce = new Announce({
        timing: timingFields(cfg.timing, ANNOUNCE_TIMING),
        store: new JsonPeerFile(peerFilePath(cfg.data_directory, cfg.chain)),
        onBroadcast: (command, parameters) => broadcast.send(command, parameters),
        onTarget: (target) => connector.connectTarget(target),
      });

      const push = new PushDispatcher({ isNormal: () => mode.isNormal(), announce, broadcast });
      const reservoir = startReservoir({
        store,
        chain: cfg.chain,
        mode,
        broadcast: (command, parameters) => broadcast.send(command, parameters),
        limits: timingFields(cfg.timing, RESERVOIR_TIMING),
      });
      opened.push({ close: () => reservoir.stop() });
      reservoir.register(push);

      const payments = cfg.payment
        ? PaymentWatcher.start({ config: cfg.payment, chain: cfg.chain, reservoir: reservoir.reservoir, clock: systemClock, timing: timingFields(cfg.timing, PAYMENT_TIMING) })
        : undefined;
      if (payments) opened.push({ close: () => payments.stop() });
      else log.info("no payment section: transfers stay pending (issues can still be proven)");

      const ownListeners = packConnections(announced);
      const progress = new SyncProgress();
      const connector: Connector = new Connector({
        chain: cfg.chain,
        progress,
        keys,
        listeners: () => ownListeners,
        store,
        hash,
        mode,
        announce,
        broadcast,
        config: connectorConfigFromTiming(cfg.timing),
        preferIPv6: cfg.peering.prefer_ipv6,
        statics: cfg.peering.connect.map((c) => ({ publicKey: new Uint8Array(Buffer.from(c.public_key, "hex")), address: canonical(parseConnection(c.address)) })),
      });
      opened.push({ close: () => connector.stop() });
      // The dispatcher hands blocks over only in Normal mode and relays them once stored.
      push.register("block", async (packed) => {
        // 8.2 digests a pushed block before finding it does not extend the tip; push errors never travel back,
        // so such blocks (stale, duplicate, forked, hostile) are dropped before the 128 MiB Argon2 run.
        if (!extendsTip(packed, store.tip())) {
          log.debug("pushed block does not extend the tip", { bytes: packed.length });
          return false;
        }
        await store.storeIncoming(packed);
        return true;
      });

      const context: ListenerContext = {
        chain: cfg.chain,
        version: VERSION,
        isNormal: () => mode.isNormal(),
        height: () => store.height(),
        getBlock: (n) => store.getBlock(n),
        digestForBlock: (n) => store.digestForBlock(n),
        announce,
        push: (command, parameters) => push.push(command, parameters),
      };
      const listener = PeerListener.open({ listen: listen.map(canonical), keys, context });
      opened.push(listener);

      // Seeds first, as in bitmarkd, so that the first target selection (setSelf) already sees them.
      for (const s of seeds) announce.addPeer(s.publicKey, s.listeners, 0n);
      if (seedDomain !== null) log.info("DNS seeds", { domain: seedDomain, peers: seeds.length });
      // Own records: what peers learn through `R` and `peer` pushes.
      announce.setSelf(keys.publicKey, ownListeners);
      if (cfg.client_rpc.fingerprint && rpcAnnounced.length > 0) {
        announce.setRpc(new Uint8Array(Buffer.from(cfg.client_rpc.fingerprint, "hex")), packConnections(rpcAnnounced));
      }
      await announce.start();
      opened.push({ close: () => announce.stop() });
      connector.start();
      const proofing = cfg.proofing;
      const proofer = proofing
        ? Proofer.start({ config: proofing, chain: cfg.chain, store, mode, reservoir: reservoir.reservoir, broadcast: (c, p) => broadcast.send(c, p), timing: timingFields(cfg.timing, PROOF_TIMING) })
        : undefined;
      if (proofer) opened.push({ close: () => proofer.stop() });

      let node: Node;
      const http = [startLocalStatusSocket(join(cfg.data_directory, LOCAL_STATUS_SOCKET), () => node.status())];
      if (cfg.http) http.push(startStatusServer(cfg.http, () => node.status()));
      opened.push({ close: () => http.forEach((h) => h.stop()) });
      node = new Node(cfg, keys, store, mode, announce, broadcast, reservoir, listener, connector, progress, http, payments, proofer);
      // temporary file + rename: `status` (and anything waiting for the node) may read it while it is written
      const running = join(cfg.data_directory, RUNNING_FILE);
      writeFileSync(`${running}.tmp`, JSON.stringify(node.running()) + "\n");
      renameSync(`${running}.tmp`, running);
      log.info("started", {
        chain: cfg.chain,
        height: store.height(),
        publicKey: self,
        listen: listener.endpoints.join(","),
        digest: `${activeBackendName()} (${activeBackendReason()})`,
        data: cfg.data_directory,
        ...(cfg.http ? { http: http[1]!.url } : {}),
      });
      return node;
    } catch (e) {
      for (const o of opened.reverse()) {
        try {
          await o.close();
        } catch {
          // already failing: the first error is the one to report
        }
      }
      await shutdownWire();
      throw e;
    }
  }

  /** What `bunmark status` needs to find this node: written to DATA/node.json while it runs. */
  running(): RunningNode {
    const p = this.proofer;
    return {
      pid: process.pid,
      chain: this.config.chain,
      publicKey: Buffer.from(this.keys.publicKey).toString("hex"),
      listen: [...this.listener.endpoints],
      ...(p ? { proof: { publicKey: Buffer.from(p.publicKey).toString("hex"), publish: p.publishEndpoints, submit: p.submitEndpoints } } : {}),
    };
  }

  status(): StatusSnapshot {
    return {
      version: VERSION,
      chain: this.config.chain,
      mode: this.mode.get(),
      height: this.store.height(),
      publicKey: Buffer.from(this.keys.publicKey).toString("hex"),
      listeners: [...this.listener.endpoints],
      peersIn: this.listener.connections,
      peersOut: this.connector.status().registered,
      knownPeers: this.announce.peers().length,
      blocksPerSecond: this.progress.figures(0).rate,
      digestBackend: activeBackendName(),
      reservoir: this.reservoir.reservoir.sizes(),
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      ...(this.payments ? { payment: this.payments.status() } : {}),
    };
  }

  /** Stops everything in reverse start-up order; idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      log.info("stopping");
      this.mode.set("Stopped");
      for (const h of this.http) h.stop();
      rmSync(join(this.config.data_directory, RUNNING_FILE), { force: true });
      this.proofer?.stop();
      await this.connector.stop();
      this.listener.close();
      await this.announce.stop();
      await this.payments?.stop();
      this.reservoir.stop();
      await shutdownWire();
      await shutdownDigestWorkers();
      await this.store.close();
      log.info("stopped");
    })();
    return this.#stopping;
  }
}
