/**
 * Sizes of the reliability suites. `make test` runs the short profile (a few minutes on 2 cores);
 * `BUNMARK_TEST_PROFILE=long` (`make test-long`) the full one. `BUNMARK_RELIABILITY_SEED` replays a run:
 * every suite prints the seed it used, and prints it again when it fails.
 */
import { afterAll, beforeAll } from "bun:test";
import { randomBytes } from "node:crypto";
import { LEVELS, type Level, setLogLevel } from "../../../src/base/log.ts";

const LONG = process.env.BUNMARK_TEST_PROFILE === "long";

export const SEED = process.env.BUNMARK_RELIABILITY_SEED ?? randomBytes(6).toString("hex");

export interface Profile {
  /** blocks of the generated chain the sync, crash and load suites use */
  readonly chainBlocks: number;
  /** the fork chain: same as the main one up to `forkAt`, `forkBlocks` blocks in all */
  readonly forkAt: number;
  readonly forkBlocks: number;
  /** listener fuzzing */
  readonly fuzzRequests: number;
  readonly fuzzClients: number;
  /** in-process decoder fuzzing: inputs per decoder */
  readonly decoderInputs: number;
  /** SIGKILLs of a syncing node, and of a node during fork recovery */
  readonly syncKills: number;
  readonly forkKills: number;
  /** load: concurrent clients and duration */
  readonly loadClients: number;
  readonly loadSeconds: number;
  /** slow/hung upstreams: blocks synchronised, delay of the slow peer */
  readonly slowChainBlocks: number;
  readonly slowDelayMs: number;
}

export const PROFILE: Profile = LONG
  ? {
      chainBlocks: 500,
      forkAt: 440,
      forkBlocks: 480,
      fuzzRequests: 10_000,
      fuzzClients: 6,
      decoderInputs: 20_000,
      syncKills: 24,
      forkKills: 20,
      loadClients: 32,
      loadSeconds: 30,
      slowChainBlocks: 60,
      slowDelayMs: 5_000,
    }
  : {
      chainBlocks: 60,
      forkAt: 30,
      forkBlocks: 50,
      fuzzRequests: 1_500,
      fuzzClients: 4,
      decoderInputs: 2_500,
      syncKills: 8,
      forkKills: 5,
      loadClients: 32,
      loadSeconds: 5,
      slowChainBlocks: 15,
      slowDelayMs: 4_000,
    };

/** Runs `fn`; on failure prints the seed (and what to set to replay it) before rethrowing. */
export async function withSeed<T>(suite: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    console.error(`[${suite}] FAILED with seed ${SEED}: replay with BUNMARK_RELIABILITY_SEED=${SEED}${LONG ? " BUNMARK_TEST_PROFILE=long" : ""}`);
    throw e;
  }
}

/** The one-line figures of a suite (the lead copies them into the README). */
export function figures(suite: string, values: Record<string, string | number>): void {
  const text = Object.entries(values).map(([k, v]) => `${k}=${v}`).join(" ");
  console.log(`[reliability] ${suite} (${LONG ? "long" : "short"} profile, seed ${SEED}): ${text}`);
}

/**
 * Quiets the test process's own logs (store opened, chain generator) for a suite; the returned function
 * restores the process default, so suites that run later in the same process see it unchanged.
 */
export function quietLogs(level: Level = "warn"): () => void {
  setLogLevel(level);
  const initial = process.env.BUNMARK_LOG_LEVEL ?? "";
  return () => setLogLevel((LEVELS as readonly string[]).includes(initial) ? (initial as Level) : "info");
}

/** `quietLogs(level)` from the first test of the current scope (the file, or the describe it is called in) to after its last. */
export function quietLogsWhileRunning(level: Level = "warn"): void {
  let restore: () => void = () => undefined;
  beforeAll(() => {
    restore = quietLogs(level);
  });
  afterAll(() => restore());
}
