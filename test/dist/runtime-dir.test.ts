/**
 * src/runtime-dir.ts: reading /proc/self/mountinfo and choosing where a compiled binary unpacks its native
 * libraries. The real noexec case runs in test/dist-binary.test.ts (make test-dist).
 */
import { describe, expect, test } from "bun:test";
import { chooseRuntimeDir, mountOf, parseMountinfo, type RuntimeDirSource } from "../../src/base/runtime-dir.ts";

const MOUNTINFO = [
  "24 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
  "25 24 0:22 / /proc rw,nosuid,nodev,noexec,relatime shared:2 - proc proc rw",
  "30 24 0:26 / /tmp rw,nosuid,nodev,noexec shared:5 - tmpfs tmpfs rw",
  "31 24 0:27 / /run/user/1000 rw,nosuid,nodev,relatime shared:6 - tmpfs tmpfs rw,mode=700",
  "32 24 0:28 / /mnt/with\\040space rw,noexec - tmpfs tmpfs rw",
  "33 24 0:29 / /srv rw,noexec - tmpfs tmpfs rw",
  "34 33 0:30 / /srv rw,relatime - tmpfs tmpfs rw",
  "",
].join("\n");

const mounts = parseMountinfo(MOUNTINFO);

describe("parseMountinfo", () => {
  test("mount points with their noexec flag, octal escapes decoded", () => {
    expect(mounts).toEqual([
      { point: "/", noexec: false },
      { point: "/proc", noexec: true },
      { point: "/tmp", noexec: true },
      { point: "/run/user/1000", noexec: false },
      { point: "/mnt/with space", noexec: true },
      { point: "/srv", noexec: true },
      { point: "/srv", noexec: false },
    ]);
  });

  test("a short or empty line is ignored", () => {
    expect(parseMountinfo("garbage\n\n1 2 3")).toEqual([]);
  });
});

describe("mountOf", () => {
  const cases: [string, string, boolean][] = [
    ["/tmp", "/tmp", true],
    ["/tmp/x/y", "/tmp", true],
    ["/tmpfoo", "/", false],
    ["/var/tmp", "/", false],
    ["/run/user/1000/bun", "/run/user/1000", false],
    ["/mnt/with space/a", "/mnt/with space", true],
    // stacked on the same point: the later mount is the visible one
    ["/srv/data", "/srv", false],
  ];
  for (const [path, point, noexec] of cases) {
    test(`${path} is on ${point} (noexec ${noexec})`, () => {
      expect(mountOf(path, mounts)).toEqual({ point, noexec });
    });
  }

  test("no mounts, no answer", () => {
    expect(mountOf("/tmp", [])).toBeUndefined();
  });
});

describe("chooseRuntimeDir", () => {
  const execOn = (...dirs: string[]) => (dir: string) => dirs.includes(dir);
  const cases: {
    name: string;
    env: Record<string, string>;
    exec: string[];
    want: [string, RuntimeDirSource];
  }[] = [
    { name: "operator's choice wins, even where nothing is checked", env: { BUNMARK_RUNTIME_DIR: "rt", TMPDIR: "/t" }, exec: ["/t"], want: ["/work/rt", "BUNMARK_RUNTIME_DIR"] },
    { name: "BUN_TMPDIR first (Bun's own override)", env: { BUN_TMPDIR: "/b", TMPDIR: "/t" }, exec: ["/b", "/t", "/tmp"], want: ["/b", "BUN_TMPDIR"] },
    { name: "TMPDIR when it allows exec", env: { TMPDIR: "/t" }, exec: ["/t", "/tmp"], want: ["/t", "TMPDIR"] },
    { name: "noexec TMPDIR, /tmp fine", env: { TMPDIR: "/t" }, exec: ["/tmp"], want: ["/tmp", "/tmp"] },
    { name: "no TMPDIR, /tmp fine", env: {}, exec: ["/tmp"], want: ["/tmp", "/tmp"] },
    { name: "noexec /tmp, XDG_RUNTIME_DIR", env: { XDG_RUNTIME_DIR: "/run/user/1000" }, exec: ["/run/user/1000"], want: ["/run/user/1000", "XDG_RUNTIME_DIR"] },
    { name: "nothing allows exec: ./data/.runtime", env: { TMPDIR: "/t", XDG_RUNTIME_DIR: "/x" }, exec: [], want: ["/work/data/.runtime", "data"] },
    { name: "relative TMPDIR is taken from cwd", env: { TMPDIR: "tmp" }, exec: ["/work/tmp"], want: ["/work/tmp", "TMPDIR"] },
    { name: "empty variables are unset", env: { BUNMARK_RUNTIME_DIR: "", BUN_TMPDIR: "", TMPDIR: "" }, exec: ["/tmp"], want: ["/tmp", "/tmp"] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      expect(chooseRuntimeDir(c.env, execOn(...c.exec), "/work")).toEqual({ dir: c.want[0], source: c.want[1] });
    });
  }
});
