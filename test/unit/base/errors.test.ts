/**
 * BunmarkError (src/base/errors.ts): the code and context a caller branches on, and the message derived from
 * them; the subclasses of the rooms keep their class for `instanceof`.
 */
import { describe, expect, test } from "bun:test";
import { BunmarkError } from "../../../src/base/errors.ts";
import { OwnershipError, transferOwnership } from "../../../src/chain/rules/ownership.ts";
import { StoreError } from "../../../src/chain/store/tables.ts";
import { ReservoirError } from "../../../src/reservoir/errors.ts";
import { TransportError } from "../../../src/transport/errors.ts";
import { z85Decode } from "../../../src/transport/z85.ts";

describe("BunmarkError", () => {
  const cases: { name: string; error: BunmarkError<{ code: string }>; code: string; message: string; cls: Function }[] = [
    { name: "code only", error: new BunmarkError({ code: "X" }), code: "X", message: "X", cls: BunmarkError },
    {
      name: "bytes as hex, numbers and text as written",
      error: new StoreError({ code: "STORE_CORRUPT", table: "Transactions", key: Uint8Array.of(0xab, 0x01), detail: "gone" }),
      code: "STORE_CORRUPT",
      message: "STORE_CORRUPT table=Transactions key=ab01 detail=gone",
      cls: StoreError,
    },
    { name: "a number", error: new ReservoirError({ code: "NO_BLOCK_OWNER_PAYMENT", block: 7 }), code: "NO_BLOCK_OWNER_PAYMENT", message: "NO_BLOCK_OWNER_PAYMENT block=7", cls: ReservoirError },
    { name: "an explicit message wins", error: new StoreError({ code: "TABLE_RESERVED", name: "Blocks" }, "no"), code: "TABLE_RESERVED", message: "no", cls: StoreError },
  ];
  for (const c of cases) {
    test(c.name, () => {
      expect(c.error).toBeInstanceOf(Error);
      expect(c.error).toBeInstanceOf(BunmarkError);
      expect(c.error).toBeInstanceOf(c.cls);
      expect((c.error as { code?: unknown }).code).toBeUndefined(); // not mistaken for a Node errno code
      expect(c.error.type.code).toBe(c.code);
      expect(c.error.message).toBe(c.message);
      expect(c.error.name).toBe(c.cls.name);
    });
  }

  test("a cause is kept for the log line that reports the error", () => {
    const low = new Error("EACCES: permission denied");
    const e = new StoreError({ code: "TABLE_RESERVED", name: "Blocks" }, "cannot open", { cause: low });
    expect(e.cause).toBe(low);
    expect(e.message).toBe("cannot open");
    expect(new BunmarkError({ code: "X" }).cause).toBeUndefined();
  });

  test("a bad Z85 text: TransportError Z85_INVALID, its text unchanged", () => {
    let caught: unknown;
    try {
      z85Decode("abc");
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(TransportError);
    expect((caught as TransportError).type.code).toBe("Z85_INVALID");
    expect((caught as TransportError).message).toBe("z85: length must be a multiple of 5");
  });

  test("a transfer of an item the owner does not hold: OwnershipError NOT_CURRENTLY_OWNED with owner and txid", () => {
    const empty = () => ({ get: () => undefined, put: () => {}, remove: () => {} });
    const t = { ownerCount: empty(), ownership: empty(), ownerDigest: empty() };
    let caught: unknown;
    try {
      transferOwnership(t, Uint8Array.of(1), Uint8Array.of(2), 5, Uint8Array.of(3), Uint8Array.of(4));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(OwnershipError);
    expect((caught as OwnershipError).type).toEqual({ code: "NOT_CURRENTLY_OWNED", owner: Uint8Array.of(3), txId: Uint8Array.of(1) });
  });
});
