/**
 * Direct REST source for one currency (payment/bitcoin.go, litecoin.go: `newBitcoinState`, `checkLatestBlock`,
 * `process`; payment/background.go `checker`; docs/proof.md §4.2): bitcoind/litecoind started with `-rest`,
 * `url` = its REST base (`http://127.0.0.1:18332/rest`).
 *
 * Start: GET `url/chaininfo.json` for the tip (Litecoin: `chain` must be `main` unless the Bitmark chain is
 * testing or local, else "invalid chain"). Then every check interval (60 s): GET `url/headers/1/<hash>.json`
 * and, when rest-walk.ts says so, walk GET `url/block/<hash>.json`, handing every transaction but the coinbase
 * of each block with more than 3 confirmations to the watcher. Throttle as 8.2: past 10 blocks in one walk,
 * more than 500 blocks/s → sleep 2 s.
 *
 * Deviations: in 8.2 a failed chaininfo stops bitmarkd's start-up; here the node starts and the source
 * retries with back-off (1 s doubling to the check interval), showing the error in `status` — a currency
 * node that is down or still starting must not take the Bitmark node down with it. A wrong Litecoin network
 * is a configuration error that no retry fixes: the source stops and `status` shows "invalid chain". Every
 * request has a timeout and a body limit; any HTTP, timeout or format error ends the current check, which
 * is retried with the same back-off. At most MAX_BLOCKS_PER_CHECK blocks are walked per check (a backward
 * walk that long switches to forward mode).
 */
import { type ChainName, isTestnet } from "../chain/types/chains.ts";
import { CURRENCY_LITECOIN, currencyText } from "../chain/types/currency.ts";
import type { Clock } from "../base/clock.ts";
import { logger } from "../base/log.ts";
import { getJson } from "./rest-http.ts";
import { afterBlock, afterHeader, initialWalk, parseBlock, parseChainInfo, parseHeaders, type WalkState } from "./rest-walk.ts";
import { backoff, type PaidCurrency, type PaymentSource, type SourceEvents } from "./source.ts";
import { PaymentError } from "./errors.ts";

const log = logger("payment");

// A full 4 MWU block in verbose JSON is well under this (hex doubles the bytes, the field names add less).
const MAX_BLOCK_BYTES = 32 * 1024 * 1024;
const MAX_SMALL_BYTES = 1024 * 1024;
const MAX_BLOCKS_PER_CHECK = 10_000;
const THROTTLE_AFTER = 10;
const MAXIMUM_BLOCK_RATE = 500;
const THROTTLE_SLEEP_MS = 2000;

export interface RestTiming {
  /** Between checks (8.2: 60 s). */
  checkIntervalMs: number;
  /** Per HTTP request. */
  requestTimeoutMs: number;
}

export interface RestSourceOptions {
  currency: PaidCurrency;
  url: string;
  chain: ChainName;
  clock: Clock;
  timing: RestTiming;
  events: SourceEvents;
}

export class RestSource implements PaymentSource {
  readonly #o: RestSourceOptions;
  readonly #abort = new AbortController();
  readonly #name: string;
  #state: WalkState | undefined;
  #run: Promise<void> | undefined;
  #cancelSleep: (() => void) | undefined;

  constructor(o: RestSourceOptions) {
    this.#o = o;
    this.#name = currencyText(o.currency);
  }

  start(): void {
    this.#run ??= this.#loop().catch((e) => log.error("REST source failed", { currency: this.#name, error: e }));
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    this.#cancelSleep?.();
    await this.#run;
  }

