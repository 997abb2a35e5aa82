/**
 * The store on generated `local` chains: generator determinism and forks, continuing a stored chain (longer,
 * shorter, forked; another seed's chain refused), delete-down then re-store,
 * crash safety (a killed writer leaves whole blocks only), other subsystems' tables in the same environment.
 *
 * `local` skips digest vs difficulty, so most cases use a stand-in digest (sha3-256 of the header) through the
 * store's `hash` option to keep Argon2 out; one case generates with the real digest.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { activeBackend } from "../../../src/crypto/index.ts";
import type { HashBackend } from "../../../src/crypto/api.ts";
import { generateChain } from "../../../src/testnet/generate.ts";
import { CHAIN_TABLES, openStore, type Store } from "../../../src/chain/store/store.ts";
import { HEADER_SIZE, foundationTxIdInput, blockNumberKey } from "../../../src/chain/types/header.ts";
import { ROOT } from "../../support/paths.ts";

const hash = activeBackend();

const toHex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const fastHash: HashBackend = {
  ...hash,
  blockDigest: (h) => hash.sha3_256(h),
  blockDigestBatch: async (hs) => hs.map((h) => hash.sha3_256(h)),
};

/** signing and verifying with the TypeScript Ed25519 twin takes a while */
const SLOW = 60_000;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "bunmark-gen-"));
  dirs.push(dir);
  return dir;
}

async function generated(blocks: number, seed: string, forkAt?: number, backend: HashBackend = fastHash): Promise<Store> {
  const store = openStore(tempDir(), "local", { hash: backend });
  await generateChain(store, { blocks, seed, forkAt });
  return store;
}

const blocksOf = (s: Store) => Array.from({ length: s.height() - 1 }, (_, i) => toHex(s.getBlock(i + 2)));

/** Table contents as hex; the ownership index tables normalised to (owner ‖ txid → entry). */
function content(s: Store): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const k of Object.keys(CHAIN_TABLES) as (keyof typeof CHAIN_TABLES)[]) {
    if (k === "ownerCount" || k === "ownership" || k === "ownerDigest") continue;
    out[k] = [...s.tables[k].entries()].map((e) => `${toHex(e.key)}=${toHex(e.value)}`);
  }
  // OwnerCount only grows (8.2), so indexes change across a delete and re-store: compare what they point to
  out.owned = [...s.tables.ownerDigest.entries()]
    .map(({ key, value }) => `${toHex(key)}=${toHex(s.tables.ownership.get(new Uint8Array([...key.subarray(0, key.length - 32), ...value]))!)}`)
    .sort();
  out.ownershipEntries = [String([...s.tables.ownership.entries()].length)];
  return out;
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;
}

describe("generator", () => {
  test("same seed → byte-identical blocks; another seed → another chain", async () => {
    const [a, b, c] = await Promise.all([generated(6, "alpha"), generated(6, "alpha"), generated(6, "beta")]);
    expect(a.height()).toBe(7);
    expect(blocksOf(a)).toEqual(blocksOf(b));
    expect(blocksOf(c).every((blk, i) => blk !== blocksOf(a)[i])).toBe(true);
  }, SLOW);

  test("fork-at K: identical up to K, different after", async () => {
    const [plain, fork] = await Promise.all([generated(6, "alpha"), generated(6, "alpha", 4)]);
    const [p, f] = [blocksOf(plain), blocksOf(fork)];
    expect(f.slice(0, 3)).toEqual(p.slice(0, 3)); // blocks 2, 3, 4
    for (let i = 3; i < 6; i++) expect(f[i]).not.toBe(p[i]); // blocks 5, 6, 7
  }, SLOW);

  test("a realistic mix of records", async () => {
    const s = openStore(tempDir(), "local", { hash: fastHash });
    const summary = await generateChain(s, { blocks: 30, seed: "mix" });
    for (const tag of [2, 3, 4, 5, 6, 7]) expect(summary.records[tag] ?? 0).toBeGreaterThan(0);
    expect(summary.records[6]).toBe(30);
  }, SLOW);

  test("needs the local chain", async () => {
    const testing = openStore(tempDir(), "testing", { hash: fastHash });
    await expect(generateChain(testing, { blocks: 1, seed: "x" })).rejects.toMatchObject({ type: { code: "NOT_LOCAL_CHAIN", chain: "testing" } });
    expect(testing.height()).toBe(1);
  });

  test("with the real Argon2 digest (two digests)", async () => {
    const s = await generated(2, "real", undefined, hash);
    expect(s.height()).toBe(3);
    const d3 = s.digestForBlock(3);
    // block 3's header names block 2's digest; block 3's foundation txid uses its own
    expect(toHex(s.getBlock(3).subarray(12, 44))).toBe(toHex(s.digestForBlock(2)));
    expect(s.transaction(hash.sha3_256(foundationTxIdInput(d3, 3)))?.block).toBe(3);
  }, 60_000);
});

