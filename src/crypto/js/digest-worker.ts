/**
 * Worker thread of the TypeScript backend's blockDigestBatch (see digest-pool.ts): one block digest per message,
 * computed in this thread's own reused arena. Kept at this path: it is an extra `bun build --compile` entrypoint.
 */
import { parentPort } from "node:worker_threads";
import { blockDigest } from "./argon2.ts";
import { CryptoError } from "../errors.ts";

const port = parentPort;
if (!port) throw new CryptoError({ code: "CRYPTO_INVARIANT", detail: "digest-worker.ts must run as a worker thread" });
port.on("message", (header: Uint8Array) => port.postMessage(blockDigest(header)));
