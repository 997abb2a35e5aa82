/**
 * What the benchmark modules share: the command line that runs this CLI again in a child process, the lines of
 * a child's output, medians, and the main thread's timer drift (bench crypto and the native tests).
 */
import { join } from "node:path";

/** bunmark's command line: this executable once compiled, else src/main.ts under this Bun (whatever the main module). */
export function cliCommand(): string[] {
  return Bun.isStandaloneExecutable ? [process.execPath] : [process.execPath, join(import.meta.dir, "..", "main.ts")];
}

/** The middle value (the mean of the two middle ones for an even count); NaN for no values. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const lower = s[(s.length - 1) >> 1];
  const upper = s[s.length >> 1];
  return lower === undefined || upper === undefined ? NaN : (lower + upper) / 2;
}

/** The lines of a child's stdout, as they come (a last unterminated line included). */
export async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream) {
    text += decoder.decode(chunk, { stream: true });
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n")) {
      yield text.slice(0, nl);
      text = text.slice(nl + 1);
    }
  }
  if (text) yield text;
}

/**
 * Runs `fn` while a `period` ms interval timer measures how late the main thread lets it fire: the worst
 * lateness over every tick, and at the end the one still due.
 */
export async function withDrift<T>(fn: () => Promise<T>, period = 10): Promise<{ result: T; drift: number }> {
  let expected = performance.now() + period;
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - expected);
    expected = now + period;
  }, period);
  try {
    const result = await fn();
    worst = Math.max(worst, performance.now() - expected);
    return { result, drift: worst };
  } finally {
    clearInterval(timer);
  }
}
