/**
 * The Bun.build plugin that makes every native piece of bunmark embeddable for one target CPU.
 *
 * `bun build --compile` embeds a `.node` file only when `require()` gets a string literal it can resolve at
 * build time, and a file for bun:ffi only through `import … with { type: "file" }`. Three loaders compute
 * their path at run time instead, so the build rewrites them per target:
 *
 *   lmdb/native.js            `loadNAPI(dirName)` → `require("<@lmdb/lmdb-linux-ARCH>/node.napi.glibc.node")`
 *   src/transport/libzmq-path.ts   whole module → the embedded zeromq prebuild (BUNMARK_LIBZMQ still overrides)
 *   src/crypto/native.ts      `require("../../native/bunmark.node")` → the target's addon, or a throw that
 *                             selects the TypeScript backend when this target has no addon
 *
 * msgpackr-extract (msgpackr's optional string accelerator; our tables are binary) becomes a module that
 * throws, which msgpackr treats as "not installed".
 */
import type { BunPlugin } from "bun";
import { readFileSync } from "node:fs";

export interface NativePaths {
  /** lmdb's N-API addon for the target (glibc build) */
  lmdb: string;
  /** the zeromq prebuild used as libzmq for the target */
  libzmq: string;
  /** our hashing addon for the target, or the reason there is none */
  addon: { path: string } | { missing: string };
}

/** What a rewrite changed, for the build report; a loader whose pattern no longer matches fails the build. */
export interface RewriteLog {
  lmdb: boolean;
  libzmq: boolean;
  addon: "embedded" | "absent" | "not referenced";
  msgpackrExtract: boolean;
}

const ADDON_REQUIRE = /require\(\s*["']\.\.\/\.\.\/native\/bunmark\.node["']\s*\)/g;

export function nativePlugin(paths: NativePaths, log: RewriteLog): BunPlugin {
  return {
    name: "bunmark-native",
    setup(build) {
      build.onLoad({ filter: /[\\/]lmdb[\\/]native\.js$/ }, (args) => {
        const src = readFileSync(args.path, "utf8");
        const out = src
          .replace(/^import loadNAPI from ['"]node-gyp-build-optional-packages['"];?$/m, "")
          .replace("loadNAPI(dirName)", `require(${JSON.stringify(paths.lmdb)})`);
        if (!out.includes(paths.lmdb) || out.includes("loadNAPI")) throw new Error(`lmdb/native.js changed shape: cannot embed its addon (${args.path})`);
        log.lmdb = true;
        return { contents: out, loader: "js" };
      });

      build.onLoad({ filter: /[\\/]src[\\/]transport[\\/]libzmq-path\.ts$/ }, () => {
        log.libzmq = true;
        return {
          contents: [
            `import embedded from ${JSON.stringify(paths.libzmq)} with { type: "file" };`,
            `export function libzmqPath(): string { return process.env.BUNMARK_LIBZMQ || embedded; }`,
          ].join("\n"),
          loader: "ts",
        };
      });

      build.onLoad({ filter: /[\\/]src[\\/]crypto[\\/]native\.ts$/ }, (args) => {
        const src = readFileSync(args.path, "utf8");
        const replacement =
          "path" in paths.addon
            ? `require(${JSON.stringify(paths.addon.path)})`
            : // "not found" (MODULE_NOT_FOUND): the executable hashes in TypeScript, as a checkout without `make native` does,
              // without a warning that names a build-tree path meaning nothing inside one executable
              `(() => { throw Object.assign(new Error("no native addon in this build"), { code: "MODULE_NOT_FOUND" }); })()`;
        const out = src.replace(ADDON_REQUIRE, () => replacement);
        log.addon = out === src ? "not referenced" : "path" in paths.addon ? "embedded" : "absent";
        return { contents: out, loader: "ts" };
      });

      build.onResolve({ filter: /^msgpackr-extract$/ }, () => ({ path: "msgpackr-extract", namespace: "bunmark-absent" }));
      build.onLoad({ filter: /.*/, namespace: "bunmark-absent" }, () => {
        log.msgpackrExtract = true;
        return { contents: `throw new Error("msgpackr-extract is not embedded");`, loader: "js" };
      });
    },
  };
}
