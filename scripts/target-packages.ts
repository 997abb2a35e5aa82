/**
 * npm packages of another CPU (the arm64 Bun runtime, lmdb's arm64 addon) for cross-building the executable.
 *
 * npm installs optional platform packages for the host only, so the build fetches the others itself with
 * `npm pack` at the exact version and integrity that package-lock.json records, and unpacks each into a cache
 * under node_modules/ (never committed, rebuilt after `npm ci`). Packages of the host's own CPU come straight
 * from node_modules.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dir, "..");
const CACHE = join(ROOT, "node_modules", ".cache", "bunmark-dist");

type LockEntry = { version: string; integrity: string };

function lockEntry(name: string): LockEntry {
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, Partial<LockEntry>>;
  };
  const e = lock.packages[`node_modules/${name}`];
  if (!e?.version || !e.integrity) throw new Error(`${name} is not in package-lock.json (add its parent package)`);
  return { version: e.version, integrity: e.integrity };
}

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr.trim()}`);
  return r.stdout;
}

/**
 * The directory of package `name` (e.g. "@oven/bun-linux-aarch64") at its package-lock version: node_modules
 * when npm installed it there, else the verified cache copy, fetched on first use.
 */
export function packageDir(name: string): string {
  const want = lockEntry(name);
  const installed = join(ROOT, "node_modules", name);
  if (existsSync(join(installed, "package.json"))) {
    const v = (JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as { version: string }).version;
    if (v === want.version) return installed;
  }
  const dir = join(CACHE, `${name.replace("/", "+")}@${want.version}`);
  if (existsSync(join(dir, "package.json"))) return dir;

  const work = `${dir}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const packed = JSON.parse(run("npm", ["pack", `${name}@${want.version}`, "--json", "--pack-destination", work], work)) as {
    filename: string;
    integrity: string;
  }[];
  const tgz = packed[0];
  if (!tgz) throw new Error(`npm pack ${name}@${want.version}: no tarball`);
  // npm checks the registry's own integrity; this ties the bytes to what our lock file pinned.
  if (tgz.integrity !== want.integrity) throw new Error(`${name}@${want.version}: integrity ${tgz.integrity} is not the locked ${want.integrity}`);
  const file = join(work, tgz.filename);
  run("tar", ["-xzf", file, "--strip-components=1", "-C", work], work);
  rmSync(file);
  renameSync(work, dir);
  return dir;
}
