/**
 * Cross-builds the Rust addon for linux-arm64 (native/bunmark-linux-arm64.node) when this machine can.
 *
 * rustup's toolchain here has no aarch64 standard library and nothing can be downloaded past the package
 * registries, so the cross build uses Debian's packages: `rustc-web` (a current rustc, /usr/bin/rustc) with
 * `libstd-rust-web-dev:arm64` (its aarch64 std, same version) and `gcc-aarch64-linux-gnu` as the linker; .ci/run
 * installs them. rustup's cargo drives that rustc through $RUSTC. Any rustc whose sysroot has the aarch64 std
 * works ($BUNMARK_ARM64_RUSTC picks one). Without one the arm64 executable embeds no addon and hashes with the
 * TypeScript twin.
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

/** Builds (incrementally) and returns the addon's path, or the reason it cannot be built here. */
export function buildArm64Addon(root: string): { path: string } | { missing: string } {
  const found = findRustc();
  if ("missing" in found) return found;
  if (capture(LINKER, ["--version"]) === undefined) return { missing: `no ${LINKER}; ${ARM64_RECIPE}` };
  const nativeDir = join(root, "native");
  const targetDir = join(nativeDir, "target", "cross");
  const r = spawnSync("cargo", ["build", "--release", "--offline", "--target", TRIPLE], {
    cwd: nativeDir,
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      RUSTC: found.rustc,
      CARGO_TARGET_DIR: targetDir,
      CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER: LINKER,
    },
  });
  if (r.status !== 0) return { missing: `cargo build --target ${TRIPLE} with ${found.rustc} failed (exit ${r.status})` };
  const out = join(nativeDir, "bunmark-linux-arm64.node");
  copyFileSync(join(targetDir, TRIPLE, "release", "libbunmark_native.so"), out);
  return { path: out };
}
