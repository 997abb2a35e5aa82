/** The payment lines of `/metrics`: one gauge family per figure, labelled by currency and source; none without a watcher. */
import { expect, test } from "bun:test";
import { renderMetrics, type StatusSnapshot } from "../../../src/http/status-server.ts";

const BASE: StatusSnapshot = {
  version: "8.2",
  chain: "testing",
  mode: "Normal",
  height: 1,
  publicKey: "00",
  listeners: [],
  peersIn: 0,
  peersOut: 0,
  knownPeers: 0,
  peers: [],
  blocksPerSecond: 0,
  digestBackend: "native",
  reservoir: {},
  uptimeSeconds: 0,
};
const figures = { state: "running", lastError: null, lastBlockHash: null, paymentsSeen: 5, paymentsMatched: 3, orphansHeld: 2, malformed: 1 };

test("per currency and source", () => {
  const lines = renderMetrics({
    ...BASE,
    payment: { BTC: { source: "rest", lastBlock: 812345, ...figures }, LTC: { source: "rest", lastBlock: null, ...figures, paymentsSeen: 0 } },
  }).split("\n");
  for (const line of [
    'bunmark_payment_last_block{currency="BTC",source="rest"} 812345',
    'bunmark_payment_last_block{currency="LTC",source="rest"} -1',
    'bunmark_payment_seen{currency="BTC",source="rest"} 5',
    'bunmark_payment_seen{currency="LTC",source="rest"} 0',
    'bunmark_payment_matched{currency="BTC",source="rest"} 3',
    'bunmark_payment_orphans{currency="BTC",source="rest"} 2',
    'bunmark_payment_malformed{currency="LTC",source="rest"} 1',
    "# TYPE bunmark_payment_matched gauge",
  ]) expect(lines).toContain(line);
});

test("no payment section: no payment lines", () => expect(renderMetrics(BASE)).not.toContain("bunmark_payment"));
