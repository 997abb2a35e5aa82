/**
 * `make dist`: one self-contained executable per target, dist/bunmark-linux-x64 and dist/bunmark-linux-arm64,
 * from src/main.ts. Each embeds the Bun runtime of its CPU, lmdb's addon, libzmq (the zeromq prebuild), our
 * hashing addon when one exists for the CPU, and every worker module (src/**\/*-worker.ts, extra entrypoints
 * so `new Worker(new URL(…, import.meta.url))` finds them inside the binary). Cross-building needs no network
 * beyond the npm registry: the arm64 Bun runtime and lmdb addon come from `npm pack` (scripts/target-packages.ts).
 *
 *   bun scripts/build.ts [linux-x64|linux-arm64 …]     (default: both)
 */
import { Glob } from "bun";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { nativePlugin, type NativePaths, type RewriteLog } from "./build-plugin.ts";
import { buildArm64Addon } from "./native-arm64.ts";
import { packageDir, ROOT } from "./target-packages.ts";

interface Target {
  name: "linux-x64" | "linux-arm64";
  arch: "x64" | "arm64";
  bunTarget: "bun-linux-x64" | "bun-linux-arm64";
  bunPackage: string;
  lmdbPackage: string;
  /** our addon for this CPU, or why there is none */
  addon: () => NativePaths["addon"];
}

const TARGETS: Target[] = [
  {
    name: "linux-x64",
    arch: "x64",
    bunTarget: "bun-linux-x64",
    bunPackage: "@oven/bun-linux-x64",
    lmdbPackage: "@lmdb/lmdb-linux-x64",
    addon: () => {
      const path = join(ROOT, "native", "bunmark.node");
      return existsSync(path) ? { path } : { missing: "native/bunmark.node not built (make native)" };
    },
  },
  {
    name: "linux-arm64",
    arch: "arm64",
    bunTarget: "bun-linux-arm64",
    bunPackage: "@oven/bun-linux-aarch64",
    lmdbPackage: "@lmdb/lmdb-linux-arm64",
    addon: () => buildArm64Addon(ROOT),
  },
];

/** The Bun runtime to wrap: this very Bun when the CPUs match (the bun package moves its binary), else npm's. */
function bunExecutable(t: Target): string {
  if (process.arch === t.arch) return process.execPath;
  const path = join(packageDir(t.bunPackage), "bin", "bun");
  if (!existsSync(path)) throw new Error(`${t.bunPackage} has no bin/bun`);
  return path;
}

function nativePaths(t: Target): NativePaths {
  const libzmq = join(ROOT, "node_modules", "zeromq", "build", "linux", t.arch, "node", "glibc-127-Release", "addon.node");
  const lmdb = join(packageDir(t.lmdbPackage), "node.napi.glibc.node");
  for (const p of [libzmq, lmdb]) if (!existsSync(p)) throw new Error(`missing ${relative(ROOT, p)}`);
  return { libzmq, lmdb, addon: t.addon() };
}

function workerEntrypoints(): string[] {
  return [...new Glob("src/**/*-worker.ts").scanSync({ cwd: ROOT })].sort().map((p) => join(ROOT, p));
}

/** The commit (`git describe`) and the UTC date this build is made at. */
const BUILD = {
  commit: (() => {
    const r = Bun.spawnSync(["git", "describe", "--always", "--dirty", "--tags"], { cwd: ROOT, stderr: "ignore" });
    return r.exitCode === 0 ? r.stdout.toString().trim() : "unknown";
  })(),
  date: new Date().toISOString().slice(0, 10),
};

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

/** What one executable embeds, written to dist/build-info.json for test/dist-binary.test.ts and operators. */
export interface BuildInfo {
  file: string;
  bytes: number;
  /** "native": the hashing addon is embedded; "js": the TypeScript twin, for `reason` */
  hashing: "native" | "js";
  reason: string;
}

async function build(t: Target): Promise<BuildInfo> {
  const outfile = join(ROOT, "dist", `bunmark-${t.name}`);
  const paths = nativePaths(t);
  const log: RewriteLog = { lmdb: false, libzmq: false, addon: "not referenced", msgpackrExtract: false };
  const started = performance.now();
  const result = await Bun.build({
    entrypoints: [join(ROOT, "src", "main.ts"), ...workerEntrypoints()],
    root: join(ROOT, "src"),
    target: "bun",
    compile: {
      target: t.bunTarget,
      outfile,
      executablePath: bunExecutable(t),
      // The binary runs in operators' directories: never pick up their .env or bunfig.toml.
      autoloadDotenv: false,
      autoloadBunfig: false,
    },
    // keepNames: Fault and error class names stay readable in logs.
    minify: { whitespace: true, syntax: true, identifiers: true, keepNames: true },
    plugins: [nativePlugin(paths, log)],
    // `bunmark --version` and /metrics name the commit and the build date (src/base/build-info.ts)
    define: { BUNMARK_COMMIT: JSON.stringify(BUILD.commit), BUNMARK_BUILD_DATE: JSON.stringify(BUILD.date) },
  });
  if (!result.success) {
    for (const m of result.logs) console.error(m);
    throw new Error(`build ${t.name} failed`);
  }
  if (!log.lmdb || !log.libzmq) throw new Error(`build ${t.name}: lmdb or libzmq loader was not rewritten (${JSON.stringify(log)})`);
  const info: BuildInfo = {
    file: relative(ROOT, outfile),
    bytes: statSync(outfile).size,
    hashing: log.addon === "embedded" ? "native" : "js",
    reason:
      "path" in paths.addon && log.addon === "embedded"
        ? `embeds ${relative(ROOT, paths.addon.path)}`
        : "missing" in paths.addon
          ? paths.addon.missing
          : "src/crypto/native.ts requires no addon",
  };
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`${info.file}  ${mib(info.bytes)}  (built in ${seconds} s)  hashing: ${info.hashing} — ${info.reason}`);
  return info;
}

const wanted = process.argv.slice(2);
for (const w of wanted) if (!TARGETS.some((t) => t.name === w)) throw new Error(`unknown target ${w} (${TARGETS.map((t) => t.name).join(", ")})`);
mkdirSync(join(ROOT, "dist"), { recursive: true });
const infoFile = join(ROOT, "dist", "build-info.json");
const infos: Record<string, BuildInfo> = existsSync(infoFile) ? JSON.parse(readFileSync(infoFile, "utf8")) : {};
for (const t of TARGETS) {
  if (wanted.length > 0 && !wanted.includes(t.name)) continue;
  delete infos[t.name];
  writeFileSync(infoFile, JSON.stringify(infos, null, 2) + "\n");
  infos[t.name] = await build(t);
  writeFileSync(infoFile, JSON.stringify(infos, null, 2) + "\n");
}
