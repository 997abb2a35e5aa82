/**
 * Shared by the payment source tests (discovery proxy and REST): a reservoir over a chain holding issued bitmarks
 * ready to transfer, and transactions in bitcoind's verbose JSON paying under a pay id.
 */
import { activeBackend } from "../../src/crypto/index.ts";
import { Reservoir } from "../../src/reservoir/reservoir.ts";
import { toHex } from "./hex.ts";
import { asset, assetIdOf, FakeChain, issue, transferTo } from "./reservoir-fakes.ts";

/** A reservoir over a chain holding `n` bitmarks of one asset (`fingerprint`), each issued in block 10. */
export function paymentWorld(n: number, fingerprint: string) {
  const hash = activeBackend();
  const chain = new FakeChain();
  const a = asset(fingerprint);
  chain.confirmAsset(a, 10);
  const transfers = Array.from({ length: n }, (_, i) => transferTo(chain.confirmIssue(issue(assetIdOf(a), BigInt(i + 1)), 10)));
  const reservoir = new Reservoir({ chain: "testing", view: chain, hash });
  /** the pay id transfer `i` will have, without storing it in `reservoir` */
  const payIdOf = (i: number) => new Reservoir({ chain: "testing", view: chain, hash }).storeTransfer(transfers[i]!).info.payId;
  return { reservoir, transfers, payIdOf };
}

let txSeq = 0;

/** A transaction in bitcoind's verbose JSON: an OP_RETURN output carrying `payId`, then `outputs` ([address, value text]). */
export function paymentTx(payId: Uint8Array, outputs: [string, string][]): string {
  const txid = (++txSeq).toString(16).padStart(64, "0");
  const vouts = [`{"value":0.00000000,"n":0,"scriptPubKey":{"asm":"OP_RETURN","hex":"6a30${toHex(payId)}","type":"nulldata"}}`];
  for (const [address, value] of outputs) vouts.push(`{"value":${value},"scriptPubKey":{"hex":"76a914","reqSigs":1,"type":"pubkeyhash","addresses":["${address}"]}}`);
  return `{"txid":"${txid}","hash":"${txid}","version":2,"vin":[],"vout":[${vouts.join(",")}]}`;
}
