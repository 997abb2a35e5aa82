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
function valueExports(file: string): string[] {
  const src = text.get(file)!;
  const { exports } = transpiler.scan(src);
  return exports.filter((name) =>
    new RegExp(`export\\s+(?:declare\\s+)?(?:async\\s+)?(?:function\\*?|const|let|var|class|enum)\\s+${name}\\b`).test(src) ||
    new RegExp(`export\\s*\\{[^}]*\\b${name}\\b[^}]*\\}`).test(src),
  );
}

const used = new Set<string>();
const mark = (file: string, name: string): void => void used.add(`${file}:${name}`);
for (const [file, src] of text) {
  for (const m of src.matchAll(/(import|export)\s+(type\s+)?\{([^}]*)\}\s*from\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    if (m[2]) continue;
    const target = resolve(dirname(file), m[4]!);
    for (const part of m[3]!.split(",")) {
      const name = part.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0]!.trim();
      if (name && !part.trim().startsWith("type ")) mark(target, name);
    }
  }
  for (const m of src.matchAll(/import\s+\*\s+as\s+(\w+)\s+from\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    const target = resolve(dirname(file), m[2]!);
    for (const u of src.matchAll(new RegExp(`\\b${m[1]}\\.(\\w+)`, "g"))) mark(target, u[1]!);
  }
  // Dynamic imports of command modules: `import("./cli/x.ts")` then `.main(…)`.
  for (const m of src.matchAll(/import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g)) mark(resolve(dirname(file), m[1]!), "main");
  // …and `(await import("./x.ts")).name(…)`.
  for (const m of src.matchAll(/import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)\s*\)\s*\.(\w+)/g)) mark(resolve(dirname(file), m[1]!), m[2]!);
  for (const m of src.matchAll(/export\s+\*\s+from\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    const target = resolve(dirname(file), m[1]!);
    for (const name of valueExports(target)) if (used.has(`${file}:${name}`)) mark(target, name);
  }
}

const unused: string[] = [];
for (const file of files) {
  if (!file.startsWith(join(ROOT, "src"))) continue;
  const src = text.get(file)!;
  for (const name of valueExports(file)) {
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
