/**
 * A fake bitcoind/litecoind REST interface (`-rest`) for the payment tests, on Bun.serve: a chain of blocks in
 * bitcoind's JSON format (chaininfo, headers/1/<hash>, block/<hash> with verbose transactions), where
 * confirmations follow from the tip as bitcoind reports them (tip = 1). Transactions are kept as raw JSON text
 * so amounts are served exactly as written. Written by hand from the bitcoind REST documentation's field names
 * (the ones payment/bitcoin.go decodes); not derived from bunmark code.
 *
 *   const rest = FakeRest.start({ old: 10, recent: 10 });   // 10 blocks older than 72 h, 10 within
 *   rest.url                                               // payment.bitcoin.url
 *   rest.mine([txJson, …]);                                // a new tip holding a coinbase and these transactions
 *   rest.fault = (path) => new Response("x", { status: 500 }) | "hang" | undefined;   // hostile answers
 *   rest.requests                                          // paths asked, in order
 */
const HOUR_S = 3600;

interface Block {
  hash: string;
  height: number;
  time: number;
  txs: string[];
}

export type Fault = Response | "hang" | undefined;

let serverSeq = 0;

export class FakeRest {
  readonly blocks: Block[] = [];
  readonly requests: string[] = [];
  chain = "main";
  fault: (path: string) => Fault = () => undefined;
  readonly #server: ReturnType<typeof Bun.serve>;
  readonly #tag = ++serverSeq;
  readonly #hung: (() => void)[] = [];

  private constructor() {
    this.#server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (req) => this.#answer(req) });
  }

  static start(o: { old: number; recent: number }): FakeRest {
    const r = new FakeRest();
    const now = Math.floor(Date.now() / 1000);
    for (let i = 0; i < o.old; i++) r.#add(now - (100 + o.old - i) * HOUR_S, []);
    for (let i = 0; i < o.recent; i++) r.#add(now - (o.recent - i) * HOUR_S, []);
    return r;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#server.port}/rest`;
  }

  get tip(): Block {
    return this.blocks.at(-1)!;
  }

  mine(txs: string[] = []): Block {
    return this.#add(Math.floor(Date.now() / 1000), txs);
  }

  count(prefix: string): number {
    return this.requests.filter((p) => p.startsWith(prefix)).length;
  }

  stop(): void {
    for (const release of this.#hung.splice(0)) release();
    this.#server.stop(true);
  }

  #add(time: number, txs: string[]): Block {
    const height = this.blocks.length;
    const hash = (this.#tag * 0x100000 + height).toString(16).padStart(64, "0");
    const b = { hash, height, time, txs };
    this.blocks.push(b);
    return b;
  }

  #header(b: Block): string {
    const prev = this.blocks[b.height - 1];
    const next = this.blocks[b.height + 1];
    return JSON.stringify({
      hash: b.hash,
      confirmations: this.tip.height - b.height + 1,
      height: b.height,
      version: 536870912,
      time: b.time,
      ...(prev ? { previousblockhash: prev.hash } : {}),
      ...(next ? { nextblockhash: next.hash } : {}),
    });
  }

  #block(b: Block): string {
    const coinbase = `{"txid":"${"ff".repeat(31)}${b.height.toString(16).padStart(2, "0").slice(-2)}","vout":[{"value":6.25000000,"scriptPubKey":{"hex":"76a914","addresses":["miner"]}}]}`;
    return `${this.#header(b).slice(0, -1)},"tx":[${[coinbase, ...b.txs].join(",")}]}`;
  }

  async #answer(req: Request): Promise<Response> {
    const path = new URL(req.url).pathname;
    this.requests.push(path);
    const fault = this.fault(path);
    if (fault === "hang") return new Promise((resolve) => this.#hung.push(() => resolve(new Response("", { status: 503 }))));
    if (fault) return fault;
    const json = (text: string) => new Response(text, { headers: { "content-type": "application/json" } });
    if (path === "/rest/chaininfo.json") return json(JSON.stringify({ chain: this.chain, blocks: this.tip.height, bestblockhash: this.tip.hash }));
    let m = /^\/rest\/headers\/1\/([0-9a-f]{64})\.json$/.exec(path);
    if (m) {
      const b = this.blocks.find((x) => x.hash === m![1]);
      return json(b ? `[${this.#header(b)}]` : "[]");
    }
    m = /^\/rest\/block\/([0-9a-f]{64})\.json$/.exec(path);
    const b = m && this.blocks.find((x) => x.hash === m![1]);
    if (b) return json(this.#block(b));
    return new Response(`${path} not found`, { status: 404 });
  }
}
