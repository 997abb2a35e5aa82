/**
 * Splits a byte stream into top-level JSON values the way Go's json.Decoder reads a jsonrpc connection
 * (net/rpc/jsonrpc server codec, rpc.md §4.1): no separator needed (`}{`), white space (space, tab, CR, LF)
 * between values skipped. Only structure is tracked here (strings, escapes, nesting); the value's validity is
 * checked by the envelope parser (jsonrpc.ts), which reports a broken value as a framing error.
 *
 * Bounded: a value longer than `maxValueBytes` is a framing error as soon as it gets that long, so a client
 * cannot make the server buffer more than that per connection.
 *
 * Deviations from Go (both end the connection either way): a value that starts with anything but `{` or `null`
 * is an error at its first byte instead of after Go has read it whole; `null` is complete at its fourth byte.
 */

export type SplitError = "not an object" | "too large";

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NULL = Buffer.from("null");

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

export class JsonStreamSplitter {
  #buf: Buffer = Buffer.alloc(0);
  /** where the current value starts in #buf (−1: between values) */
  #start = -1;
  /** next byte of #buf to scan */
  #pos = 0;
  #depth = 0;
  #inString = false;
  #escape = false;
  #error: SplitError | null = null;

  constructor(readonly maxValueBytes: number) {}

  /** Bytes held for an incomplete value. */
  get buffered(): number {
    return this.#buf.length - (this.#start < 0 ? this.#pos : this.#start);
  }

  push(chunk: Buffer): void {
    // drop what was consumed; copy only when a partial value is carried over
    const keep = this.#start < 0 ? this.#pos : this.#start;
    if (keep >= this.#buf.length) {
      this.#buf = chunk;
      this.#pos = this.#start < 0 ? 0 : this.#pos - keep;
      if (this.#start >= 0) this.#start = 0;
      return;
    }
    this.#buf = Buffer.concat([this.#buf.subarray(keep), chunk]);
    this.#pos -= keep;
    if (this.#start >= 0) this.#start = 0;
  }

  /** The next complete value (a view valid until the next push), null if more bytes are needed, or the error. */
  next(): Buffer | null | SplitError {
    if (this.#error) return this.#error;
    const buf = this.#buf;
    let pos = this.#pos;
    const end = buf.length;
    if (this.#start < 0) {
      let first = buf[pos];
      while (first !== undefined && isSpace(first)) first = buf[++pos];
      if (first === undefined) {
        this.#pos = pos;
        return null;
      }
      if (first !== OPEN_OBJECT && first !== NULL[0]) return this.#fail("not an object");
      this.#start = pos;
      this.#depth = 0;
      this.#inString = false;
      this.#escape = false;
    }
    if (buf[this.#start] === NULL[0]) {
      // a top-level `null` decodes into an empty request (Go: no error)
      const have = Math.min(end - this.#start, 4);
      if (buf.compare(NULL, 0, have, this.#start, this.#start + have) !== 0) return this.#fail("not an object");
      if (have < 4) return null;
      return this.#complete(this.#start + 4);
    }
    let depth = this.#depth;
    let inString = this.#inString;
    let escape = this.#escape;
    const limit = Math.min(end, this.#start + this.maxValueBytes);
    for (let b = buf[pos]; b !== undefined && pos < limit; b = buf[++pos]) {
      if (inString) {
        if (escape) escape = false;
        else if (b === BACKSLASH) escape = true;
        else if (b === QUOTE) inString = false;
      } else if (b === QUOTE) inString = true;
      else if (b === OPEN_OBJECT || b === OPEN_ARRAY) depth++;
      else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
        if (--depth === 0) return this.#complete(pos + 1);
      }
    }
    if (pos - this.#start >= this.maxValueBytes) return this.#fail("too large");
    this.#pos = pos;
    this.#depth = depth;
    this.#inString = inString;
    this.#escape = escape;
    return null;
  }

  #complete(end: number): Buffer {
    const value = this.#buf.subarray(this.#start, end);
    this.#start = -1;
    this.#pos = end;
    return value;
  }

  #fail(e: SplitError): SplitError {
    this.#error = e;
    this.#buf = Buffer.alloc(0);
    this.#start = -1;
    this.#pos = 0;
    return e;
  }
}