  get #stopped(): boolean {
    return this.#abort.signal.aborted;
  }

  /** Resolves after `ms`, or at once when the source stops. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const cancel = this.#o.clock.setTimer(ms, () => resolve());
      this.#cancelSleep = () => {
        cancel();
        resolve();
      };
    });
  }

  #get(path: string, maxBytes: number): Promise<unknown> {
    return getJson(`${this.#o.url}/${path}`, { timeoutMs: this.#o.timing.requestTimeoutMs, maxBytes, signal: this.#abort.signal });
  }

  #report(state: string, error?: unknown): void {
    const text = error === undefined ? undefined : error instanceof Error ? error.message : String(error);
    if (text !== undefined && !this.#stopped) log.error(`${this.#name} REST: ${state}`, { url: this.#o.url, error: text });
    this.#o.events.state(this.#o.currency, state, text);
  }

  async #loop(): Promise<void> {
    const interval = this.#o.timing.checkIntervalMs;
    for (let attempt = 0; !this.#stopped && this.#state === undefined; attempt++) {
      try {
        this.#state = await this.#chainInfo();
        this.#report("running");
      } catch (e) {
        if (e instanceof PaymentError && e.type.code === "INVALID_CHAIN") {
          this.#report("invalid chain", e);
          return;
        }
        this.#report("chaininfo failed", e);
        await this.#sleep(backoff(attempt, interval));
      }
    }
    for (let failures = 0; !this.#stopped; ) {
      await this.#sleep(failures === 0 ? interval : backoff(failures - 1, interval));
      if (this.#stopped) return;
      try {
        await this.#check();
        if (failures > 0) this.#report("running");
        failures = 0;
      } catch (e) {
        failures++;
        this.#report("check failed", e);
      }
    }
  }

  async #chainInfo(): Promise<WalkState> {
    const info = parseChainInfo(await this.#get("chaininfo.json", MAX_SMALL_BYTES));
    if (this.#o.currency === CURRENCY_LITECOIN && !isTestnet(this.#o.chain) && info.chain !== "main") {
      throw new PaymentError({ code: "INVALID_CHAIN", chain: info.chain }, "invalid chain"); // 8.2's text
    }
    log.info(`${this.#name} REST: chain tip`, { height: info.blocks, hash: info.bestblockhash });
    this.#o.events.block(this.#o.currency, info.blocks, info.bestblockhash);
    return initialWalk(info.bestblockhash);
  }

  /** One check: the header of the latest hash, then the walk when due. */
  async #check(): Promise<void> {
    let state = this.#state!;
    const h = parseHeaders(await this.#get(`headers/1/${state.latestHash}.json`, MAX_SMALL_BYTES));
    if (h !== undefined) log.debug(`${this.#name} REST: header`, { height: h.height, confirmations: h.confirmations });
    const decided = afterHeader(state, h);
    this.#state = state = decided.state;
    if (!decided.walk) return;

    const started = this.#o.clock.now();
    let next: string | undefined = state.latestHash;
    let counter = 0;
    for (let fetched = 0; next !== undefined && !this.#stopped; fetched++) {
      if (fetched >= MAX_BLOCKS_PER_CHECK) {
        log.warn(`${this.#name} REST: walk cut at ${MAX_BLOCKS_PER_CHECK} blocks`);
        this.#state = { ...state, forward: true };
        return;
      }
      const block = parseBlock(await this.#get(`block/${next}.json`, MAX_BLOCK_BYTES));
      const step = afterBlock(state, block, this.#o.clock.now());
      this.#state = state = step.state;
      if (step.inspect) {
        log.debug(`${this.#name} REST: block`, { height: block.height, hash: block.hash, txs: block.tx.length });
        for (const tx of block.tx.slice(1)) this.#o.events.transaction(this.#o.currency, tx);
        this.#o.events.block(this.#o.currency, block.height, block.hash);
        counter++;
        const seconds = (this.#o.clock.now() - started) / 1000;
        if (counter > THROTTLE_AFTER && counter / seconds > MAXIMUM_BLOCK_RATE) {
          log.info(`${this.#name} REST: throttled`, { rate: Math.round(counter / seconds) });
          await this.#sleep(THROTTLE_SLEEP_MS);
        }
      }
      next = step.next;
    }
  }
}

