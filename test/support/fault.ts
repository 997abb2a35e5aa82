/** The Fault text a call throws, for table-driven error tests: a non-Fault error is rethrown, no error gives undefined. */
import { isFault } from "../../src/base/fault.ts";

export function faultOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (isFault(e)) return e.text;
    throw e;
  }
  return undefined;
}