describe("continuing a stored chain", () => {
  interface Spec {
    blocks: number;
    forkAt?: number;
  }
  /**
   * `first` generated, then the same store continued to `then`; `kept`: blocks 2… reused without a digest.
   * Where blocks were deleted, the index tables keep 8.2's delete-down quirks (delete-down.ts), as on a node
   * that recovered from the same fork; blocks, digests, transactions and assets are those of a fresh chain.
   */
  const cases: { name: string; first: Spec; then: Spec; kept: number }[] = [
    { name: "longer", first: { blocks: 3 }, then: { blocks: 6 }, kept: 3 },
    { name: "the same", first: { blocks: 6 }, then: { blocks: 6 }, kept: 6 },
    { name: "shorter (no digest at all)", first: { blocks: 8 }, then: { blocks: 5 }, kept: 5 },
    { name: "a fork of the plain chain", first: { blocks: 8 }, then: { blocks: 6, forkAt: 4 }, kept: 3 },
    { name: "the plain chain from a fork", first: { blocks: 6, forkAt: 4 }, then: { blocks: 8 }, kept: 3 },
    { name: "a fork moved higher", first: { blocks: 6, forkAt: 3 }, then: { blocks: 7, forkAt: 5 }, kept: 2 },
    { name: "a fork from block 2", first: { blocks: 4 }, then: { blocks: 4, forkAt: 1 }, kept: 0 },
  ];
  for (const c of cases) {
    test(`${c.name}: byte-identical to generating from scratch, kept blocks cost no digest`, async () => {
      let digests = 0;
      const counting: HashBackend = {
        ...fastHash,
        blockDigest: (h) => (digests++, fastHash.blockDigest(h)),
        blockDigestBatch: (hs) => ((digests += hs.length), fastHash.blockDigestBatch(hs)),
      };
      const s = openStore(tempDir(), "local", { hash: counting });
      await generateChain(s, { seed: "cont", ...c.first });
      digests = 0;
      const summary = await generateChain(s, { seed: "cont", ...c.then });
      const scratch = await generated(c.then.blocks, "cont", c.then.forkAt);
      expect(summary.kept).toBe(c.kept);
      expect(digests).toBe(c.then.blocks - c.kept);
      expect(s.height()).toBe(c.then.blocks + 1);
      expect(blocksOf(s)).toEqual(blocksOf(scratch));
      const deleted = c.kept < c.first.blocks;
      const compared = (t: Store) => (deleted ? pick(content(t), ["blocks", "blockDigest", "transactions", "assets"]) : content(t));
      expect(compared(s)).toEqual(compared(scratch));
    }, SLOW);
  }

  test("a store holding another seed's chain is refused and left as it was", async () => {
    const s = await generated(3, "mine");
    const before = content(s);
    for (const forkAt of [undefined, 1, 2]) {
      await expect(generateChain(s, { blocks: 5, seed: "theirs", forkAt })).rejects.toMatchObject({ name: "GenerateError", type: { code: "OTHER_SEED" } });
    }
    expect(content(s)).toEqual(before);
  }, SLOW);
});

describe("delete down, then store the same blocks again", () => {
  test("same content (ownership compared by what the indexes point to)", async () => {
    const s = await generated(8, "redo");
    const original = content(s);
    const blocks = Array.from({ length: 8 }, (_, i) => s.getBlock(i + 2));
    await s.deleteDownToBlock(5);
    expect(s.height()).toBe(4);
    expect(toHex(s.tip().digest)).toBe(toHex(s.digestForBlock(4)));
    for (const b of blocks.slice(3)) await s.storeIncoming(b);
    expect(s.height()).toBe(9);
    expect(content(s)).toEqual(original);
    await s.deleteDownToBlock(2);
    expect(s.height()).toBe(1);
    for (const b of blocks) await s.storeIncoming(b);
    expect(content(s)).toEqual(original);
  }, SLOW);

  test("deleting above the tip changes nothing", async () => {
    const s = await generated(3, "above");
    const before = content(s);
    await s.deleteDownToBlock(10);
    expect(content(s)).toEqual(before);
    expect(s.height()).toBe(4);
  });
});

