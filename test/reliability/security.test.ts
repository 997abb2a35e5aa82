/**
 * Security properties of a real node (`bunmark run`), checked from outside with the independent pyzmq client
 * (system libzmq + libsodium, test/helpers/pyzmq.ts) where the wire is concerned:
 * - a client that expects another server key gets no reply (the CURVE handshake fails), while a client with
 *   the right key is served;
 * - the largest CURVE payload (4,999,967 bytes) is answered, one byte more makes libzmq drop the connection
 *   (no reply), and the same client is served again after libzmq reconnects;
 * - the key files the node creates are 0600 (private) and not writable by others (public), the saved peer
 *   table is 0600;
 * - no secret key appears in anything the node, `keygen` or `status` print (node logging at debug level).
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { statSync } from "node:fs";
import { join } from "node:path";
import { peerFilePath } from "../../src/peer/announce/store.ts";
import { curveKeyPair } from "../../src/transport/curve.ts";
import { RequestClient, RequestTimeoutError } from "../../src/transport/request-client.ts";
import { cachedChain } from "../support/harness/chains.ts";
import { MAX_CURVE_PAYLOAD } from "../support/harness/listener-fuzz.ts";
import { nodeSuite } from "../support/harness/node-suite.ts";
import { figures, PROFILE } from "../support/harness/profile.ts";
import { pyzmqRequests, pyzmqSkipReason } from "../support/pyzmq.ts";
import { NodeProcess, secretFormsOf, secretLeaks } from "../support/node-process.ts";
import { CLI } from "../support/paths.ts";

const skipPy = pyzmqSkipReason();
const te = new TextEncoder();
const td = new TextDecoder();
const root = nodeSuite("security");
let n: NodeProcess;
/** Output of the CLI commands run here, checked for secrets with the node's logs. */
const cliOutput: string[] = [];
/** The suite's figures line, filled in by the tests. */
const facts: Record<string, string | number> = {};

beforeAll(async () => {
  const chain = await cachedChain({ blocks: PROFILE.slowChainBlocks, seed: "reliability", base: PROFILE.chainBlocks });
  n = await NodeProcess.create({ root, name: "n", chainFrom: chain, logLevel: "debug" });
  await n.start();
}, 1_800_000);

const frame = (s: string) => te.encode(s);
const show = (r: Uint8Array[] | "timeout") => (r === "timeout" ? r : r.map((f) => (f.length > 64 ? `(${f.length} bytes)` : td.decode(f))));

describe.skipIf(skipPy !== undefined)("wire (independent pyzmq client)", () => {
  test("a client expecting another server key gets no reply; the right key is served", async () => {
    const wrong = await pyzmqRequests({ address: n.address, serverKey: curveKeyPair().publicKey, requests: [[frame("local"), frame("N")]], timeoutMs: 1500 });
    const right = await pyzmqRequests({ address: n.address, serverKey: n.publicKey, requests: [[frame("local"), frame("N")]], timeoutMs: 10_000 });
    expect(wrong.replies.map(show)).toEqual(["timeout"]);
    expect(show(right.replies[0]!)[0]).toBe("N");
    facts.wrong_server_key = "no reply";
  });

  test("the largest CURVE payload is answered; one byte more drops the connection; the client is served again", async () => {
    const largest = await pyzmqRequests({
      address: n.address,
      serverKey: n.publicKey,
      requests: [[frame("local"), frame("H"), new Uint8Array(MAX_CURVE_PAYLOAD)]],
      timeoutMs: 10_000,
    });
    // One socket: the oversized request gets nothing, the next one goes out after libzmq's reconnect.
    const over = await pyzmqRequests({
      address: n.address,
      serverKey: n.publicKey,
      requests: [
        [frame("local"), frame("H"), new Uint8Array(MAX_CURVE_PAYLOAD + 1)],
        [frame("local"), frame("I")],
      ],
      timeoutMs: 3000,
    });
    expect(largest.replies.map(show)).toEqual([["E", "block not found"]]);
    expect(show(over.replies[0]!)).toBe("timeout");
    expect(show(over.replies[1]!)[0]).toBe("I");
    expect(n.running).toBe(true);
    facts.oversized_frame = "dropped";
  }, 120_000);
});

test("bunmark's own client with a wrong server key times out in the send phase (handshake never completes)", async () => {
  const client = new RequestClient(curveKeyPair());
  client.connect(n.address, curveKeyPair().publicKey);
  const error = await client.request([frame("local"), frame("I")], 1500).catch((e: unknown) => e);
  client.close();
  expect(error).toBeInstanceOf(RequestTimeoutError);
  expect((error as RequestTimeoutError).phase).toBe("send");
});

test("key files the node creates: private 0600, public not writable by others; peer table 0600", async () => {
  const mode = (f: string) => statSync(f).mode & 0o777;
  expect(mode(join(n.dir, "peer.private"))).toBe(0o600);
  expect(mode(join(n.dir, "peer.public")) & 0o022).toBe(0);
  await n.stop(); // saves the peer table
  expect(mode(peerFilePath(n.dir, "local"))).toBe(0o600);
  await n.start();
  facts.private_key_mode = mode(join(n.dir, "peer.private")).toString(8);
  facts.peer_table_mode = mode(peerFilePath(n.dir, "local")).toString(8);
});

test("no secret key in the node's debug logs, nor in keygen and status output", async () => {
  const run = (args: string[]) => {
    const r = Bun.spawnSync([process.execPath, CLI, ...args], { stdout: "pipe", stderr: "pipe" });
    const out = `${r.stdout.toString()}${r.stderr.toString()}`;
    cliOutput.push(out);
    return { code: r.exitCode, out };
  };
  const keyDir = join(root, "keygen");
  expect(run(["keygen", "--data", keyDir]).code).toBe(0);
  const status = run(["status", "--data", n.dir, "--json"]);
  expect(status.code).toBe(0);
  const secrets = [n.dir, keyDir].flatMap(secretFormsOf);
  // three forms per key: secretFormsOf gives none for a missing key file, which must fail here
  expect(secrets).toHaveLength(6);
  expect(cliOutput.filter((o) => secrets.some((s) => o.includes(s)))).toEqual([]);
  expect(secretLeaks([n])).toEqual([]);
  // The checks look at real output: the node logged at debug level and named its public key.
  expect(n.output).toContain(Buffer.from(n.publicKey).toString("hex"));
  expect(n.output).toContain("DEBUG");
  facts.secrets_in_output = 0;
  figures("security", facts);
});
