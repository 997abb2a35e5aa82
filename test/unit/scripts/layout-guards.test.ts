/**
 * The layout guards `make check` runs (scripts/check-imports.ts, scripts/check-exports.ts), each on a small tree
 * written here: every kind of violation is reported with its line and exit 1; the clean tree passes. And both
 * pass on this checkout.
 */
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ROOT } from "../../support/paths.ts";
import { tempDirs } from "../../support/temp-dirs.ts";

const tempDir = tempDirs("bunmark-guards-");

function run(script: string, files: Record<string, string>): { code: number; err: string } {
  const dir = tempDir();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const r = spawnSync(process.execPath, [join(ROOT, "scripts", script), dir], { encoding: "utf8" });
  return { code: r.status ?? -1, err: r.stderr };
}

describe("check-imports", () => {
  const cases: { name: string; files: Record<string, string>; problems: string[] }[] = [
    {
      name: "clean: chain imports base, a lazy import() back does not count as a cycle",
      files: {
        "src/base/a.ts": 'export const a = 1;\nexport const later = () => import("./b.ts");\n',
        "src/base/b.ts": 'import { a } from "./a.ts";\nexport const b = a;\n',
        "src/chain/c.ts": 'import { a } from "../base/a.ts";\nexport const c = a;\n',
      },
      problems: [],
    },
    {
      name: "a static cycle, type imports included",
      files: {
        "src/chain/store.ts": 'import { w } from "./write.ts";\nexport const s = w;\n',
        "src/chain/write.ts": 'import type { S } from "./store.ts";\nexport const w = 1;\n',
      },
      problems: ["import cycle: src/chain/store.ts → src/chain/write.ts → src/chain/store.ts"],
    },
    {
      name: "a room importing upwards, also lazily",
      files: {
        "src/node/n.ts": "export const n = 1;\n",
        "src/chain/c.ts": 'export const c = () => import("../node/n.ts");\n',
      },
      problems: ["src/chain/c.ts (chain) imports src/node/n.ts (node): node is not below chain"],
    },
    {
      name: "a sideways import not listed",
      files: { "src/reservoir/r.ts": "export const r = 1;\n", "src/peer/p.ts": 'import { r } from "../reservoir/r.ts";\nexport const p = r;\n', "src/rpc/x.ts": 'import { r } from "../reservoir/r.ts";\nexport const x = r;\n', "src/payment/y.ts": 'import { x } from "../rpc/x.ts";\nexport const y = x;\n' },
      problems: ["src/payment/y.ts (payment) imports src/rpc/x.ts (rpc): rpc is not below payment"],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = run("check-imports.ts", c.files);
      expect(r.err.split("\n").filter(Boolean)).toEqual(c.problems);
      expect(r.code).toBe(c.problems.length ? 1 : 0);
    });
  }
});

describe("check-exports", () => {
  const cases: { name: string; files: Record<string, string>; unused: string[] }[] = [
    {
      name: "used by another file, in its own file, through (await import(…)).name, or a type: clean",
      files: {
        "src/a.ts": "export const used = 1;\nexport function self() {}\nself();\nexport type T = number;\n",
        "src/b.ts": 'import { used } from "./a.ts";\nexport const main = async () => (await import("./c.ts")).go(used);\n',
        "src/c.ts": "export function go(n: number) { return n; }\n",
        "src/main.ts": 'import { main } from "./b.ts";\nvoid main();\n',
      },
      unused: [],
    },
    {
      name: "an export only a test would call",
      files: { "src/a.ts": "export function onlyTests() {}\n", "test/a.test.ts": 'import { onlyTests } from "../src/a.ts";\nonlyTests();\n' },
      unused: ["exported, no product caller: src/a.ts:onlyTests"],
    },
    {
      name: "an imported type does not count as a caller of a value",
      files: { "src/a.ts": "export class K {}\n", "src/b.ts": 'import type { K } from "./a.ts";\nexport let k: K | undefined;\nk = undefined;\n' },
      unused: ["exported, no product caller: src/a.ts:K"],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = run("check-exports.ts", c.files);
      expect(r.err.split("\n").filter(Boolean)).toEqual(c.unused);
      expect(r.code).toBe(c.unused.length ? 1 : 0);
    });
  }
});

describe("this checkout", () => {
  for (const script of ["check-imports.ts", "check-exports.ts"]) {
    test(`${script} passes`, () => {
      const r = spawnSync(process.execPath, [join(ROOT, "scripts", script)], { encoding: "utf8" });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
    });
  }
});
