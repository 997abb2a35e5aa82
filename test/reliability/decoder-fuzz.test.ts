/**
 * In-process decoder fuzzing: every decoder that reads bytes or text from outside (peers, files, the command
 * line) gets random inputs and mutations of valid ones (fixtures, blocks of a generated chain). Nothing may
 * escape but the decoder's documented error: a Fault (bitmarkd's texts), or the typed errors named in the
 * table (PortSyntaxError, HexDecodeError, ConfigError, the `z85:` errors).
 */
import { beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { accountFromBytes, accountFromString, accountToBytes, accountToString } from "../../src/chain/types/account.ts";
import { decodeBase58 } from "../../src/encoding/base58.ts";
import { decodeBlock } from "../../src/chain/types/block.ts";
import { unpackCurrencyMap } from "../../src/chain/types/currency.ts";
import { checkHeader } from "../../src/chain/types/header.ts";
import { recordJSON } from "../../src/chain/types/records/json.ts";
import { unpackRecord } from "../../src/chain/types/records/unpack.ts";
import { clippedVarint, decodeVarint } from "../../src/encoding/varint.ts";
import { buildConfig, ConfigError, type ConfigFlags } from "../../src/node/config.ts";
import { isFault } from "../../src/base/fault.ts";
import { parseConnection, PortSyntaxError, isSafeFor82, unpack46, unpackAll } from "../../src/peer/address.ts";
import { parseTxtRecord } from "../../src/peer/announce/dns.ts";
import { JsonPeerFile } from "../../src/peer/announce/store.ts";
import { HexDecodeError, parseKeyFile, parsePrivateKeyFile, parsePublicKeyFile } from "../../src/transport/key-file.ts";
import { z85Decode } from "../../src/transport/z85.ts";
import configFixture from "../fixtures/reliability-configs.json";
import blocksFixture from "../fixtures/blocks-testing-chain.json";
import canonicalFixture from "../fixtures/canonical.json";
import currencyFixture from "../fixtures/primitives-currency.json";
import dnsFixture from "../fixtures/dns-txt.json";
import recordsFixture from "../fixtures/records-transactions.json";
import varintFixture from "../fixtures/primitives-varint.json";
import keysFixture from "../fixtures/wire-keys.json";
import { cachedChain, loadChain } from "../support/harness/chains.ts";
import { mutate, mutateJson, mutateText, randomJson, randomText } from "../support/harness/mutate.ts";
import { figures, PROFILE, quietLogsWhileRunning, SEED, withSeed } from "../support/harness/profile.ts";
import { Rng } from "../support/harness/rng.ts";
import { fromHex } from "../support/hex.ts";
import { tempDirs } from "../support/temp-dirs.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** Every string under a key named `key` anywhere in `json` (fixture harvesting). */
function valuesOf(json: unknown, key: string): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (k === key && typeof x === "string") out.push(x);
        else walk(x);
      }
    }
  };
  walk(json);
  return out;
}

interface Decoder {
  readonly name: string;
  /** valid (or interesting) inputs to mutate */
  readonly seeds: readonly (Uint8Array | string | unknown)[];
  readonly kind: "bytes" | "text" | "json";
  /** decodes; a returned string is a violated property */
  decode(input: never, r: Rng): unknown;
  /** the errors this decoder is documented to throw */
  allowed(e: unknown): boolean;
}

const onlyFaults = (e: unknown) => isFault(e);
const nothing = () => false;

const root = tempDirs("bunmark-rel-decoders-")();
let decoders: Decoder[];

quietLogsWhileRunning("error"); // malformed peer files are logged at warn, once per input

