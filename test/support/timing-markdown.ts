/** The `timing` table of src/node/timing.ts in the Markdown form README.md carries (test/unit/node/readme.test.ts). */
import { shownDefault, TIMING_TABLE } from "../../src/node/timing.ts";

export function timingMarkdown(): string {
  const rows = TIMING_TABLE.map((r) => `| \`${r.key}\` | ${r.unit} | ${shownDefault(r)} | ${r.subsystem} | ${r.what} |`);
  return ["| key | unit | default | subsystem | what it changes |", "|---|---|---|---|---|", ...rows].join("\n");
}
