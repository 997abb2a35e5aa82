/**
 * A method table for transport tests (the real tables live in src/rpc/methods/): echoes, sleeps, fails, throws,
 * returns large results. The server under test sees it as any other MethodTable.
 */
import { RpcError, type MethodTable } from "../../src/rpc/method.ts";

export const TEST_TABLE: MethodTable<{ calls: number }> = {
  "Test.Echo": (arg, deps) => {
    deps.calls++;
    return arg ?? null;
  },
  "Test.Sleep": async (arg) => {
    const { ms, tag } = arg as { ms: unknown; tag: string };
    await Bun.sleep(Number(String(ms))); // a JsonNumber: requests keep each number's text
    return tag;
  },
  "Test.Fail": (arg) => {
    throw new RpcError(String((arg as { text: string }).text));
  },
  "Test.Reject": async () => {
    throw new RpcError("rejected");
  },
  "Test.Crash": () => {
    throw new TypeError("cannot read properties of null");
  },
  "Test.Big": (arg) => "x".repeat(Number(String((arg as { n: unknown }).n))),
  "Node.Info": () => ({ chain: "local", mode: "Normal", blocks: 1 }),
};
