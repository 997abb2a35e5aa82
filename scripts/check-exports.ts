/**
 * `make test` guard against product code reached only by tests: every value exported from a file under src/
 * must be used by product code — imported by another file of src/ or scripts/, or used in its own file besides
 * its declaration. Types are not checked (they cost nothing at run time). There are no exceptions: a helper only
 * tests need lives in test/support/.
 *
 *   bun scripts/check-exports.ts [DIR]   exit 1 listing every unused export
 */
import { Glob } from "bun";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** The checkout (or the directory given, for the script's own tests). */
const ROOT = process.argv[2] ? resolve(process.argv[2]) : join(import.meta.dir, "..");

const files = [...new Glob("{src,scripts}/**/*.{ts,mjs}").scanSync({ cwd: ROOT })].map((p) => join(ROOT, p));
const transpiler = new Bun.Transpiler({ loader: "ts" });
const text = new Map(files.map((f) => [f, readFileSync(f, "utf8")]));

/** Value exports of a file (Bun's scanner lists type exports too; keep names declared as values). */
function valueExports(src: string): string[] {
  const { exports } = transpiler.scan(src);
  return exports.filter((name) =>
    new RegExp(`export\\s+(?:declare\\s+)?(?:async\\s+)?(?:function\\*?|const|let|var|class|enum)\\s+${name}\\b`).test(src) ||
    new RegExp(`export\\s*\\{[^}]*\\b${name}\\b[^}]*\\}`).test(src),
  );
}

const used = new Set<string>();
const mark = (file: string, name: string): void => void used.add(`${file}:${name}`);
for (const [file, src] of text) {
  for (const [, , typeOnly, names, spec] of src.matchAll(/(import|export)\s+(type\s+)?\{([^}]*)\}\s*from\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    if (typeOnly || names === undefined || spec === undefined) continue;
    const target = resolve(dirname(file), spec);
    for (const part of names.split(",")) {
      const name = part.trim().replace(/^type\s+/, "").replace(/\s+as\s+.*$/s, "").trim();
      if (name && !part.trim().startsWith("type ")) mark(target, name);
    }
  }
  for (const [, namespace, spec] of src.matchAll(/import\s+\*\s+as\s+(\w+)\s+from\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    if (namespace === undefined || spec === undefined) continue;
    const target = resolve(dirname(file), spec);
    for (const [, name] of src.matchAll(new RegExp(`\\b${namespace}\\.(\\w+)`, "g"))) if (name !== undefined) mark(target, name);
  }
  // Dynamic imports of command modules: `import("./cli/x.ts")` then `.main(…)`.
  for (const [, spec] of src.matchAll(/import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g)) if (spec !== undefined) mark(resolve(dirname(file), spec), "main");
  // …and `(await import("./x.ts")).name(…)`.
  for (const [, spec, name] of src.matchAll(/import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)\s*\)\s*\.(\w+)/g)) {
    if (spec !== undefined && name !== undefined) mark(resolve(dirname(file), spec), name);
  }
  for (const [, spec] of src.matchAll(/export\s+\*\s+from\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    if (spec === undefined) continue;
    const target = resolve(dirname(file), spec);
    const targetSrc = text.get(target);
    if (targetSrc === undefined) continue; // not a file of src/ or scripts/: nothing of it is checked
    for (const name of valueExports(targetSrc)) if (used.has(`${file}:${name}`)) mark(target, name);
  }
}

const unused: string[] = [];
for (const [file, src] of text) {
  if (!file.startsWith(join(ROOT, "src"))) continue;
  for (const name of valueExports(src)) {
    const key = `${relative(ROOT, file)}:${name}`;
    if (used.has(`${file}:${name}`)) continue;
    const uses = src.match(new RegExp(`\\b${name}\\b`, "g"))?.length ?? 0;
    if (uses > 1) continue; // used in its own file
    unused.push(key);
  }
}
for (const u of unused) console.error(`exported, no product caller: ${u}`);
console.log(`check-exports: ${files.length} files, ${unused.length} export(s) without a product caller`);
process.exit(unused.length ? 1 : 0);
