/** README.md documents every `timing` key as the table in src/node/timing.ts has it (the table `run --help` prints). */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { timingMarkdown } from "../../support/timing-markdown.ts";
import { ROOT } from "../../support/paths.ts";

test("README's timing table is the one the parser uses", () => {
  expect(readFileSync(join(ROOT, "README.md"), "utf8")).toContain(timingMarkdown());
});
