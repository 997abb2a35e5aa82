/**
 * Argon2d and the Bitmark block digest in the Rust addon: absent vs empty secret and associated data, tag length,
 * single digests of bitmarkd's blockdigest cases, batches on worker threads (in order, queued concurrently, event
 * loop responsive), and cross-checks with Debian's argon2 CLI when it is installed. The known answers for both
 * backends (RFC 9106, both genesis digests, batched digests, the empty batch) live in test/crypto-argon2.test.ts
 * and test/crypto-equivalence.test.ts, which run on the native backend too.
 */
import { expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { withDrift } from "../../../src/bench/shared.ts";
import { backend as maybeBackend, bytes, describeNative, hex, utf8, vectors } from "../../support/native-setup.ts";

const ARGON2_CLI = "/usr/bin/argon2";
/** Digest tests share two cores with everything else running: allow for a slow machine. */
const SLOW = 60_000;

describeNative("native Argon2d", () => {
  const backend = maybeBackend!;

  test("absent secret and associated data equal empty ones; tag length is honoured", () => {
    const base = { password: utf8("password"), salt: utf8("somesalt"), memoryKiB: 64, passes: 2, lanes: 2, tagLength: 100 };
    const a = backend.argon2d(base);
    const b = backend.argon2d({ ...base, secret: new Uint8Array(0), associatedData: new Uint8Array(0) });
    expect(a.length).toBe(100);
    expect(hex(a)).toBe(hex(b));
  });
});

describeNative("native block digest", () => {
  const backend = maybeBackend!;
  const fixtures = vectors.block_digests;

  // (The genesis digests are in crypto-argon2.test.ts; the other cases there only in a batch.)
  for (const v of fixtures.filter((f) => !f.id.startsWith("genesis-"))) {
    test(`${v.id} (${v.source})`, () => {
      expect(hex(backend.blockDigest(bytes(v.header_hex)))).toBe(v.digest_storage_hex);
    }, SLOW);
  }

  test("a batch of 4 resolves in order to the known digests", async () => {
    const four = fixtures.slice(0, 4);
    const got = await backend.blockDigestBatch(four.map((v) => bytes(v.header_hex)));
    expect(got.map(hex)).toEqual(four.map((v) => v.digest_storage_hex));
  }, SLOW);

  test("concurrent batches queue on the pool and each resolves to its own digests", async () => {
    const [a, b, c] = fixtures;
    const [first, second] = await Promise.all([
      backend.blockDigestBatch([bytes(a!.header_hex)]),
      backend.blockDigestBatch([bytes(b!.header_hex), bytes(c!.header_hex)]),
    ]);
    expect(first.map(hex)).toEqual([a!.digest_storage_hex]);
    expect(second.map(hex)).toEqual([b!.digest_storage_hex, c!.digest_storage_hex]);
  }, SLOW);

  /** A 5 ms timer: finer than bench crypto's 10 ms, so a shorter stall still shows. */
  const DRIFT_PERIOD = 5;

  test("the event loop stays responsive while a batch of 2 runs (timer drift < 50 ms)", async () => {
    const headers = [randomBytes(100), randomBytes(100)].map((b) => new Uint8Array(b));
    // The same measurement with nothing running: on a machine shared with other busy processes the timer is
    // late anyway, and only the drift the batch adds is the addon's doing (0 on an idle machine).
    const { drift: idle } = await withDrift(() => Bun.sleep(400), DRIFT_PERIOD);
    let elapsed = 0;
    const { drift: worst } = await withDrift(async () => {
      const started = performance.now();
      await backend.blockDigestBatch(headers);
      elapsed = performance.now() - started;
    }, DRIFT_PERIOD);
    // The batch must really have taken time off-thread for the measurement to mean anything.
    expect(elapsed).toBeGreaterThan(50);
    expect(worst).toBeLessThan(50 + idle);
    // Retried: a burst from another process can still land inside the batch window only.
  }, { timeout: SLOW, retry: 2 });

  test.skipIf(!existsSync(ARGON2_CLI))("equals Debian's argon2 CLI (libargon2) on a random printable header", () => {
    // The CLI takes the salt as an argument, so the header must be text.
    const header = randomBytes(75).toString("base64");
    const r = spawnSync(ARGON2_CLI, [header, "-d", "-m", "17", "-t", "4", "-p", "1", "-l", "32", "-r"], { input: header, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(hex(backend.blockDigest(utf8(header)))).toBe(r.stdout.trim());
  }, SLOW);

  test.skipIf(!existsSync(ARGON2_CLI))("general Argon2d equals the argon2 CLI with 4 lanes and memory not a multiple of 16", () => {
    const salt = randomBytes(12).toString("hex");
    const password = randomBytes(9).toString("hex");
    const r = spawnSync(ARGON2_CLI, [salt, "-d", "-k", "70", "-t", "3", "-p", "4", "-l", "40", "-r"], { input: password, encoding: "utf8" });
    expect(r.status).toBe(0);
    const tag = backend.argon2d({ password: utf8(password), salt: utf8(salt), memoryKiB: 70, passes: 3, lanes: 4, tagLength: 40 });
    expect(hex(tag)).toBe(r.stdout.trim());
  }, SLOW);
});
