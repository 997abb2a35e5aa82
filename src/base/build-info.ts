/**
 * The commit and build date `--version` prints and `/metrics` exports. `make dist` embeds them (scripts/build.ts
 * defines BUNMARK_COMMIT and BUNMARK_BUILD_DATE); run from a checkout, `git describe` names the commit and the
 * date is "source". bunmark's own.
 */
import { BUNMARK_VERSION, VERSION } from "./version.ts";

declare const BUNMARK_COMMIT: string | undefined;
declare const BUNMARK_BUILD_DATE: string | undefined;

export interface BuildInfo {
  version: string;
  commit: string;
  date: string;
  protocol: string;
}

function fromCheckout(): string {
  try {
    const r = Bun.spawnSync(["git", "describe", "--always", "--dirty", "--tags"], { cwd: import.meta.dir, stderr: "ignore" });
    const out = r.stdout.toString().trim();
    return r.exitCode === 0 && out !== "" ? out : "unknown";
  } catch {
    return "unknown"; // no git on this machine
  }
}

let cached: BuildInfo | undefined;

export function buildInfo(): BuildInfo {
  cached ??= {
    version: BUNMARK_VERSION,
    commit: typeof BUNMARK_COMMIT === "string" ? BUNMARK_COMMIT : fromCheckout(),
    date: typeof BUNMARK_BUILD_DATE === "string" ? BUNMARK_BUILD_DATE : "source",
    protocol: VERSION,
  };
  return cached;
}

/** `bunmark 0.1.0 (commit abc1234, built 2026-12-06; bitmarkd 8.2 peer protocol)` */
export function versionLine(): string {
  const b = buildInfo();
  return `bunmark ${b.version} (commit ${b.commit}, built ${b.date}; bitmarkd ${b.protocol} peer protocol)`;
}
