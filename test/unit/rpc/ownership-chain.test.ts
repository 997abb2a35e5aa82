/**
 * The ownership chain of the generator (what `bunmark bench rpc-ownership` times, here small: 30 bitmarks,
 * 5 steps): a valid chain (stored through StoreIncoming, real Argon2 digests) whose holder's listing pages
 * through every bitmark with `next`, and whose moving bitmark's provenance has every step.
 */
import { expect, test } from "bun:test";
import { accountToString } from "../../../src/chain/types/account.ts";
import { GenerateError } from "../../../src/testnet/errors.ts";
import { generateOwnershipChain } from "../../../src/testnet/generate.ts";
import { rpcFixture, hex } from "./fixture.ts";

const rpc = rpcFixture();

test("30 bitmarks of one holder paged by 7, and a 5-step provenance", async () => {
  const chain = await generateOwnershipChain(rpc.store, { seed: "test", bitmarks: 30, steps: 5 });
  expect(rpc.store.height()).toBe(7);
  const seen: string[] = [];
  let start = "0";
  for (let page = 0; page < 10; page++) {
    const r = JSON.parse(rpc.result("Owner.Bitmarks", `{"owner":"${accountToString(chain.holder)}","start":"${start}","count":7}`));
    seen.push(...r.data.map((d: { n: string }) => d.n));
    if (r.data.length < 7) break;
    start = r.next;
  }
  expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => String(i)));

  const p = JSON.parse(rpc.result("Bitmark.Provenance", `{"txId":"${hex(chain.lastTransfer)}","count":200}`)).data;
  expect(p.map((e: { record: string }) => e.record)).toEqual([...Array(5).fill("BitmarkTransferUnratified"), "BitmarkIssue", "AssetData"]);
  expect(p.map((e: { inBlock: number }) => e.inBlock)).toEqual([7, 6, 5, 4, 3, 2, 0]);
  expect(p[0].isOwner).toBe(true);

  await expect(generateOwnershipChain(rpc.store, { seed: "test", bitmarks: 1, steps: 1 })).rejects.toBeInstanceOf(GenerateError);
}, 120_000);
