/** Issue 12 item 7: without the arm64 toolchain `make dist` prints the whole recipe, not a hint. */
import { expect, test } from "bun:test";
import { ARM64_RECIPE } from "../../../scripts/native-arm64.ts";

test("the recipe names the architecture, every package and the linker", () => {
  for (const part of ["dpkg --add-architecture arm64", "apt-get update", "rustc-web", "libstd-rust-web-dev:arm64", "gcc-aarch64-linux-gnu", "aarch64-linux-gnu-gcc", "make dist"]) {
    expect(ARM64_RECIPE).toContain(part);
  }
});
