/**
 * The executables of `make dist` as an operator gets them: a copy in an empty directory, run with an empty
 * environment (no PATH, no HOME), so nothing can come from the build tree. x64 runs natively; arm64 runs under
 * qemu-user. Opt-in (they need `make dist` first): `make test-dist` sets BUNMARK_TEST_DIST=1.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { BuildInfo } from "../../scripts/build.ts";
import { lines } from "../../src/bench/shared.ts";
import { freePort } from "../../src/bench/wire-procs.ts";
import { pyzmqRequests, pyzmqSkipReason } from "../support/pyzmq.ts";
import { ROOT } from "../support/paths.ts";

const ENABLED = process.env.BUNMARK_TEST_DIST === "1";
// Whole processes, some emulated: a JS-twin digest takes seconds, an emulated one tens of seconds.
setDefaultTimeout(180_000);
const QEMU = "/usr/bin/qemu-aarch64-static";
const ARM64_SYSROOT = "/usr/aarch64-linux-gnu";

const genesis = (JSON.parse(readFileSync(join(ROOT, "test", "fixtures", "genesis.json"), "utf8")) as {
  cases: { id: string; expected: { header_hex: string; chain_constant_genesis_digest_storage_hex?: string } }[];
}).cases.find((c) => c.id === "genesis-testing-decode")!.expected;
const GENESIS_HEADER = genesis.header_hex;
const GENESIS_DIGEST = genesis.chain_constant_genesis_digest_storage_hex!;

function buildInfo(target: string): BuildInfo {
  const infos = JSON.parse(readFileSync(join(ROOT, "dist", "build-info.json"), "utf8")) as Record<string, BuildInfo>;
  const info = infos[target];
  if (!info) throw new Error(`dist/build-info.json has no ${target}: run make dist`);
  return info;
}

/** A copy of dist/bunmark-<target> alone in a fresh directory under `parent`. */
function installCopy(target: string, parent = "/tmp"): { dir: string; bin: string } {
  const dir = mkdtempSync(join(parent, `bunmark-dist-${target}-`));
  const bin = join(dir, "bunmark");
  copyFileSync(join(ROOT, buildInfo(target).file), bin);
  chmodSync(bin, 0o755);
  return { dir, bin };
}

/** A fresh copy of the executable for the suite it is called in (its directory removed afterwards). */
function suiteCopy(target: string, parent?: string): { dir: string; bin: string } {
  const copy = { dir: "", bin: "" };
  beforeAll(() => Object.assign(copy, installCopy(target, parent)));
  afterAll(() => {
    if (copy.dir) rmSync(copy.dir, { recursive: true, force: true });
  });
  return copy;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(argv: string[], cwd: string, env: Record<string, string> = {}, timeoutMs = 60_000): Run {
  const started = performance.now();
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd, env, encoding: "utf8", timeout: timeoutMs });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - started };
}

/**
 * Pulls a child's output lines until `match` appears (undefined if the output ends first), keeping every line read.
 * One `lines()` iterator per child, resumed with next(): lines that came in the same chunk stay for the next wait,
 * where a fresh reader (or `for await … break`, which would cancel the stream) would lose them.
 */
async function waitForLine(out: AsyncGenerator<string>, match: RegExp, seen: string[]): Promise<string | undefined> {
  for (let r = await out.next(); !r.done; r = await out.next()) {
    seen.push(r.value);
    if (match.test(r.value)) return r.value;
  }
  return undefined;
}

