/**
 * Issue 12 items 1 and 6: a failure after the start has begun stops the whole node (exit 1, one line naming what
 * failed, nothing left behind: no node.json, no status.sock, no process); SIGHUP reopens the log file and is
 * otherwise harmless (the node keeps serving, and SIGTERM still stops it with 0).
 */
import { afterAll, expect, test } from "bun:test";
import { existsSync, readFileSync, renameSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { lines } from "../../src/bench/shared.ts";
import { CLI } from "../support/paths.ts";
import { tempDirs } from "../support/temp-dirs.ts";
import { until } from "../support/until.ts";
import { freePort } from "../support/node-process.ts";

const tempDir = tempDirs("bunmark-life-");
const procs: Subprocess[] = [];
const held: Server[] = [];
afterAll(() => {
  procs.forEach((p) => p.kill("SIGKILL"));
  held.forEach((s) => s.close());
});

test("the HTTP port taken while the node starts: exit 1 naming the address, nothing left behind", async () => {
  const dir = tempDir();
  const [peer, http] = [await freePort(), await freePort()];
  const proc = Bun.spawn([process.execPath, CLI, "run", "--data", join(dir, "d"), "--listen", `127.0.0.1:${peer}`, "--http", `127.0.0.1:${http}`], {
    stdout: "pipe",
    stderr: "pipe",
  });
  procs.push(proc);
  // After the checks, before the HTTP bind: the keys are the first thing the start writes.
  const out = lines(proc.stdout);
  for (let r = await out.next(); !r.done; r = await out.next()) {
    if (r.value.includes("keys: generated peer key pair")) break;
  }
  const s = createServer();
  await new Promise<void>((r) => s.listen({ host: "127.0.0.1", port: http, exclusive: true }, r));
  held.push(s);
  const t0 = performance.now();
  const code = await Promise.race([proc.exited, Bun.sleep(10_000).then(() => "hung")]);
  expect(code).toBe(1);
  expect(performance.now() - t0).toBeLessThan(5000);
  const err = await new Response(proc.stderr).text();
  expect(err.split("\n")[0]).toStartWith(`bunmark run: cannot serve HTTP on 127.0.0.1:${http}: `);
  expect(existsSync(join(dir, "d", "node.json"))).toBe(false);
  expect(existsSync(join(dir, "d", "status.sock"))).toBe(false);
}, 30_000);

test("SIGHUP reopens --log-file, the node keeps serving, SIGTERM stops it cleanly", async () => {
  const dir = tempDir();
  const log = join(dir, "node.log");
  const proc = Bun.spawn([process.execPath, CLI, "run", "--data", join(dir, "d"), "--listen", `127.0.0.1:${await freePort()}`, "--log-file", log], { stdout: "pipe", stderr: "pipe" });
  procs.push(proc);
  await until(() => existsSync(join(dir, "d", "node.json")) || proc.exitCode !== null, 20_000);
  expect(readFileSync(log, "utf8")).toContain("node: started");
  renameSync(log, `${log}.1`); // what logrotate does before it sends SIGHUP
  proc.kill("SIGHUP");
  await until(() => existsSync(log), 5000);
  await until(() => readFileSync(log, "utf8").includes("SIGHUP received log=reopened"), 5000);
  proc.kill("SIGHUP"); // a second one, without rotation, is as harmless
  const status = Bun.spawnSync([process.execPath, CLI, "status", "--data", join(dir, "d")]);
  expect(status.exitCode).toBe(0);
  expect(proc.exitCode).toBeNull();
  proc.kill("SIGTERM");
  expect(await proc.exited).toBe(0);
  expect(readFileSync(log, "utf8")).toContain("node: stopped");
  expect(await new Response(proc.stdout).text()).toBe(""); // every line went to the file
  expect(existsSync(join(dir, "d", "node.json"))).toBe(false);
  expect(existsSync(join(dir, "d", "status.sock"))).toBe(false);
}, 30_000);

test("SIGHUP without a log file is harmless", async () => {
  const dir = tempDir();
  const proc = Bun.spawn([process.execPath, CLI, "run", "--data", join(dir, "d"), "--listen", `127.0.0.1:${await freePort()}`], { stdout: "pipe", stderr: "pipe" });
  procs.push(proc);
  await until(() => existsSync(join(dir, "d", "node.json")) || proc.exitCode !== null, 20_000);
  proc.kill("SIGHUP");
  await Bun.sleep(300);
  expect(proc.exitCode).toBeNull();
  proc.kill("SIGTERM");
  expect(await proc.exited).toBe(0);
  expect(await new Response(proc.stdout).text()).toContain("SIGHUP received log=\"stdout (nothing to reopen)\"");
}, 30_000);

test("status --connect to a closed port: one line naming the address and the likely causes", async () => {
  const port = await freePort();
  const key = "590604e941c335032318e1eddd3d264403335e5d4cadb29fb3809dedf077cb76";
  const r = Bun.spawnSync([process.execPath, CLI, "status", "--connect", `${key}@127.0.0.1:${port}`], { stderr: "pipe" });
  expect(r.exitCode).toBe(1);
  expect(r.stderr.toString().trim()).toBe(`bunmark status: no reply from 127.0.0.1:${port} within 5 s — wrong server key or nothing listening`);
}, 30_000);
