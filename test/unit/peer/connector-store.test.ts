/**
 * The connector against the real chain store and hashing backend (chain `local`): blocks generated in one
 * store are fetched from three peers, verified with `blockDigestBatch` and accepted by the real StoreIncoming
 * of another. Few blocks: each costs an Argon2 digest to generate and one to verify.
 */
import { expect, test } from "bun:test";
import { generateChain } from "../../../src/testnet/generate.ts";
import { bytesEqual } from "../../../src/encoding/hex.ts";
import { openStore } from "../../../src/chain/store/store.ts";
import { activeBackend } from "../../../src/crypto/index.ts";
import { connectorConfig } from "../../../src/peer/sync/constants.ts";
import { Connector } from "../../../src/peer/sync/connector.ts";
import { ModeState } from "../../../src/base/mode.ts";
import { SyncProgress } from "../../../src/peer/sync/progress.ts";
import { tempDirs } from "../../support/temp-dirs.ts";
import { type Block, FakeNet, FakePeer, key } from "../../support/connector-fakes.ts";

const hash = activeBackend();

const BLOCKS = 3;
const tempDir = tempDirs("bunmark-connector-");

test(`syncs ${BLOCKS} generated blocks into a real store`, async () => {
  const source = openStore(tempDir(), "local");
  await generateChain(source, { blocks: BLOCKS, seed: "connector" });
  const height = source.height();
  expect(height).toBe(BLOCKS + 1);
  const chain: Block[] = [];
  for (let n = 2; n <= height; n++) chain.push({ packed: source.getBlock(n), digest: source.digestForBlock(n) });

  const net = new FakeNet();
  const peers = [0, 1, 2].map((i) => net.add(`127.0.0.1:${5000 + i}`, new FakePeer(key(i + 1), chain)));
  const target = openStore(tempDir(), "local");
  const mode = new ModeState();
  const connector = new Connector({
    chain: "local",
    config: connectorConfig({ cycleMs: 3_600_000, timeoutMs: 60_000, upstreamPollMs: 50, dynamicClients: 1, events: false }),
    keys: { publicKey: key(0), secretKey: new Uint8Array(32).fill(1) },
    listeners: () => new Uint8Array(),
    statics: peers.map((p, i) => ({ publicKey: p.key, address: `127.0.0.1:${5000 + i}` })),
    store: target,
    hash,
    mode,
    transport: () => net.transport(),
    progress: new SyncProgress({ tty: false }),
  });
  try {
    connector.start();
    while (connector.status().upstreams.filter((u) => u.height === height).length < 3) await Bun.sleep(10);
    await connector.runCycle(); // Connecting → HighestBlock
    await connector.runCycle(); // vote, fetch, verify, store, Rebuild
    expect(target.height()).toBe(height);
    for (let n = 2; n <= height; n++) expect(bytesEqual(target.digestForBlock(n), source.digestForBlock(n))).toBe(true);
    expect(mode.get()).toBe("Normal");
  } finally {
    await connector.stop();
    await target.close();
    await source.close();
  }
}, 180_000);