describe("crash safety", () => {
  test("a failing block transaction leaves nothing behind", async () => {
    const s = await generated(3, "abort");
    const before = content(s);
    expect(() =>
      s.write(() => {
        s.tables.blocks.put(blockNumberKey(5), Uint8Array.of(1));
        s.tables.transactions.put(new Uint8Array(32), Uint8Array.of(2));
        throw new Error("power cut");
      }),
    ).toThrow("power cut");
    expect(content(s)).toEqual(before);
  });

  // A child process writes half a block's entries inside the write transaction and is then SIGKILLed.
  test("a writer killed inside the transaction: the reopened store holds whole blocks only", async () => {
    const dir = tempDir();
    const seedStore = openStore(dir, "local", { hash: fastHash });
    await generateChain(seedStore, { blocks: 3, seed: "crash" });
    const before = content(seedStore);
    await seedStore.close();
    const script = join(dir, "child.ts");
    const src = (p: string) => JSON.stringify(resolve(ROOT, p));
    writeFileSync(
      script,
      `import { openStore } from ${src("src/chain/store/store.ts")};
       import { blockNumberKey } from ${src("src/chain/types/header.ts")};
       const s = openStore(${JSON.stringify(dir)}, "local", { hash: { blockDigest: () => new Uint8Array(32) } as any });
       s.write(() => {
         s.tables.transactions.put(new Uint8Array(32).fill(7), Uint8Array.of(1, 2, 3));
         s.tables.blocks.put(blockNumberKey(5), Uint8Array.of(9));
         process.kill(process.pid, "SIGKILL");
       });`,
    );
    const child = Bun.spawn([process.execPath, script], { stdout: "ignore", stderr: "ignore" });
    expect(await child.exited).not.toBe(0);
    expect(child.signalCode).toBe("SIGKILL");
    const reopened = openStore(dir, "local", { hash: fastHash });
    expect(reopened.height()).toBe(4);
    expect(content(reopened)).toEqual(before);
    await reopened.close();
  });

  test("a generator killed at an arbitrary moment: every stored block is complete and the store reopens at the last one", async () => {
    const dir = tempDir();
    const script = join(dir, "gen.ts");
    const src = (p: string) => JSON.stringify(resolve(ROOT, p));
    writeFileSync(
      script,
      `import { openStore } from ${src("src/chain/store/store.ts")};
       import { generateChain } from ${src("src/testnet/generate.ts")};
       import { activeBackend } from ${src("src/crypto/index.ts")};
       const hash = activeBackend();
       const fast = { ...hash, blockDigest: (h) => hash.sha3_256(h), blockDigestBatch: async (hs) => hs.map((h) => hash.sha3_256(h)) };
       const s = openStore(${JSON.stringify(dir)}, "local", { hash: fast });
       await generateChain(s, { blocks: 100000, seed: "kill", onBlock: (n) => n === 20 && console.log("go") });`,
    );
    const child = Bun.spawn([process.execPath, script], { stdout: "pipe", stderr: "ignore" });
    const reader = child.stdout.getReader();
    for (let seen = ""; !seen.includes("go"); ) {
      const { value, done } = await reader.read();
      if (done) throw new Error("the generator exited before block 20");
      seen += new TextDecoder().decode(value);
    }
    await Bun.sleep(50);
    child.kill("SIGKILL");
    await child.exited;
    const s = openStore(dir, "local", { hash: fastHash });
    const height = s.height();
    expect(height).toBeGreaterThanOrEqual(20);
    for (let n = 2; n <= height; n++) {
      const digest = s.tables.blockDigest.get(blockNumberKey(n))!;
      expect(digest).toBeDefined();
      expect(toHex(digest)).toBe(toHex(hash.sha3_256(s.getBlock(n).subarray(0, HEADER_SIZE))));
      expect(s.blockOwnerTxIndex(hash.sha3_256(foundationTxIdInput(digest, n)))).toBe(n);
    }
    expect(toHex(s.tables.blockDigest.last()!.key)).toBe(toHex(blockNumberKey(height)));
    expect(toHex(s.tip().digest)).toBe(toHex(s.tables.blockDigest.get(blockNumberKey(height))!));
    await s.close();
  }, 30_000);
});

describe("one environment for every subsystem", () => {
  test("named tables persist beside the chain; chain names are reserved", async () => {
    const dir = tempDir();
    const s = openStore(dir, "local", { hash: fastHash });
    expect(() => s.openTable("Transactions")).toThrow("reserved");
    const peers = s.openTable<{ host: string }, string>("peers", { encoding: "msgpack", keyEncoding: "ordered-binary" });
    await peers.put("a", { host: "127.0.0.1" });
    await s.close();
    const again = openStore(dir, "local", { hash: fastHash });
    expect(again.openTable<{ host: string }, string>("peers", { encoding: "msgpack", keyEncoding: "ordered-binary" }).get("a")).toEqual({ host: "127.0.0.1" });
    await again.close();
  });
});
