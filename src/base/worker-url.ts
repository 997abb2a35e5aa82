/**
 * Where a Worker module is, both from source and inside the compiled executable.
 *
 *   new Worker(workerUrl("transport/poller-worker.ts"))   // the path under src/
 *
 * Under `bun build --compile` (scripts/build.ts adds every src/**\/*-worker.ts as an extra entrypoint) every
 * module's import.meta.url is the executable's, and entrypoints sit in /$bunfs/root/ as .js under their path
 * relative to the build root (the common directory of the entrypoints), so the candidates are tried in turn.
 */
import { existsSync } from "node:fs";
import { basename } from "node:path";
import { EnvironmentError } from "./errors.ts";

export function workerUrl(pathUnderSrc: string): URL {
  if (!Bun.isStandaloneExecutable) return new URL(`../${pathUnderSrc}`, import.meta.url);
  const js = pathUnderSrc.replace(/\.ts$/, ".js");
  for (const path of [`./${js}`, `./src/${js}`, `./${basename(js)}`]) {
    const url = new URL(path, import.meta.url);
    if (existsSync(url)) return url;
  }
  throw new EnvironmentError({ code: "WORKER_NOT_BUNDLED", path: pathUnderSrc }, `the executable lacks src/${pathUnderSrc} (add it as a build entrypoint)`);
}
