/**
 * Seeded pseudo-random numbers for the reliability harnesses (xoshiro128**, seeded through splitmix32 from a
 * text seed): the same seed replays the same fuzz inputs, kill moments and load mix.
 */

function splitmix32(state: number): () => number {
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a of the seed text: the splitmix start state. */
function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class Rng {
  readonly #s: Uint32Array;

  constructor(readonly seed: string) {
    const mix = splitmix32(hashText(seed));
    this.#s = Uint32Array.from([mix(), mix(), mix(), mix()]);
  }

  /** A generator for one sub-task, independent of how many numbers this one has drawn. */
  fork(label: string): Rng {
    return new Rng(`${this.seed}/${label}`);
  }

  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    const [s0, s1, s2, s3] = [this.#s[0]!, this.#s[1]!, this.#s[2]!, this.#s[3]!];
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    this.#s.set([s0 ^ n3, s1 ^ n2, n2 ^ t, rotl(n3, 11)]);
    return result;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 2 ** 32;
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  between(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }

  /** Picks by weight: `[[weight, value], …]`. */
  weighted<T>(table: readonly (readonly [number, T])[]): T {
    let r = this.float() * table.reduce((sum, [w]) => sum + w, 0);
    for (const [w, v] of table) {
      if ((r -= w) < 0) return v;
    }
    return table[table.length - 1]![1];
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const v = this.u32();
      for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = v >>> (8 * j);
    }
    return out;
  }

  /** A length skewed towards small values (most decoders fail early; some inputs should be long). */
  length(max: number): number {
    return Math.min(max, Math.floor(max ** this.float()) - 1 + this.below(2));
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