function x64Suite(): void {
  const c = suiteCopy("linux-x64");

  test("embeds the native hashing addon", () => {
    expect(buildInfo("linux-x64").hashing).toBe("native");
  });

  test("--version", () => {
    const r = run([c.bin, "--version"], c.dir);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^bunmark \d+\.\d+\.\d+ \(commit [0-9a-z.-]+, built \d{4}-\d{2}-\d{2}; bitmarkd 8\.2 peer protocol\)\n$/);
    expect(r.stdout + r.stderr).not.toContain("native/bunmark.node"); // a build-tree path means nothing in one executable
    expect(r.code).toBe(0);
  });

  test("keygen writes the key pair under ./data (libzmq embedded)", () => {
    const r = run([c.bin, "keygen"], c.dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    expect(existsSync(join(c.dir, "data", "peer.public"))).toBe(true);
    expect(existsSync(join(c.dir, "data", "peer.private"))).toBe(true);
  });

  test.each(["native", "js"])("digest --impl %s of the testing genesis header", (impl) => {
    const r = run([c.bin, "digest", "--impl", impl, GENESIS_HEADER], c.dir);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe(GENESIS_DIGEST);
    expect(r.code).toBe(0);
  });

  test("chain generate with the TypeScript twin (lmdb embedded, digests in the digest-worker pool)", () => {
    const r = run([c.bin, "chain", "generate", "--blocks", "2", "--data", "./chain"], c.dir, { BUNMARK_NATIVE: "0" });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim().split("\n").at(-1)!)).toMatchObject({ chain: "local", height: 3 });
    expect(existsSync(join(c.dir, "chain", "local.lmdb"))).toBe(true);
  });

  test("run: listening within 1 s, answers I and N over CURVE, status, SIGTERM ends it within 5 s", async () => {
    const skip = pyzmqSkipReason();
    if (skip) console.warn(`wire check skipped: ${skip}`);
    const [peerPort, httpPort] = [await freePort(), await freePort()];
    const started = performance.now();
    const node = Bun.spawn([c.bin, "run", "--listen", `127.0.0.1:${peerPort}`, "--http", `127.0.0.1:${httpPort}`], {
      cwd: c.dir,
      env: {},
      stdout: "pipe",
      stderr: "pipe",
    });
    const stdout = lines(node.stdout);
    const seen: string[] = [];
    try {
      const listening = await waitForLine(stdout, /listener: listening/, seen);
      const startMs = performance.now() - started;
      expect(listening, seen.join("\n")).toBeDefined();
      console.log(`x64 start-up to listening: ${startMs.toFixed(0)} ms`);
      expect(startMs).toBeLessThan(1000);
      expect(await waitForLine(stdout, /node: started/, seen), seen.join("\n")).toBeDefined();

      const running = JSON.parse(readFileSync(join(c.dir, "data", "node.json"), "utf8")) as { publicKey: string; chain: string };
      expect(running.chain).toBe("local");
      if (!skip) {
        const enc = new TextEncoder();
        const { replies } = await pyzmqRequests({
          address: `127.0.0.1:${peerPort}`,
          serverKey: new Uint8Array(Buffer.from(running.publicKey, "hex")),
          requests: [
            [enc.encode("local"), enc.encode("I")],
            [enc.encode("local"), enc.encode("N")],
          ],
        });
        const [info, height] = replies;
        if (info === "timeout" || height === "timeout" || !info || !height) throw new Error(`no reply: ${JSON.stringify(replies)}`);
        expect(new TextDecoder().decode(info[0])).toBe("I");
        expect(JSON.parse(new TextDecoder().decode(info[1]))).toMatchObject({ chain: "local", height: 1 });
        expect(new TextDecoder().decode(height[0])).toBe("N");
        expect(Buffer.from(height[1]!).readBigUInt64BE()).toBe(1n);
      }

      const status = run([c.bin, "status", "--data", "./data"], c.dir);
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/^height\s+1$/m);
      expect(status.stdout).toMatch(/^digest\s+native$/m);

      const stopAt = performance.now();
      node.kill("SIGTERM");
      const code = await Promise.race([node.exited, Bun.sleep(5000).then(() => "still running")]);
      expect(code).toBe(0);
      console.log(`x64 SIGTERM to exit: ${(performance.now() - stopAt).toFixed(0)} ms`);
      expect(existsSync(join(c.dir, "data", "node.json"))).toBe(false);
    } finally {
      node.kill("SIGKILL");
    }
  });

  test("bench wire --quick: bunmark's own load generator, a report without goals (exit 0), the signal run", () => {
    const r = run([c.bin, "bench", "wire", "--quick", "--json"], c.dir, {}, 120_000);
    const report = JSON.parse(r.stdout) as {
      generator: string;
      servers: { bunmark: { runs: { clients: number; errors: number; perSecond: number }[] }; baseline?: unknown };
      signals: { sent: number; alive: boolean; answering: boolean };
      goals?: unknown;
    };
    expect(r.code).toBe(0);
    expect(report.generator).toBe("bunmark's own CURVE REQ clients (RequestClient)");
    expect(report.servers.baseline).toBeUndefined();
    expect(report.goals).toBeUndefined();
    expect(report.servers.bunmark.runs.map((x) => [x.clients, x.errors])).toEqual([[1, 0], [8, 0]]);
    for (const x of report.servers.bunmark.runs) expect(x.perSecond).toBeGreaterThan(0);
    expect(report.signals).toMatchObject({ alive: true, answering: true });
    expect(report.signals.sent).toBeGreaterThan(0);
  });

  test("the development anchors are not in the executable (npm argon2, hash-wasm, noble, the node + zeromq scripts, the goals)", () => {
    const bytes = readFileSync(c.bin);
    for (const marker of ["hash-wasm", "@noble/hashes/argon2", "wire-baseline.mjs", "wire-load.mjs", "argon2-cli", "8,800 req/s"]) {
      expect({ marker, found: bytes.includes(marker) }).toEqual({ marker, found: false });
    }
  });
}

