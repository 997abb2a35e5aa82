/**
 * Where libzmq comes from. The npm `zeromq` package ships prebuilt `addon.node` files that export the whole
 * libzmq 4.3.5 C API (CURVE included); we dlopen one of them with bun:ffi instead of using the binding itself
 * (its uv_poll usage aborts under Bun).
 *
 * This module is the single place that knows the file: the executable build replaces it with one that returns
 * an embedded copy (`import p from "…/addon.node" with { type: "file" }`). BUNMARK_LIBZMQ=/path/libzmq.so.5
 * selects another libzmq ≥ 4.3 with CURVE (e.g. the system one).
 */
import { dirname, join } from "node:path";

/** The `zeromq` prebuild directory for this platform: glibc or musl, x64 or arm64. */
function prebuildDir(): string {
  if (process.platform !== "linux") throw new Error(`libzmq: no prebuilt libzmq for ${process.platform}`);
  if (process.arch !== "x64" && process.arch !== "arm64") throw new Error(`libzmq: no prebuilt libzmq for ${process.arch}`);
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  const libc = report?.header?.glibcVersionRuntime ? "glibc" : "musl";
  // The "127" builds need only glibc 2.25; the other x64 glibc builds need 2.38.
  return join("build", "linux", process.arch, "node", `${libc}-127-Release`);
}

/** Absolute path of the shared object to dlopen. */
export function libzmqPath(): string {
  const override = process.env.BUNMARK_LIBZMQ;
  if (override) return override;
  const pkg = dirname(require.resolve("zeromq/package.json"));
  return join(pkg, prebuildDir(), "addon.node");
}
