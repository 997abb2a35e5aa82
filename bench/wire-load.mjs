// @ts-check
/**
 * Load generator of `bunmark bench wire` under node with the npm `zeromq` package (v6), used from a source
 * checkout for both servers (the bunmark node and the node + zeromq baseline), so their figures compare.
 * Only the client is here; the config, the output lines and the measuring are wire-measure.mjs (src/bench/)'s.
 *
 *   node bench/wire-load.mjs '<LoadConfig json>'
 */
import { Request, curveKeyPair } from "zeromq";
import { runGenerator } from "../src/bench/wire-measure.mjs";

/** @type {import("../src/bench/wire-measure.mjs").OpenClient} */
function open(endpoint, serverKey, timeoutMs) {
  const keys = curveKeyPair();
  const s = new Request({
    curveServerKey: serverKey,
    curvePublicKey: keys.publicKey,
    curveSecretKey: keys.secretKey,
    receiveTimeout: timeoutMs,
    linger: 0,
  });
  s.connect(endpoint);
  return {
    async request(frames) {
      await s.send(frames);
      return s.receive();
    },
    close: () => s.close(),
  };
}

try {
  await runGenerator(process.argv[2] ?? "{}", open);
} catch (e) {
  console.error(`bench-wire-load: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
