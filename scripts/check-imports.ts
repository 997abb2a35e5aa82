/**
 * `make test` guard for the layout: no import cycle between files of src/, none between modules of native/src,
 * and rooms (the folders directly under src/) depend on each other only downwards in LAYERS — so a reader can
 * take the rooms in that order and never meet a name from a room not yet read.
 *
 *   bun scripts/check-imports.ts [DIR]   exit 1 with one line per violation
 */
import { Glob } from "bun";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** The checkout (or the directory given, for the script's own tests). */
const ROOT = process.argv[2] ? resolve(process.argv[2]) : join(import.meta.dir, "..");

/** Rooms by layer: a room may import from its own layer's rooms only where listed in SIDEWAYS, else from lower layers. */
const LAYERS: readonly (readonly string[])[] = [
  ["base", "encoding"],
  ["crypto", "transport"],
  ["chain"],
  ["reservoir", "peer"],
  ["rpc", "proof", "payment", "miner", "testnet", "wallet"],
  ["http"],
  ["node"],
  ["cli", "bench"],
  ["main.ts"],
];
/** Same-layer dependencies that are allowed: [from, to]. */
const SIDEWAYS: readonly (readonly [string, string])[] = [
  ["encoding", "base"], // checked index access (base/at.ts) in the codecs' loops
  ["peer", "reservoir"],
  ["miner", "proof"], // the miner reads the proofer's job and submission formats
  ["proof", "rpc"], // Go-compatible JSON text (rpc/go-json.ts) for job messages and submission replies
  ["testnet", "proof"],
  ["testnet", "rpc"], // node 1's client RPC certificate
  ["cli", "bench"],
  ["bench", "cli"],
];

const layerOf = new Map(LAYERS.flatMap((rooms, i) => rooms.map((r) => [r, i] as const)));
const roomOf = (file: string): string => relative(join(ROOT, "src"), file).replace(/\/.*$/, "");

/** Static imports, or only the lazy `import("…")` ones. */
function importsOf(file: string, lazy = false): string[] {
  const text = readFileSync(file, "utf8");
  const specs = new Set<string>();
  const pattern = lazy ? /import\s*\(\s*["'](\.{1,2}\/[^"']+)["']/g : /(?:from\s+|import\s+)["'](\.{1,2}\/[^"']+)["']/g;
  for (const [, spec] of text.matchAll(pattern)) if (spec !== undefined) specs.add(spec);
  return [...specs].map((s) => resolve(dirname(file), s)).filter((p) => /\.(ts|mjs|js)$/.test(p));
}

function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (n: string): void => {
    state.set(n, "open");
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      if (state.get(m) === "open") found.push(stack.slice(stack.indexOf(m)).concat(m));
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, "done");
  };
  for (const n of [...graph.keys()].sort()) if (!state.has(n)) visit(n);
  return found;
}

const problems: string[] = [];
const files = [...new Glob("src/**/*.{ts,mjs}").scanSync({ cwd: ROOT })].map((p) => join(ROOT, p));
// Cycles count static imports only: a lazy `import()` runs after both files are loaded, so it cannot form an
// initialisation cycle; it is how the command table (src/cli/commands.ts) loads the command that lists it.
const graph = new Map(files.map((f) => [f, importsOf(f)]));
for (const c of cycles(graph)) problems.push(`import cycle: ${c.map((f) => relative(ROOT, f)).join(" → ")}`);

// Layers count both.
for (const [from, statics] of graph) {
  const a = roomOf(from);
  for (const to of [...statics, ...importsOf(from, true)]) {
    const b = roomOf(to);
    if (a === b) continue;
    const la = layerOf.get(a);
    const lb = layerOf.get(b);
    if (la === undefined || lb === undefined) {
      problems.push(`${relative(ROOT, from)}: room ${la === undefined ? a : b} is not in scripts/check-imports.ts LAYERS`);
    } else if (lb > la || (lb === la && !SIDEWAYS.some(([x, y]) => x === a && y === b))) {
      problems.push(`${relative(ROOT, from)} (${a}) imports ${relative(ROOT, to)} (${b}): ${b} is not below ${a}`);
    }
  }
}

// native/src: `mod x;` edges between Rust modules, and `use crate::a::…` edges.
const rust = [...new Glob("native/src/**/*.rs").scanSync({ cwd: ROOT })];
const modName = (p: string): string =>
  p.replace(/^native\/src\//, "").replace(/(\/mod)?\.rs$/, "").replace(/^lib$/, "crate").replaceAll("/", "::");
const rustGraph = new Map<string, string[]>();
for (const p of rust) {
  const uses = [...readFileSync(join(ROOT, p), "utf8").matchAll(/\buse\s+crate::([a-z0-9_]+)/g)].flatMap(([, name]) => (name === undefined ? [] : [name]));
  const self = modName(p).replace(/::.*$/, "");
  rustGraph.set(self, [...new Set([...(rustGraph.get(self) ?? []), ...uses.filter((u) => u !== self)])]);
}
for (const c of cycles(rustGraph)) problems.push(`native module cycle: ${c.join(" → ")}`);

for (const p of problems) console.error(p);
console.log(`check-imports: ${files.length} TypeScript files, ${rust.length} Rust files, ${problems.length} problem(s)`);
process.exit(problems.length ? 1 : 0);
