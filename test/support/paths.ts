/** Paths of the checkout, for tests that run bunmark's command line or read its files. */
import { join } from "node:path";

export const ROOT = join(import.meta.dir, "..", "..");
export const CLI = join(ROOT, "src", "main.ts");