/** unshare(1) gives the test its own mount namespace, where /tmp can be remounted noexec for it alone. */
function unshareSkipReason(): string | undefined {
  const r = spawnSync("unshare", ["-m", "sh", "-c", "mount -t tmpfs -o noexec tmpfs /mnt"], { encoding: "utf8" });
  return r.status === 0 ? undefined : `no private mount namespace here (unshare -m: ${r.stderr.trim() || r.error?.message})`;
}

function noexecSuite(): void {
  // The copy must live outside /tmp, which the namespace hides behind the noexec mount.
  const c = suiteCopy("linux-x64", "/var/tmp");

  const inNoexecTmp = (env: string, args: string) =>
    run(["unshare", "-m", "sh", "-c", `mount -t tmpfs -o noexec tmpfs /tmp && exec env -i ${env} ${c.bin} ${args}`], c.dir, { PATH: "/usr/bin:/bin" });

  test("control: native libraries unpacked into the noexec /tmp cannot load", () => {
    const r = inNoexecTmp("BUNMARK_RUNTIME_DIR=/tmp", "keygen --data ./control");
    expect(r.stderr).toContain("failed to map segment");
    expect(r.code).toBe(1);
  });

  test("the runtime dir moves to ./data/.runtime: keygen (libzmq) and digest (addon) work", () => {
    const keygen = inNoexecTmp("", "keygen");
    expect(keygen.stderr).not.toContain("cannot use");
    expect(keygen.code).toBe(0);
    const digest = inNoexecTmp("", `digest --impl native ${GENESIS_HEADER}`);
    expect(digest.stdout.trim()).toBe(GENESIS_DIGEST);
    const unpacked = readdirSync(join(c.dir, "data", ".runtime"));
    expect(unpacked.some((f) => f.endsWith(".so"))).toBe(true);
    expect(unpacked.some((f) => f.endsWith(".node"))).toBe(true);
  });
}

function qemuSkipReason(): string | undefined {
  if (!existsSync(QEMU) || !existsSync(ARM64_SYSROOT)) return `needs ${QEMU} and ${ARM64_SYSROOT} (qemu-user-static, libc6-arm64-cross)`;
  return undefined;
}

function arm64Suite(): void {
  const c = suiteCopy("linux-arm64");

  // qemu-user 7.2 (Debian 12) never returns from code that JavaScriptCore's JIT emitted (seen with every JIT tier
  // and CPU model), so emulated runs use JSC's interpreter. Native arm64 machines keep the JIT.
  const inQemu = (args: string[], timeoutMs = 120_000) => run([QEMU, "-L", ARM64_SYSROOT, c.bin, ...args], c.dir, { BUN_JSC_useJIT: "0" }, timeoutMs);

  test("--version", () => {
    const r = inQemu(["--version"]);
    expect(r.stdout).toMatch(/^bunmark \d+\.\d+\.\d+ \(commit [0-9a-z.-]+, built \d{4}-\d{2}-\d{2}; bitmarkd 8\.2 peer protocol\)\n$/);
    expect(r.stdout + r.stderr).not.toContain("native/bunmark.node"); // a build-tree path means nothing in one executable
    expect(r.code).toBe(0);
  });

  // Without the addon the TypeScript Argon2d would run in an emulated interpreter: hours, so no digest then.
  const info = buildInfo("linux-arm64");
  const noAddon = info.hashing === "native" ? "" : ` — skipped: the arm64 binary hashes in TypeScript (${info.reason})`;
  test.skipIf(noAddon !== "")(`digest of the testing genesis header with the embedded arm64 addon${noAddon}`, () => {
    const r = inQemu(["digest", "--impl", "native", GENESIS_HEADER]);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe(GENESIS_DIGEST);
    expect(r.code).toBe(0);
    console.log(`arm64 digest under qemu (process included): ${(r.ms / 1000).toFixed(1)} s`);
  });
}

const skipped = (reason: string | undefined) => (reason ? ` — skipped: ${reason}` : "");

if (!ENABLED) {
  test.skip("dist executables — skipped: run `make test-dist` (builds them, sets BUNMARK_TEST_DIST=1)", () => {});
} else {
  describe("dist: linux-x64 executable, empty directory, empty environment", x64Suite);
  const noexec = unshareSkipReason();
  describe.skipIf(noexec !== undefined)(`dist: linux-x64 with /tmp mounted noexec${skipped(noexec)}`, noexecSuite);
  const qemu = qemuSkipReason();
  describe.skipIf(qemu !== undefined)(`dist: linux-arm64 executable under qemu-user${skipped(qemu)}`, arm64Suite);
}
