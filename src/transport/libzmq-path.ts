/**
 * Where libzmq comes from. The npm `zeromq` package ships prebuilt `addon.node` files that export the whole
 * libzmq 4.3.5 C API (CURVE included); we dlopen one of them with bun:ffi instead of using the binding itself
 * (its uv_poll usage aborts under Bun). BUNMARK_LIBZMQ=/path/libzmq.so.5 selects another libzmq ≥ 4.3 with
 * CURVE (e.g. the system one).
 *
 * This module is the single place that knows the file; both the main thread and the poller worker call
 * `libzmqPath()`. The executable build replaces this module (onLoad plugin on /wire\/libzmq-path\.ts$/) by
 *   import p from "<prebuiltLibzmq(arch, libc)>" with { type: "file" }; export function libzmqPath() { return p; }
 * and lists src/transport/poller-worker.ts as an extra entrypoint.
 */
import { dirname, join } from "node:path";
import { TransportError } from "./errors.ts";

export type Libc = "glibc" | "musl";

/** The prebuilt libzmq for a Linux target, inside node_modules/zeromq. */
function prebuiltLibzmq(arch: string, libc: Libc): string {
  if (arch !== "x64" && arch !== "arm64") throw new TransportError({ code: "LIBZMQ_UNAVAILABLE", target: arch }, `libzmq: no prebuilt libzmq for ${arch}`);
  const pkg = dirname(require.resolve("zeromq/package.json"));
  // The "127" builds need only glibc 2.25; the other x64 glibc builds need 2.38.
  return join(pkg, "build", "linux", arch, "node", `${libc}-127-Release`, "addon.node");
}

/** Absolute path of the shared object to dlopen in this process. */
export function libzmqPath(): string {
  const override = process.env.BUNMARK_LIBZMQ;
  if (override) return override;
  if (process.platform !== "linux") throw new TransportError({ code: "LIBZMQ_UNAVAILABLE", target: process.platform }, `libzmq: no prebuilt libzmq for ${process.platform}`);
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return prebuiltLibzmq(process.arch, report?.header?.glibcVersionRuntime ? "glibc" : "musl");
}
