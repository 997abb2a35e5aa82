/**
 * Drives test/support/fake-discovery.py (an independent pyzmq discovery proxy: PUB + REP, no CURVE).
 *
 *   const proxy = await FakeDiscovery.start();          // or start({ pub: proxy.pub, rep: proxy.rep }) to restart on the same ports
 *   proxy.sub / proxy.req                               // host:port for payment.discovery.sub_endpoint / req_endpoint
 *   await proxy.send({ past: { BTC: "[…]" } });          // acknowledged once the proxy has applied it
 *   await proxy.publish("BTC", txJson);
 *   await proxy.waitForRequests(2);  proxy.requests     // every back-fill request as frame texts
 *   await proxy.stop();
 */
import type { Subprocess } from "bun";
import { join } from "node:path";

const SCRIPT = join(import.meta.dir, "fake-discovery.py");

export class FakeDiscovery {
  readonly requests: string[][] = [];
  readonly #waiters: (() => void)[] = [];
  #acks: (() => void)[] = [];

  private constructor(
    readonly proc: Subprocess<"pipe", "pipe", "inherit">,
    readonly pub: string,
    readonly rep: string,
  ) {}

  /** `host:port` of the PUB socket. */
  get sub(): string {
    return this.pub.replace(/^tcp:\/\//, "");
  }

  get req(): string {
    return this.rep.replace(/^tcp:\/\//, "");
  }

  static async start(bind = { pub: "tcp://127.0.0.1:*", rep: "tcp://127.0.0.1:*" }): Promise<FakeDiscovery> {
    const proc = Bun.spawn(["/usr/bin/python3", SCRIPT, JSON.stringify(bind)], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
    const lines = readLines(proc.stdout);
    const first = await lines.next();
    if (first.done) throw new Error("fake-discovery.py exited before binding");
    const ready = (JSON.parse(first.value) as { ready: { pub: string; rep: string } }).ready;
    const proxy = new FakeDiscovery(proc, ready.pub, ready.rep);
    void (async () => {
      for await (const line of lines) {
        const msg = JSON.parse(line) as { request?: string[]; ack?: true };
        if (msg.request) {
          proxy.requests.push(msg.request);
          for (const w of proxy.#waiters.splice(0)) w();
        }
        if (msg.ack) proxy.#acks.shift()?.();
      }
    })();
    return proxy;
  }

  send(cmd: Record<string, unknown>): Promise<void> {
    const acked = new Promise<void>((resolve) => this.#acks.push(resolve));
    this.proc.stdin.write(JSON.stringify(cmd) + "\n");
    this.proc.stdin.flush();
    return acked;
  }

  publish(...frames: string[]): Promise<void> {
    return this.send({ publish: frames });
  }

  async waitForRequests(n: number, ms = 15_000): Promise<void> {
    const end = Date.now() + ms;
    while (this.requests.length < n) {
      if (Date.now() > end) throw new Error(`fake discovery: ${this.requests.length} of ${n} requests`);
      await Promise.race([new Promise<void>((r) => this.#waiters.push(r)), Bun.sleep(100)]);
    }
  }

  async stop(): Promise<void> {
    this.proc.kill();
    await this.proc.exited;
  }
}

async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    for (let i = buffered.indexOf("\n"); i >= 0; i = buffered.indexOf("\n")) {
      yield buffered.slice(0, i);
      buffered = buffered.slice(i + 1);
    }
  }
}