beforeAll(async () => {
  const chain = await loadChain(await cachedChain({ blocks: PROFILE.slowChainBlocks, seed: "reliability", base: PROFILE.chainBlocks }));
  const generatedBlocks = chain.blocks.slice(2);
  const generatedRecords = generatedBlocks.flatMap((b) => decodeBlock(b, true).records);
  const owners = generatedRecords.flatMap((r) => ("owner" in r.record ? [r.record.owner] : []));
  const records = [...generatedRecords.map((r) => r.packed), ...valuesOf(recordsFixture, "packed_hex").map(fromHex)];
  const blocks = [...generatedBlocks, ...valuesOf(blocksFixture, "block_hex").map(fromHex)];
  const connections = [...canonicalFixture.parse.map((c) => c.text), ...canonicalFixture.errors.map((c) => c.text)];
  const keyFiles = [keysFixture.pair.public_file, keysFixture.pair.private_file].map((s) => new TextEncoder().encode(s));
  const peerFile = join(root, "peers.json");
  await new JsonPeerFile(peerFile).save(
    generatedRecords.slice(0, 3).map((r, i) => ({ publicKey: r.txId, listeners: fromHex(canonicalFixture.parse[i]!.packed_hex), timestamp: Date.now() })),
  );

  decoders = [
    {
      name: "unpackRecord",
      seeds: records,
      kind: "bytes",
      decode: (b: Uint8Array, r: Rng) => {
        const { record, consumed } = unpackRecord(b, r.chance(0.8));
        recordJSON(record); // a decoded record must also render
        return consumed > 0 && consumed <= b.length ? undefined : `consumed ${consumed} of ${b.length}`;
      },
      allowed: onlyFaults,
    },
    { name: "decodeBlock", seeds: blocks, kind: "bytes", decode: (b: Uint8Array, r: Rng) => void decodeBlock(b, r.chance(0.8)), allowed: onlyFaults },
    { name: "checkHeader", seeds: blocks, kind: "bytes", decode: (b: Uint8Array) => void checkHeader(b, Date.now() / 1000), allowed: onlyFaults },
    {
      name: "varint",
      seeds: valuesOf(varintFixture, "hex").map(fromHex),
      kind: "bytes",
      decode: (b: Uint8Array, r: Rng) => {
        const { count } = decodeVarint(b);
        const min = r.below(300);
        const clipped = clippedVarint(b, min, min + 1 + r.below(100_000));
        return count <= Math.min(9, b.length) && clipped.count <= count ? undefined : `count ${count}/${clipped.count} of ${b.length} bytes`;
      },
      allowed: nothing,
    },
    {
      name: "unpackCurrencyMap",
      seeds: valuesOf(currencyFixture, "packed_hex").map(fromHex),
      kind: "bytes",
      decode: (b: Uint8Array, r: Rng) => void unpackCurrencyMap(b, r.chance(0.8)),
      allowed: onlyFaults,
    },
    { name: "accountFromBytes", seeds: owners.map(accountToBytes), kind: "bytes", decode: (b: Uint8Array) => void accountFromBytes(b), allowed: onlyFaults },
    {
      name: "accountFromString",
      seeds: owners.map(accountToString),
      kind: "text",
      decode: (s: string) => void accountFromString(s),
      allowed: onlyFaults,
    },
    { name: "decodeBase58", seeds: [...valuesOf(recordsFixture, "account"), "1111", ""], kind: "text", decode: (s: string) => void decodeBase58(s), allowed: nothing },
    { name: "parseConnection", seeds: connections, kind: "text", decode: (s: string) => void parseConnection(s), allowed: (e) => isFault(e) || e instanceof PortSyntaxError },
    {
      name: "packed listeners",
      seeds: [...valuesOf(canonicalFixture, "packed_hex").map(fromHex)],
      kind: "bytes",
      // no property to check on the results: none of the three may throw (allowed: nothing)
      decode: (b: Uint8Array) => {
        unpack46(b);
        unpackAll(b);
        isSafeFor82(b);
      },
      allowed: nothing,
    },
    {
      name: "key files",
      seeds: keyFiles,
      kind: "bytes",
      decode: (b: Uint8Array, r: Rng) => void [parseKeyFile, parsePublicKeyFile, parsePrivateKeyFile][r.below(3)]!(b),
      allowed: (e) => isFault(e) || e instanceof HexDecodeError,
    },
    {
      name: "z85Decode",
      seeds: keysFixture.z85.map((z) => z.text),
      kind: "text",
      decode: (s: string) => void z85Decode(s),
      allowed: (e) => e instanceof Error && e.message.startsWith("z85: "),
    },
    { name: "parseTxtRecord", seeds: dnsFixture.cases.map((c) => c.txt), kind: "text", decode: (s: string) => void parseTxtRecord(s), allowed: onlyFaults },
    {
      name: "peer file",
      seeds: [await Bun.file(peerFile).text()],
      kind: "text",
      decode: async (s: string) => {
        writeFileSync(peerFile, s);
        await new JsonPeerFile(peerFile).load();
      },
      allowed: nothing,
    },
    {
      name: "buildConfig",
      seeds: configFixture.configs,
      kind: "json",
      decode: (file: unknown, r: Rng) => {
        const flags = structuredClone(r.pick(configFixture.flags)) as ConfigFlags;
        if (r.chance(0.3)) (flags as unknown as Record<string, unknown>)[r.pick(["chain", "data", "http", "logLevel"])] = randomText(r, 30);
        if (r.chance(0.3)) flags.connect = [mutateText(r, flags.connect[0] ?? "0123456789abcdef@127.0.0.1:1")];
        buildConfig(file, flags, "/tmp");
      },
      allowed: (e) => e instanceof ConfigError,
    },
  ];
}, 1_800_000);

