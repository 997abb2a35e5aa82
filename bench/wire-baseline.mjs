// @ts-check
/**
 * Baseline server of `bunmark bench wire`, run under node with the npm `zeromq` package (v6): one CURVE REP
 * socket on 127.0.0.1 answering each known request with the frames the bunmark node gave for it (a table
 * read from stdin), and anything else with `E`. It measures what node + the zeromq binding cost for the same
 * traffic, with no node logic behind it.
 *
 *   node bench/wire-baseline.mjs < {"table": [[[request hex frame, …], [reply hex frame, …]], …]}
 *   stdout: "ready ENDPOINT SERVERKEY_Z85" once bound; serves until SIGTERM/SIGINT.
 */
import { Reply, curveKeyPair } from "zeromq";

/** @type {{ table: [string[], string[]][] }} */
const input = JSON.parse(await new Promise((resolve) => {
  let text = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (c) => (text += c));
  process.stdin.on("end", () => resolve(text));
}));

/** Request frames → one string key (latin1 keeps every byte). @param {Buffer[]} frames */
const key = (frames) => frames.map((f) => f.toString("latin1")).join("\u0100");
const table = new Map(input.table.map(([req, rep]) => [key(req.map((h) => Buffer.from(h, "hex"))), rep.map((h) => Buffer.from(h, "hex"))]));
const unknown = [Buffer.from("E"), Buffer.from("unknown request")];

const keys = curveKeyPair();
const sock = new Reply({ curveServer: true, curveSecretKey: keys.secretKey, linger: 0 });
await sock.bind("tcp://127.0.0.1:*");
console.log(`ready ${sock.lastEndpoint} ${keys.publicKey}`);

const stop = () => sock.close();
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
try {
  for await (const frames of sock) await sock.send(table.get(key(frames)) ?? unknown);
} catch (e) {
  // Closing the socket ends the loop with an error from the pending receive; nothing else is expected.
  if (!sock.closed) throw e;
}
