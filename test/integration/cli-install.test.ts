/**
 * Issue 12 item 8: `make install` (PREFIX and DESTDIR honoured; the executable as bin/bunmark, the unit, the sample
 * configuration kept once edited), the unit accepted by `systemd-analyze verify`, and `bunmark config check` of the
 * sample configuration (defaults filled in, relative paths against the file's folder).
 */
import { expect, test } from "bun:test";
import { chmodSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, ROOT } from "../support/paths.ts";
import { tempDirs } from "../support/temp-dirs.ts";

const tempDir = tempDirs("bunmark-install-");
const systemdAnalyze = Bun.which("systemd-analyze");

/** A stand-in executable (building the real one takes minutes): runs this checkout's CLI. */
function fakeExecutable(dir: string): string {
  const path = join(dir, "bunmark-exe");
  writeFileSync(path, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

function make(...args: string[]) {
  const r = Bun.spawnSync(["make", "-s", "install", ...args], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
}

test("make install DESTDIR=…: bin/bunmark, the unit with the installed paths, the sample configuration", () => {
  const dest = tempDir();
  const r = make(`DESTDIR=${dest}`, `EXE=${fakeExecutable(tempDir())}`);
  expect(r.err).toBe("");
  expect(r.code).toBe(0);
  const bin = join(dest, "usr/local/bin/bunmark");
  expect(statSync(bin).mode & 0o777).toBe(0o755);
  const unit = readFileSync(join(dest, "usr/local/lib/systemd/system/bunmark.service"), "utf8");
  expect(unit).toContain("ExecStart=/usr/local/bin/bunmark run --config /etc/bunmark/bunmark.json\n");
  expect(unit).toContain("DynamicUser=yes\n");
  expect(unit).toContain("StateDirectory=bunmark\n");
  expect(unit).not.toContain("@");
  const config = join(dest, "etc/bunmark/bunmark.json");
  expect(readFileSync(config, "utf8")).toBe(readFileSync(join(ROOT, "contrib/bunmark.json"), "utf8"));
  // the installed command runs
  const v = Bun.spawnSync([bin, "--version"]);
  expect(v.stdout.toString()).toStartWith("bunmark ");
  // an edited configuration survives a second install
  writeFileSync(config, '{"chain": "bitmark"}\n');
  expect(make(`DESTDIR=${dest}`, `EXE=${fakeExecutable(tempDir())}`).code).toBe(0);
  expect(readFileSync(config, "utf8")).toBe('{"chain": "bitmark"}\n');
});

test("make install PREFIX=… without the executable: one line saying to build it first, exit non-zero", () => {
  const r = make(`DESTDIR=${tempDir()}`, "EXE=/nonexistent/bunmark");
  expect(r.code).not.toBe(0);
  expect(r.err.split("\n")[0]).toBe("make install: /nonexistent/bunmark not built: run make dist first (as yourself, not as root)");
});

test.skipIf(!systemdAnalyze)(`systemd-analyze verify accepts the installed unit${systemdAnalyze ? "" : " (skipped: no systemd-analyze on this machine)"}`, () => {
  const root = tempDir();
  expect(make(`PREFIX=${root}/usr`, `SYSCONFDIR=${root}/etc`, `EXE=${fakeExecutable(tempDir())}`).code).toBe(0);
  const unit = join(root, "usr/lib/systemd/system/bunmark.service");
  const r = Bun.spawnSync([systemdAnalyze!, "verify", unit], { stdout: "pipe", stderr: "pipe" });
  expect(r.stderr.toString()).toBe("");
  expect(r.exitCode).toBe(0);
  // and it can fail: a misspelt directive and a missing executable are reported
  writeFileSync(unit, readFileSync(unit, "utf8").replace("DynamicUser=yes", "DynamicUsr=yes").replace(`${root}/usr/bin/bunmark`, "/nonexistent/bunmark"));
  const bad = Bun.spawnSync([systemdAnalyze!, "verify", unit], { stdout: "pipe", stderr: "pipe" });
  expect(bad.exitCode).not.toBe(0);
  expect(bad.stderr.toString()).toContain("Unknown key 'DynamicUsr'");
});

test("config check of the sample: the effective configuration, every default filled in; no documentation addresses", () => {
  const r = Bun.spawnSync([process.execPath, CLI, "config", "check", join(ROOT, "contrib/bunmark.json")], { stdout: "pipe", stderr: "pipe" });
  expect(r.stderr.toString()).toBe("");
  expect(r.exitCode).toBe(0);
  const cfg = JSON.parse(r.stdout.toString());
  expect(cfg).toMatchObject({ chain: "testing", data_directory: "/var/lib/bunmark", nodes: "chain", timing: {}, listen_is_default: false });
  expect(cfg.peering.public_key).toBe("/var/lib/bunmark/peer.public");
  expect(cfg.peering.connect).toEqual([]);
  expect(readFileSync(join(ROOT, "contrib/bunmark.json"), "utf8")).not.toMatch(/192\.0\.2\.|198\.51\.100\.|203\.0\.113\./);
});

test("config check: a relative data_directory is resolved against the configuration file's folder; errors exit 1", () => {
  const dir = tempDir();
  writeFileSync(join(dir, "b.json"), JSON.stringify({ data_directory: "state", peering: { connect: [{ public_key: "ab".repeat(32), address: "192.0.2.20:2136" }] } }));
  const r = Bun.spawnSync([process.execPath, CLI, "config", "check", join(dir, "b.json")], { cwd: "/", stdout: "pipe", stderr: "pipe" });
  expect(r.exitCode).toBe(0);
  expect(JSON.parse(r.stdout.toString()).data_directory).toBe(join(dir, "state"));
  expect(r.stderr.toString()).toBe(`warning: peering.connect[0] 192.0.2.20:2136 is a documentation address (RFC 5737/3849): nothing answers there; replace it\n`);
  writeFileSync(join(dir, "c.json"), JSON.stringify({ peering: { lisen: [] } }));
  const bad = Bun.spawnSync([process.execPath, CLI, "config", "check", join(dir, "c.json")], { stdout: "pipe", stderr: "pipe" });
  expect(bad.exitCode).toBe(1);
  expect(bad.stderr.toString()).toBe(`bunmark config: ${join(dir, "c.json")}: peering.lisen: unknown key (did you mean listen?)\n`);
});
