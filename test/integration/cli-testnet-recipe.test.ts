/**
 * Issue 12 item 5: the README's small-test-network recipe, read from README.md and run as written (bash, with `bunmark` being this
 * checkout's CLI and the ports chosen free): three nodes on one machine, each connected to the other two,
 * `timing.minimum_clients` 2 — the two followers reach node a's height and mode Normal.
 */
import { afterAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, ROOT } from "../support/paths.ts";
import { tempDirs } from "../support/temp-dirs.ts";
import { freePort } from "../support/node-process.ts";

const tempDir = tempDirs("bunmark-recipe-");
const pids: number[] = [];
afterAll(() => pids.forEach((p) => process.kill(p, "SIGKILL")));

/**
 * The recipe as README.md gives it: the `sh` block of its section "A small test network", up to the line that
 * starts the nodes (the `status` line after it is what this test checks). Ports 2201…2203 become free ones.
 */
function readmeRecipe(): string {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("### A small test network"));
  const block = section.slice(section.indexOf("```sh\n") + 6, section.indexOf("\n```", section.indexOf("```sh\n")));
  const lines = block.split("\n");
  return lines.slice(0, lines.findIndex((l) => l.startsWith("for n in a b c; do bunmark run")) + 1).join("\n");
}

interface Status {
  ok: boolean;
  height?: number;
  normal?: boolean;
}

test("three nodes on one machine with minimum_clients 2 sync to the same height", async () => {
  const dir = tempDir();
  const ports = [await freePort(), await freePort(), await freePort()];
  const recipe = readmeRecipe().replaceAll("2201", String(ports[0])).replaceAll("2202", String(ports[1])).replaceAll("2203", String(ports[2]));
  expect(recipe).toContain("minimum_clients");
  const script = `bunmark() { ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"; }\n${recipe}\nwait`;
  const proc = Bun.spawn(["bash", "-c", script], { cwd: dir, stdout: "ignore", stderr: "pipe" });
  const status = (n: string): Status => {
    const r = Bun.spawnSync([process.execPath, CLI, "status", "--json", "--data", `${dir}/net/${n}`], { stdout: "pipe", stderr: "ignore" });
    try {
      return JSON.parse(r.stdout.toString()) as Status;
    } catch {
      return { ok: false };
    }
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    const s = ["a", "b", "c"].map(status);
    if (s.every((x) => x.ok && x.height === 11 && x.normal)) break;
    if (Date.now() > deadline) throw new Error(`not synced: ${JSON.stringify(s)}\n${readFileSync(`${dir}/net/b.log`, "utf8").slice(-3000)}`);
    await Bun.sleep(1000);
  }
  // status --peers lists b's two upstreams (key, address, direction, registered, height) and the same two nodes as incoming; the peer count leaves b out
  const peers = Bun.spawnSync([process.execPath, CLI, "status", "--peers", "--data", `${dir}/net/b`], { stdout: "pipe" }).stdout.toString();
  const keyOf = (n: string) => readFileSync(`${dir}/net/${n}/peer.public`, "utf8").trim().replace(/^PUBLIC:/, "");
  for (const [n, port] of [["a", ports[0]], ["c", ports[2]]] as const) {
    expect(peers).toMatch(new RegExp(`^outgoing  true       \\d+ +\\d+ s ago +127\\.0\\.0\\.1:${port} +${keyOf(n)}$`, "m"));
    // a and c dial b too: b lists each as incoming, with its key, its announced listener and no height
    expect(peers).toMatch(new RegExp(`^incoming  true       - +\\d+ s ago +127\\.0\\.0\\.1:${port} +${keyOf(n)}$`, "m"));
  }
  // the same rows in /status (here through the local status socket that `status --json` reads)
  const snap = JSON.parse(Bun.spawnSync([process.execPath, CLI, "status", "--json", "--data", `${dir}/net/b`], { stdout: "pipe" }).stdout.toString()) as {
    status: { peers: { direction: string; key?: string; address?: string; registered: boolean; height: number | null; lastReply: string | null }[] };
  };
  const byKey = (x: { key?: string }, y: { key?: string }) => (x.key ?? "").localeCompare(y.key ?? "");
  const incoming = snap.status.peers.filter((r) => r.direction === "incoming").map((r) => ({ ...r, lastReply: Number.isFinite(Date.parse(r.lastReply ?? "")) }));
  const expected = (["a", "c"] as const).map((n) => ({ direction: "incoming", key: keyOf(n), address: `127.0.0.1:${ports[n === "a" ? 0 : 2]}`, registered: true, height: null, lastReply: true }));
  expect(incoming.sort(byKey)).toEqual(expected.sort(byKey));
  expect(peers).not.toContain(keyOf("b"));
  expect(peers).toMatch(/^peers +2 upstream registered, \d+ incoming, 2 other nodes known$/m);
  for (const n of ["a", "b", "c"]) pids.push((JSON.parse(readFileSync(`${dir}/net/${n}/node.json`, "utf8")) as { pid: number }).pid);
  for (const p of pids.splice(0)) process.kill(p, "SIGTERM");
  expect(await proc.exited).toBe(0); // `wait` returns once the three nodes have stopped
  expect(readFileSync(`${dir}/net/b.log`, "utf8")).toContain("node: stopped");
}, 120_000);