/** One input for `d`: a seed as is (rarely), a mutated seed, or something random of the decoder's kind. */
function input(d: Decoder, r: Rng): unknown {
  const seed = d.seeds.length > 0 ? r.pick(d.seeds) : undefined;
  const fresh = seed === undefined || r.chance(0.3);
  switch (d.kind) {
    case "bytes":
      if (fresh) return r.bytes(r.length(r.chance(0.05) ? 200_000 : 2000));
      return r.chance(0.05) ? seed : mutate(r, mutate(r, seed as Uint8Array));
    case "text":
      if (fresh) return r.chance(0.5) ? randomText(r, 200) : text(r.bytes(r.length(200)));
      return r.chance(0.05) ? seed : mutateText(r, seed as string);
    case "json":
      if (fresh) return randomJson(r, 3);
      return r.chance(0.05) ? seed : mutateJson(r, mutateJson(r, seed));
  }
}

test(
  "decoders throw only their documented errors, on random and mutated valid inputs",
  () =>
    withSeed("decoder fuzz", async () => {
      const rng = new Rng(SEED).fork("decoders");
      const escapes: string[] = [];
      const rows: string[] = [];
      let total = 0;
      for (const d of decoders) {
        const r = rng.fork(d.name);
        let accepted = 0;
        let refused = 0;
        // File-backed decoders are slower; fewer inputs keep the suite short.
        const count = d.name === "peer file" ? Math.ceil(PROFILE.decoderInputs / 10) : PROFILE.decoderInputs;
        for (let i = 0; i < count; i++) {
          const x = input(d, r);
          try {
            const broken = await d.decode(x as never, r);
            if (typeof broken === "string") escapes.push(`${d.name} #${i}: ${broken}`);
            accepted++;
          } catch (e) {
            if (d.allowed(e)) refused++;
            else escapes.push(`${d.name} #${i}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)} on ${show(x)}`);
          }
        }
        total += count;
        rows.push(`${d.name}:${accepted}/${refused}`);
      }
      figures("decoder fuzz", { inputs: total, decoders: decoders.length, escaped_errors: escapes.length, "accepted/refused": rows.join(",") });
      expect(escapes.slice(0, 10)).toEqual([]);
    }),
  600_000,
);

function show(x: unknown): string {
  if (x instanceof Uint8Array) return `hex ${Buffer.from(x.subarray(0, 200)).toString("hex")}${x.length > 200 ? `…(${x.length})` : ""}`;
  return JSON.stringify(x)?.slice(0, 300) ?? String(x);
}
