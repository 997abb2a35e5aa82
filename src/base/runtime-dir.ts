/**
 * Where the single executable unpacks its native libraries (lmdb, libzmq, the hashing addon).
 *
 * A compiled Bun binary writes each embedded `.node`/`.so` to `$BUN_TMPDIR`, else `$TMPDIR`, else /tmp, and
 * dlopens it from there, so a noexec /tmp (common on hardened hosts) makes every native load fail. Imported
 * first by src/main.ts; when running as a compiled binary it picks the first directory that allows exec:
 *
 *   1. $BUNMARK_RUNTIME_DIR (the operator's choice, used as given, created 0700 if missing)
 *   2. $BUN_TMPDIR, $TMPDIR, /tmp — each if it exists and is not on a noexec mount (/proc/self/mountinfo)
 *   3. $XDG_RUNTIME_DIR, same check
 *   4. ./data/.runtime (created 0700)
 *
 * and points Bun's extraction at it by setting BUN_TMPDIR (Bun's own override, which wins over TMPDIR) in the
 * C environment: Bun reads it there when it extracts, while `process.env` writes do not reach libc. TMPDIR
 * itself is left alone for everything else. Bun names each unpacked file by content hash (.bun-UID-HASH.so/.node)
 * and reuses it on later runs. Under `bun src/main.ts` nothing is unpacked and nothing changes.
 */
import { dlopen, FFIType } from "bun:ffi";
import { existsSync, mkdirSync, readFileSync, realpathSync } from "node:fs";
import { resolve } from "node:path";
import { EnvironmentError } from "./errors.ts";

/** One line of /proc/self/mountinfo, reduced to what matters here. */
export interface Mount {
  point: string;
  noexec: boolean;
}

export type RuntimeDirSource = "BUNMARK_RUNTIME_DIR" | "BUN_TMPDIR" | "TMPDIR" | "/tmp" | "XDG_RUNTIME_DIR" | "data";

export interface RuntimeDirChoice {
  dir: string;
  source: RuntimeDirSource;
}

/** Mount points and their noexec flag; mountinfo escapes space, tab, newline and backslash as octal. */
export function parseMountinfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split("\n")) {
    const f = line.split(" ");
    if (f.length < 6 || f[4] === undefined || f[5] === undefined) continue;
    const point = f[4].replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    mounts.push({ point, noexec: f[5].split(",").includes("noexec") });
  }
  return mounts;
}

/** The mount that holds `path` (absolute, symlinks resolved): the longest prefix, the later one when stacked. */
export function mountOf(path: string, mounts: Mount[]): Mount | undefined {
  let best: Mount | undefined;
  for (const m of mounts) {
    const inside = m.point === "/" || path === m.point || path.startsWith(m.point + "/");
    if (inside && (best === undefined || m.point.length >= best.point.length)) best = m;
  }
  return best;
}

/**
 * The runtime directory for this environment. `allowsExec(dir)` says whether an existing directory may hold
 * libraries to dlopen; `cwd` anchors the ./data fallback.
 */
export function chooseRuntimeDir(
  env: Record<string, string | undefined>,
  allowsExec: (dir: string) => boolean,
  cwd: string,
): RuntimeDirChoice {
  if (env.BUNMARK_RUNTIME_DIR) return { dir: resolve(cwd, env.BUNMARK_RUNTIME_DIR), source: "BUNMARK_RUNTIME_DIR" };
  const candidates: [RuntimeDirSource, string | undefined][] = [
    ["BUN_TMPDIR", env.BUN_TMPDIR],
    ["TMPDIR", env.TMPDIR],
    ["/tmp", "/tmp"],
    ["XDG_RUNTIME_DIR", env.XDG_RUNTIME_DIR],
  ];
  for (const [source, dir] of candidates) if (dir && allowsExec(resolve(cwd, dir))) return { dir: resolve(cwd, dir), source };
  return { dir: resolve(cwd, "data", ".runtime"), source: "data" };
}

/** What Bun would use if left alone. */
function bunDefault(env: Record<string, string | undefined>): string {
  return env.BUN_TMPDIR || env.TMPDIR || "/tmp";
}

/** An existing directory on a mount without noexec; with no mount table (no /proc) existence is all we know. */
function execAllowedBy(mounts: Mount[] | undefined): (dir: string) => boolean {
  return (dir) => {
    if (!existsSync(dir)) return false;
    if (mounts === undefined) return true;
    const m = mountOf(realpathSync(dir), mounts);
    return m !== undefined && !m.noexec;
  };
}

/** setenv(3): Bun's native side reads the C environment, which `process.env` assignments do not update. */
function setNativeEnv(name: string, value: string): void {
  const libc = dlopen("libc.so.6", { setenv: { args: [FFIType.cstring, FFIType.cstring, FFIType.i32], returns: FFIType.i32 } });
  try {
    if (libc.symbols.setenv(Buffer.from(`${name}\0`), Buffer.from(`${value}\0`), 1) !== 0) throw new EnvironmentError({ code: "SETENV_FAILED", name }, `setenv ${name} failed`);
  } finally {
    libc.close();
  }
  process.env[name] = value;
}

/** Chooses and installs the runtime directory of a compiled binary. */
function prepareRuntimeDir(): void {
  if (!Bun.isStandaloneExecutable) return;
  let mounts: Mount[] | undefined;
  try {
    mounts = parseMountinfo(readFileSync("/proc/self/mountinfo", "utf8"));
  } catch {
    mounts = undefined;
  }
  const choice = chooseRuntimeDir(process.env, execAllowedBy(mounts), process.cwd());
  try {
    mkdirSync(choice.dir, { recursive: true, mode: 0o700 });
    if (choice.dir !== resolve(bunDefault(process.env))) setNativeEnv("BUN_TMPDIR", choice.dir);
  } catch (e) {
    // Commands without native code still work; a native load will name its own failure.
    console.error(`bunmark: cannot use ${choice.dir} for native libraries: ${e instanceof Error ? e.message : String(e)}`);
  }
}

prepareRuntimeDir();
