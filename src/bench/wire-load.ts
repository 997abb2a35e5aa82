/**
 * Load generator of `bunmark bench wire` built on bunmark's own wire layer (RequestClient over libzmq), for
 * where node + npm zeromq are not at hand (the compiled executable, a machine without node). It runs as a
 * separate process of the same executable, `bunmark bench wire --load '<LoadConfig json>'`, and speaks the
 * contract of wire-measure.mjs, whose measuring it shares: only the client is here.
 */
import { shutdown } from "../transport/context.ts";
import { curveKeyPair } from "../transport/curve.ts";
import { RequestClient } from "../transport/request-client.ts";
import { z85Decode } from "../transport/z85.ts";
import { runGenerator, type OpenClient } from "./wire-measure.mjs";

const open: OpenClient = (endpoint, serverKey, timeoutMs) => {
  const client = new RequestClient(curveKeyPair());
  // RequestClient dials `host:port`; the contract's endpoints are libzmq's `tcp://host:port`.
  client.connect(endpoint.replace(/^tcp:\/\//, ""), z85Decode(serverKey));
  return { request: (frames) => client.request(frames, timeoutMs), close: () => client.close() };
};

/** Runs one generator (probe or load) and releases libzmq, so the process ends by itself. */
export async function runLoad(configJson: string): Promise<number> {
  try {
    await runGenerator(configJson, open);
    return 0;
  } finally {
    await shutdown();
  }
}
