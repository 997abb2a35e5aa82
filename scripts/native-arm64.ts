/**
 * Cross-builds the Rust addon for linux-arm64 (native/bunmark-linux-arm64.node) when this machine can.
 *
 * rustup's toolchain here has no aarch64 standard library and nothing can be downloaded past the package
 * registries, so the cross build uses Debian's packages: `rustc-web` (a current rustc, /usr/bin/rustc) with
 * `libstd-rust-web-dev:arm64` (its aarch64 std, same version) and `gcc-aarch64-linux-gnu` as the linker; .ci/run
 * installs them. rustup's cargo drives that rustc through $RUSTC. Any rustc whose sysroot has the aarch64 std
 * works ($BUNMARK_ARM64_RUSTC picks one). Without one the arm64 executable embeds no addon and hashes with the
 * TypeScript twin.
 *
 * `bun scripts/native-arm64.ts test` (make test-native-arm64) cross-builds the Rust known-answer tests the same way
 * and runs them under qemu-aarch64-static (with /usr/aarch64-linux-gnu as the target's root, from libc6-arm64-cross): the NEON
 * compression is then checked against the scalar one. Without the toolchain or qemu it prints why and exits 0.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const TRIPLE = "aarch64-unknown-linux-gnu";
const LINKER = "aarch64-linux-gnu-gcc";

/** What `make dist` prints when it cannot cross-build: every step, so an operator can copy it. */
export const ARM64_RECIPE =
  "to embed the arm64 addon, as root: dpkg --add-architecture arm64 && apt-get update && " +
  `apt-get install rustc-web libstd-rust-web-dev:arm64 gcc-aarch64-linux-gnu (linker ${LINKER}; ` +
  "BUNMARK_ARM64_RUSTC=/path/to/rustc picks another rustc whose sysroot has the aarch64 std), then make dist again";

function capture(cmd: string, args: string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** A rustc that can build for aarch64, or why none can. */
function findRustc(): { rustc: string } | { missing: string } {
  const candidates = [process.env.BUNMARK_ARM64_RUSTC, "/usr/bin/rustc", "rustc"].filter((c): c is string => !!c);
  for (const rustc of candidates) {
    const libdir = capture(rustc, ["--print", "target-libdir", "--target", TRIPLE]);
    if (libdir && existsSync(libdir) && readdirSync(libdir).some((f) => f.startsWith("libstd-"))) return { rustc };
  }
  return { missing: `no rustc with the ${TRIPLE} standard library; ${ARM64_RECIPE}` };
}

/** `cargo <command> --release --offline --target aarch64…` in native/, or the reason it cannot run here. */
function crossCargo(
  root: string,
  command: string,
  env: Record<string, string> = {},
  extra: string[] = [],
): { ok: true } | { missing: string } | { failed: string } {
  const found = findRustc();
  if ("missing" in found) return found;
  if (capture(LINKER, ["--version"]) === undefined) return { missing: `no ${LINKER}; ${ARM64_RECIPE}` };
  const r = spawnSync("cargo", [command, "--release", "--offline", "--target", TRIPLE, ...extra], {
    cwd: join(root, "native"),
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      ...env,
      RUSTC: found.rustc,
      CARGO_TARGET_DIR: join(root, "native", "target", "cross"),
      CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER: LINKER,
    },
  });
  if (r.status !== 0) return { failed: `cargo ${command} --target ${TRIPLE} with ${found.rustc} failed (exit ${r.status})` };
  return { ok: true };
}

/** Builds (incrementally) and returns the addon's path, or the reason it cannot be built here. */
export function buildArm64Addon(root: string): { path: string } | { missing: string } {
  const built = crossCargo(root, "build");
  if ("missing" in built) return built;
  if ("failed" in built) return { missing: built.failed };
  const nativeDir = join(root, "native");
  const targetDir = join(nativeDir, "target", "cross");
  const out = join(nativeDir, "bunmark-linux-arm64.node");
  copyFileSync(join(targetDir, TRIPLE, "release", "libbunmark_native.so"), out);
  return { path: out };
}

const QEMU = "qemu-aarch64-static";
const SYSROOT = "/usr/aarch64-linux-gnu";

/**
 * Cross-builds the Rust tests and runs them under qemu: "passed", "failed" (tests ran and failed, or did not build
 * although the toolchain is present), or why they cannot run on this machine.
 */
export function testArm64(root: string): "passed" | { failed: string } | { missing: string } {
  if (capture(QEMU, ["--version"]) === undefined) return { missing: `no ${QEMU} (Debian: qemu-user-static)` };
  if (!existsSync(join(SYSROOT, "lib"))) return { missing: `no aarch64 C library in ${SYSROOT} (Debian: libc6-arm64-cross)` };
  // Only native/tests/kat.rs, which runs without threads: Debian 12's qemu-user hangs in the first thread clone
  // (so libtest's runner, which gives every test a thread, cannot run). It compares NEON with scalar on random
  // blocks and random Argon2d parameters and checks the genesis and bitmarkd digests on both (about a minute).
  const runner = { CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER: `${QEMU} -L ${SYSROOT}` };
  const ran = crossCargo(root, "test", runner, ["--test", "kat"]);
  return "ok" in ran ? "passed" : ran;
}

if (import.meta.main && process.argv[2] === "test") {
  const root = join(import.meta.dir, "..");
  const result = testArm64(root);
  if (result === "passed") console.log(`test-native-arm64: Rust tests for ${TRIPLE} passed under qemu (emulated: correctness only)`);
  else if ("missing" in result) console.log(`test-native-arm64: skipped: ${result.missing}`);
  else console.error(`test-native-arm64: ${result.failed}`);
  process.exit(result === "passed" || "missing" in result ? 0 : 1);
}
