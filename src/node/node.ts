/**
 * Node assembly: opens the store, keys, announce, reservoir, listener and connector from a NodeConfig and wires
 * them together in bitmarkd's start-up order (command/bitmarkd/main.go). `stop()` undoes it in reverse and
 * leaves LMDB flushed; it is what SIGINT/SIGTERM call.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { activeBackend, activeBackendName, activeBackendReason, shutdownDigestWorkers } from "../crypto/index.ts";
import { blockHandlers } from "../chain/pushed-block.ts";
import { openStore, type Store } from "../chain/store/store.ts";
import type { NodeConfig } from "./config.ts";
import { announceTiming, connectorTiming, paymentTiming, proofTiming, reservoirTiming } from "./timing.ts";
import { logger } from "../base/log.ts";
import { Announce } from "../peer/announce/announce.ts";
import { lookupTxtPeers, nodesDomain } from "../peer/announce/dns.ts";
import { JsonPeerFile, peerFilePath } from "../peer/announce/store.ts";
import { canonical, packConnections, parseConnection, resolveConnection } from "../peer/address.ts";
import { BroadcastQueue } from "../peer/broadcast.ts";
import { Connector } from "../peer/sync/connector.ts";
import { connectorConfig } from "../peer/sync/constants.ts";
import type { ListenerContext } from "../peer/listener/listener.ts";
import { PeerListener } from "../peer/listener/server.ts";
import { IncomingPeers } from "../peer/listener/incoming.ts";
import { ModeState } from "../base/mode.ts";
import { SyncProgress } from "../peer/sync/progress.ts";
import { PushDispatcher } from "../peer/listener/push.ts";
import { startReservoir, type RunningReservoir } from "../reservoir/index.ts";
import { startLocalStatusSocket, startStatusServer, type StatusServer, type StatusSnapshot } from "../http/status-server.ts";
import { VERSION } from "../base/version.ts";
import { readKeyPair, ensureKeyPair } from "../transport/keys.ts";
import type { CurveKeyPair } from "../transport/curve.ts";
import { shutdown as shutdownWire } from "../transport/context.ts";
import { startRpc, type RunningRpc } from "../rpc/index.ts";
import { METHODS } from "../rpc/methods/index.ts";
import { nodeFacts } from "../rpc/node-facts.ts";
import { PaymentWatcher } from "../payment/watcher.ts";
import { Proofer } from "../proof/index.ts";
import { systemClock } from "../base/clock.ts";
import { LOCAL_STATUS_SOCKET, RUNNING_FILE } from "./preflight.ts";
import { ConfigError } from "../base/config-values.ts";
import { HINT_START, upstreamHint } from "./upstream-hint.ts";

const log = logger("node");

export { LOCAL_STATUS_SOCKET, RUNNING_FILE } from "./preflight.ts";

export interface RunningNode {
  pid: number;
  chain: string;
  publicKey: string;
  /** bound endpoints, `tcp://a.b.c.d:p` / `tcp://[v6]:p` */
  listen: string[];
  /** client RPC (TLS JSON-RPC) endpoints `host:port` and the certificate's SHA3-256 fingerprint, when on */
  rpc?: { listen: string[]; fingerprint: string; https: string[] };
  /** the proofer's CURVE key and bound job (PUB) and submission (REP) endpoints, when it runs */
  proof?: { publicKey: string; publish: string[]; submit: string[] };
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
    readonly push: PushDispatcher,
    readonly connector: Connector,
    readonly progress: SyncProgress,
    readonly http: StatusServer[],
    readonly rpc: RunningRpc,
    readonly payments: PaymentWatcher | undefined,
    readonly proofer: Proofer | undefined,
    readonly incoming: IncomingPeers,
  ) {}

  /**
   * Starts a node whose configuration passed `preflight` (src/node/preflight.ts); throws a one-line error
   * (Fault, ConfigError, bind error) and leaves nothing open on failure.
   */
  static async start(cfg: NodeConfig): Promise<Node> {
    // Every look-up before the first file is written: a mistake must leave the data directory as it was.
    const listen = cfg.peering.listen.map(parseConnection);
    const resolveAll = (list: string[], key: string) =>
      Promise.all(
        list.map((a) =>
          resolveConnection(a).catch(() => {
            throw new ConfigError(`${key} ${JSON.stringify(a)}: cannot resolve the host name`);
          }),
        ),
      );
    const announced = await resolveAll(cfg.peering.announce, "peering.announce");
    const rpcAnnounced = await resolveAll(cfg.client_rpc.announce, "client_rpc.announce");
    // bitmarkd looks its seeds up once, at start-up, and does not start when the lookup fails.
    const seedDomain = nodesDomain(cfg.nodes, cfg.chain);
    const seeds = seedDomain === null ? [] : await lookupTxtPeers(seedDomain);

    mkdirSync(cfg.data_directory, { recursive: true, mode: 0o700 });
    rmSync(join(cfg.data_directory, LOCAL_STATUS_SOCKET), { force: true }); // left by a killed node (preflight: none runs)
    const keys = loadKeys(cfg);
    const self = Buffer.from(keys.publicKey).toString("hex");

    const opened: { close(): unknown }[] = [];
    try {
      const store = openStore(cfg.data_directory, cfg.chain);
      opened.push(store);
      const mode = new ModeState();
      const broadcast = new BroadcastQueue();
      const announce = new Announce({
        timing: announceTiming(cfg.timing),
        store: new JsonPeerFile(peerFilePath(cfg.data_directory, cfg.chain)),
        onBroadcast: (command, parameters) => broadcast.send(command, parameters),
        onTarget: (target) => connector.connectTarget(target),
      });

      const reservoir = startReservoir({
        store,
        chain: cfg.chain,
        broadcast: (command, parameters) => broadcast.send(command, parameters),
        limits: reservoirTiming(cfg.timing),
      });
      opened.push({ close: () => reservoir.stop() });

      const payments = cfg.payment
        ? PaymentWatcher.start({ config: cfg.payment, chain: cfg.chain, reservoir: reservoir.reservoir, clock: systemClock, timing: paymentTiming(cfg.timing) })
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
        hash: activeBackend(),
        mode,
        announce,
        broadcast,
        config: connectorConfig(connectorTiming(cfg.timing)),
        preferIPv6: cfg.peering.prefer_ipv6,
        statics: cfg.peering.connect.map((c) => ({ publicKey: new Uint8Array(Buffer.from(c.public_key, "hex")), address: canonical(parseConnection(c.address)) })),
      });
      opened.push({ close: () => connector.stop() });
      const push = new PushDispatcher({ isNormal: () => mode.isNormal(), announce, broadcast });
      push.install(reservoir.handlers);
      push.install(blockHandlers({ store, blockAhead: (n) => connector.blockPushed(n) }));
      opened.push({ close: () => push.stop() });

      const incoming = new IncomingPeers(announce.timing.expiryMs);
      const context: ListenerContext = {
        chain: cfg.chain,
        version: VERSION,
        isNormal: () => mode.isNormal(),
        height: () => store.height(),
        getBlock: (n) => store.getBlock(n),
        digestForBlock: (n) => store.digestForBlock(n),
        announce,
        registered: (publicKey, listeners) => {
          incoming.note(publicKey, listeners, Date.now());
          connector.dialBack(publicKey, listeners);
        },
        push: (command, parameters) => push.push(command, parameters),
      };
      const listener = PeerListener.open({ listen: listen.map(canonical), keys, context });
      opened.push(listener);

      // Seeds first, as in bitmarkd, so that the first target selection (setSelf) already sees them.
      for (const s of seeds) announce.addPeer(s.publicKey, s.listeners, 0n);
      if (seedDomain !== null) log.info("DNS seeds", { domain: seedDomain, peers: seeds.length });
      // Own records: what peers learn through `R` and `peer` pushes.
      announce.setSelf(keys.publicKey, ownListeners);
      const facts = nodeFacts({ chain: cfg.chain, publicKey: keys.publicKey, mode, store, listener, connector, reservoir, announce });
      const startedAt = process.hrtime.bigint();
      const rpc = startRpc({
        client: cfg.client_rpc,
        https: cfg.https_rpc,
        table: METHODS,
        deps: (stats) => ({ chain: cfg.chain, store, reservoir, announce, broadcast, mode, facts, stats, version: VERSION, startedAt }),
        facts,
        version: VERSION,
      });
      opened.push({ close: () => rpc.stop() });
      if (rpc.fingerprint && rpcAnnounced.length > 0) announce.setRpc(rpc.fingerprint, packConnections(rpcAnnounced));
      await announce.start();
      opened.push({ close: () => announce.stop() });
      connector.start();
      const proofing = cfg.proofing;
      const proofer = proofing
        ? Proofer.start({ config: proofing, chain: cfg.chain, store, mode, reservoir: reservoir.reservoir, broadcast: (c, p) => broadcast.send(c, p), timing: proofTiming(cfg.timing) })
        : undefined;
      if (proofer) opened.push({ close: () => proofer.stop() });
      const minimum = connectorConfig(connectorTiming(cfg.timing)).minimumClients;
      let hint = HINT_START;
      const hintTimer = setInterval(() => {
        const next = upstreamHint(hint, Date.now(), connector.status().registered, minimum);
        hint = next.state;
        if (next.warn) log.warn(next.warn);
        if (next.info) log.info(next.info);
      }, 5_000);
      hintTimer.unref();
      opened.push({ close: () => clearInterval(hintTimer) });

      let node: Node;
      const http = [startLocalStatusSocket(join(cfg.data_directory, LOCAL_STATUS_SOCKET), () => node.status())];
      opened.push({ close: () => http.forEach((h) => h.stop()) });
      const served = cfg.http ? startStatusServer(cfg.http, () => node.status()) : undefined;
      if (served) http.push(served);
      node = new Node(cfg, keys, store, mode, announce, broadcast, reservoir, listener, push, connector, progress, http, rpc, payments, proofer, incoming);
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
        ...(served ? { http: served.url } : {}),
        ...(rpc.endpoints.length > 0 ? { rpc: rpc.endpoints.join(",") } : {}),
        ...(rpc.httpsEndpoints.length > 0 ? { https: rpc.httpsEndpoints.join(",") } : {}),
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
    const { endpoints, httpsEndpoints, fingerprint } = this.rpc;
    return {
      pid: process.pid,
      chain: this.config.chain,
      publicKey: Buffer.from(this.keys.publicKey).toString("hex"),
      listen: [...this.listener.endpoints],
      ...(fingerprint ? { rpc: { listen: endpoints, fingerprint: Buffer.from(fingerprint).toString("hex"), https: httpsEndpoints } } : {}),
      ...(this.proofer ? { proof: { publicKey: Buffer.from(this.proofer.publicKey).toString("hex"), publish: this.proofer.publishEndpoints, submit: this.proofer.submitEndpoints } } : {}),
    };
  }

  status(): StatusSnapshot {
    const sync = this.progress.phaseSnapshot();
    return {
      version: VERSION,
      chain: this.config.chain,
      mode: this.mode.get(),
      height: this.store.height(),
      publicKey: Buffer.from(this.keys.publicKey).toString("hex"),
      listeners: [...this.listener.endpoints],
      peersIn: this.listener.connections,
      peersOut: this.connector.status().registered,
      knownPeers: this.announce.peers().filter((p) => !Buffer.from(p.publicKey).equals(this.keys.publicKey)).length,
      peers: [
        ...this.connector.status().upstreams.flatMap(({ key, address, registered, height, lastReply }) =>
          key === undefined
            ? []
            : [{
                direction: "outgoing" as const,
                key,
                ...(address === undefined ? {} : { address }),
                registered,
                height,
                lastReply: lastReply === 0 ? null : new Date(lastReply).toISOString(),
              }],
        ),
        ...this.incoming.list(Date.now()).map((p) => ({
        direction: "incoming" as const,
        key: p.key,
        ...(p.address === null ? {} : { address: p.address }),
        registered: true,
        height: null,
        lastReply: new Date(p.lastHeard).toISOString(),
      })),
      ],
      blocksPerSecond: this.progress.figures(0).rate,
      ...(sync ? { sync } : {}),
      digestBackend: activeBackendName(),
      reservoir: this.reservoir.reservoir.sizes(),
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      rpc: this.rpc.stats.snapshot(),
      ...(this.payments ? { payment: this.payments.status() } : {}),
    };
  }

  /** Stops everything in reverse start-up order; idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      log.info("stopping");
      this.mode.set("Stopped");
      // Pushed items still waiting are dropped, not processed during shutdown (blocks would each pay a digest).
      this.push.stop();
      for (const h of this.http) h.stop();
      this.rpc.stop();
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
