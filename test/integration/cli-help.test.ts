/**
 * Issue 12 items 3 and 10: `--help` for every command and subcommand (exit 0; flags, defaults, one example),
 * `bunmark --help` listing the commands, the benchmark flags documented, `--version` with commit and build date,
 * and `bunmark completion bash`. The flags are read from each command's table, so help and parser cannot drift.
 */
import { expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { COMMANDS } from "../../src/cli/commands.ts";
import type { CommandSpec } from "../../src/cli/args.ts";
import { CLI, ROOT } from "../support/paths.ts";

function cli(...args: string[]) {
  const r = Bun.spawnSync([process.execPath, CLI, ...args], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
}

const specs: CommandSpec[] = [];
for (const c of Object.values(COMMANDS)) {
  const m = await c.load();
  specs.push(...(m.specs ?? (m.spec ? [m.spec] : [])));
}

test("every command has a flag table", () => {
  for (const name of Object.keys(COMMANDS)) expect(specs.some((s) => s.name === name || s.name.startsWith(`${name} `))).toBe(true);
});

test("bunmark --help lists every command (exit 0)", () => {
  const r = cli("--help");
  expect(r.code).toBe(0);
  for (const name of Object.keys(COMMANDS)) expect(r.out).toMatch(new RegExp(`^  ${name} `, "m"));
});

for (const spec of specs) {
  test(`bunmark ${spec.name} --help: usage, every flag with its default, an example`, () => {
    const r = cli(...spec.name.split(" "), "--help");
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    expect(r.out).toStartWith(`bunmark ${spec.name}: `);
    expect(r.out).toContain(`usage: bunmark ${spec.name}`);
    expect(r.out).toMatch(/\nexample:\n  .*bunmark /);
    for (const f of spec.flags) {
      expect(r.out).toContain(`--${f.name}${f.value ? ` ${f.value}` : ""}`);
      if (f.default !== undefined) expect(r.out).toContain(`default: ${f.default}`);
    }
  });
}

test("benchmark flags are documented: bench crypto --runs/--quick, bench wire --quick/--seconds", () => {
  expect(cli("bench", "crypto", "--help").out).toContain("--runs N");
  expect(cli("bench", "crypto", "--help").out).toContain("--quick");
  const wire = cli("bench", "wire", "--help").out;
  expect(wire).toContain("--quick");
  expect(wire).toContain("--seconds S");
  expect(cli("bench", "--help").out).toContain("crypto  ");
});

test("run --help shows every configuration key and the timing table", () => {
  const out = cli("run", "--help").out;
  for (const key of ["chain", "data_directory", "peering", "timing", "log_file", "http"]) expect(out).toMatch(new RegExp(`^  ${key} `, "m"));
  expect(out).toMatch(/^ {2}minimum_clients +count +default 3 /m);
});

test("--version: version, commit and build date", () => {
  const r = cli("--version");
  expect(r.code).toBe(0);
  expect(r.out.trim()).toMatch(/^bunmark \d+\.\d+\.\d+ \(commit [0-9a-z.-]+, built (source|\d{4}-\d{2}-\d{2}[^;]*); bitmarkd 8\.2 peer protocol\)$/);
});

test("completion bash: a script bash accepts, completing commands and each command's flags", () => {
  const r = cli("completion", "bash");
  expect(r.code).toBe(0);
  expect(r.out).toContain("complete -F _bunmark bunmark");
  expect(r.out).toMatch(/run\) words="[^"]*--listen[^"]*--log-file/);
  expect(r.out).toMatch(/bench\) words="crypto chain wire sync[^"]*--runs/);
  const check = Bun.spawnSync(["bash", "-n"], { stdin: new TextEncoder().encode(r.out), stderr: "pipe" });
  expect(check.stderr.toString()).toBe("");
  expect(check.exitCode).toBe(0);
  // completing `bunmark run --li`
  const script = `${r.out}\nCOMP_WORDS=(bunmark run --li); COMP_CWORD=2; _bunmark; echo "\${COMPREPLY[@]}"`;
  const done = Bun.spawnSync(["bash", "-c", script], { stdout: "pipe" });
  expect(done.stdout.toString().trim()).toBe("--listen");
});

test("status --json prints JSON also when it fails (and the one-line error on stderr)", () => {
  const r = cli("status", "--json", "--data", "/nonexistent-bunmark-data");
  expect(r.code).toBe(1);
  expect(JSON.parse(r.out)).toEqual({ ok: false, error: "no running node found in /nonexistent-bunmark-data (start one with `bunmark run`, or use --connect KEY@HOST:PORT)" });
  expect(r.err.split("\n")[0]).toBe("bunmark status: no running node found in /nonexistent-bunmark-data (start one with `bunmark run`, or use --connect KEY@HOST:PORT)");
});

test("status and rpc against a node.json without the listener they need: exit 1, one line naming what is missing", () => {
  const dir = mkdtempSync(join(tmpdir(), "bunmark-status-"));
  try {
    writeFileSync(join(dir, "node.json"), JSON.stringify({ chain: "local", publicKey: "00".repeat(32), listen: [] }));
    const status = cli("status", "--data", dir);
    expect(status.code).toBe(1);
    expect(status.err.trim()).toBe(`bunmark status: the node in ${dir} listens for no peers (peering.listen is empty)`);
    const rpc = cli("rpc", "Node.Info", "--data", dir);
    expect(rpc.code).toBe(1);
    expect(rpc.err.trim()).toBe(`bunmark rpc: the node in ${dir} has no client RPC (set client_rpc.listen)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
