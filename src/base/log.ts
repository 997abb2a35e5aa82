/**
 * Structured logging with levels. One line per event: `time level subsystem message key=value…`,
 * or JSON lines when BUNMARK_LOG_FORMAT=json. Secret keys must never be passed in fields; byte fields are
 * rendered as hex, long ones cut.
 */

export const LEVELS = ["trace", "debug", "info", "warn", "error"] as const;

export function isLogLevel(s: string): s is Level {
  return (LEVELS as readonly string[]).includes(s);
}
export type Level = (typeof LEVELS)[number];

type Fields = Record<string, unknown>;

let threshold = LEVELS.indexOf((process.env.BUNMARK_LOG_LEVEL as Level) ?? "info");
if (threshold < 0) threshold = LEVELS.indexOf("info");
let json = process.env.BUNMARK_LOG_FORMAT === "json";
let sink: (line: string) => void = (line) => process.stdout.write(line + "\n");

export function setLogLevel(level: Level): void {
  threshold = LEVELS.indexOf(level);
}

/** Redirects output (tests capture lines; the CLI may send logs to stderr); returns what puts the previous sink back. */
export function setLogSink(fn: (line: string) => void, asJson = json): () => void {
  const [previousSink, previousJson] = [sink, json];
  sink = fn;
  json = asJson;
  return () => {
    sink = previousSink;
    json = previousJson;
  };
}

/** Byte fields longer than this are cut to their first half: peers choose the bytes, and must not flood the log. */
const MAX_LOGGED_BYTES = 64;

function render(v: unknown): string {
  if (v instanceof Uint8Array) {
    if (v.length <= MAX_LOGGED_BYTES) return Buffer.from(v).toString("hex");
    return `${Buffer.from(v.subarray(0, MAX_LOGGED_BYTES / 2)).toString("hex")}…(${v.length} bytes)`;
  }
  if (typeof v === "string") return /[\s"=]/.test(v) ? JSON.stringify(v) : v;
  if (v instanceof Error) return JSON.stringify(v.message);
  return String(v);
}

export interface Logger {
  trace(msg: string, fields?: Fields): void;
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
}

export function logger(subsystem: string): Logger {
  const emit = (level: Level, msg: string, fields?: Fields) => {
    if (LEVELS.indexOf(level) < threshold) return;
    const time = new Date().toISOString();
    if (json) {
      const obj: Fields = { time, level, sub: subsystem, msg };
      for (const [k, v] of Object.entries(fields ?? {})) obj[k] = v instanceof Uint8Array || v instanceof Error || typeof v === "bigint" ? render(v) : v;
      sink(JSON.stringify(obj));
      return;
    }
    let line = `${time} ${level.toUpperCase().padEnd(5)} ${subsystem}: ${msg}`;
    for (const [k, v] of Object.entries(fields ?? {})) line += ` ${k}=${render(v)}`;
    sink(line);
  };
  return {
    trace: (m, f) => emit("trace", m, f),
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
  };
}
