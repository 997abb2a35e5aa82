/**
 * `--log-file FILE` / `log_file`: log lines appended to a file for operators who do not use journald, reopened
 * on SIGHUP so that logrotate (move, then `kill -HUP`) works. Writes are synchronous: a line is on disk before the
 * next one is formatted, and nothing is lost when the node exits right after logging.
 *
 * bunmark's own (bitmarkd rotates its own files by size and count).
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { setLogSink } from "../base/log.ts";

export interface LogFile {
  /** Closes the current descriptor and opens the path again (a rotated file is replaced by a new one). */
  reopen(): void;
  close(): void;
}

/** Sends every log line to `path` (created with mode 0640 when absent). */
export function openLogFile(path: string): LogFile {
  let fd = openSync(path, "a", 0o640);
  const restore = setLogSink((line) => writeSync(fd, line + "\n"));
  return {
    reopen() {
      const next = openSync(path, "a", 0o640);
      const old = fd;
      fd = next;
      closeSync(old);
    },
    close() {
      restore();
      closeSync(fd);
    },
  };
}
