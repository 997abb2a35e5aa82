# bunmark — build, run, test, bench. Every target installs what it needs first.
BUN    := node_modules/.bin/bun
NATIVE := native/bunmark.node
RUST_SRC := $(shell find native/src -name '*.rs') native/Cargo.toml
RUSTC  ?= rustc
## The oldest rustc that builds the addon (native/Cargo.toml's rust-version).
RUST_VERSION := $(shell sed -n 's/^rust-version *= *"\(.*\)"/\1/p' native/Cargo.toml)

.PHONY: all deps native rust-version check run test native-test test-native-arm64 test-long bench dist test-dist install clean

all: rust-version deps native

## One line and a failure, before anything is built, when rustc is missing or older than rust-version.
rust-version:
	@found=$$($(RUSTC) --version 2>/dev/null | cut -d' ' -f2); \
	how="get one with rustup (https://rustup.rs, then: rustup update stable) or, on Debian 12, apt-get install rustc-web cargo-web"; \
	if [ -z "$$found" ]; then echo "make: no rustc found (the addon needs Rust >= $(RUST_VERSION)): $$how" >&2; exit 1; fi; \
	if [ "$$(printf '%s\n' "$(RUST_VERSION)" "$$found" | sort -V | head -n1)" != "$(RUST_VERSION)" ]; then \
	  echo "make: rustc $$found ($$(command -v $(RUSTC))) is older than the addon's minimum $(RUST_VERSION): $$how" >&2; exit 1; fi

## npm packages of the checkout (development; the executable needs none of them).
deps: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

native: $(NATIVE)

$(NATIVE): $(RUST_SRC) | rust-version
	cd native && cargo build --release --offline
	cp native/target/release/libbunmark_native.so $(NATIVE:.node=.new.node) && mv -f $(NATIVE:.node=.new.node) $(NATIVE)

## Start a node on the embedded default (chain local, keys and data under ./data).
run: deps native
	$(BUN) src/main.ts run

## Strict type check of src/, test/ and scripts/, then the layout guards: no import cycle, rooms depend only
## downwards (scripts/check-imports.ts), no export without a product caller (scripts/check-exports.ts).
check: deps
	node_modules/.bin/tsc --noEmit -p .
	$(BUN) scripts/check-imports.ts
	$(BUN) scripts/check-exports.ts

## The whole test suite (short profiles of the long-running suites), after the type check and the Rust tests.
test: deps native check native-test
	BUNMARK_REQUIRE_NATIVE=1 $(BUN) test --timeout 60000

## The addon's Rust tests (unit tests and native/tests/), then clippy and rustfmt where installed.
native-test: | rust-version
	cd native && cargo test --release --offline
	@if cargo clippy --version >/dev/null 2>&1; then cd native && cargo clippy --offline --all-targets -- -D warnings; \
	  else echo "native-test: clippy skipped (not installed: rustup component add clippy)"; fi
	@if cargo fmt --version >/dev/null 2>&1; then cd native && cargo fmt --check; \
	  else echo "native-test: rustfmt check skipped (not installed: rustup component add rustfmt)"; fi

## native/tests/kat.rs cross-built for aarch64 and run under qemu (NEON vs scalar, genesis digests on both); skipped
## with a one-line reason when this machine lacks the cross toolchain or qemu.
test-native-arm64: deps
	$(BUN) scripts/native-arm64.ts test

## Long profiles of the reliability suites.
test-long: deps native
	BUNMARK_REQUIRE_NATIVE=1 BUNMARK_TEST_PROFILE=long $(BUN) test --timeout 600000

## The benchmarks with the development anchors (npm argon2, hash-wasm, noble, node + npm zeromq) and the goals
## tuned for the development VM: lists every goal missed, exit 1 when any is (bench/run.ts). `bunmark bench`
## itself only reports.
bench: deps native
	cd native && cargo build --release --offline --example memory_floor
	$(BUN) bench/run.ts

## One executable per CPU: dist/bunmark-linux-x64 and dist/bunmark-linux-arm64 (sizes printed). The arm64 one
## embeds the arm64 addon when this machine can cross-build it (scripts/native-arm64.ts), else hashes in TypeScript.
dist: deps native
	$(BUN) scripts/build.ts

## The executables as an operator gets them: empty directory, empty environment, arm64 under qemu.
test-dist: dist test-native-arm64
	BUNMARK_TEST_DIST=1 $(BUN) test test/dist/

## Server install: the executable as PREFIX/bin/bunmark, the systemd unit, and the sample configuration (kept when
## one is there). Honours PREFIX and DESTDIR; build first as yourself (`make dist`), then `sudo make install`.
PREFIX     ?= /usr/local
SYSCONFDIR ?= /etc
UNITDIR    ?= $(PREFIX)/lib/systemd/system
ARCH       := $(subst x86_64,x64,$(subst aarch64,arm64,$(shell uname -m)))
EXE        ?= dist/bunmark-linux-$(ARCH)

install:
	@test -x $(EXE) || { echo "make install: $(EXE) not built: run make dist first (as yourself, not as root)" >&2; exit 1; }
	install -D -m 0755 $(EXE) $(DESTDIR)$(PREFIX)/bin/bunmark
	install -d -m 0755 $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/bunmark
	sed -e 's|@BINDIR@|$(PREFIX)/bin|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' contrib/bunmark.service > $(DESTDIR)$(UNITDIR)/bunmark.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/bunmark.service
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/bunmark/bunmark.json ]; then \
	  echo "kept $(DESTDIR)$(SYSCONFDIR)/bunmark/bunmark.json (the sample is contrib/bunmark.json)"; \
	else install -m 0644 contrib/bunmark.json $(DESTDIR)$(SYSCONFDIR)/bunmark/bunmark.json; fi
	@echo "installed; next: systemctl daemon-reload && systemctl enable --now bunmark"

clean:
	rm -rf native/target $(NATIVE) native/bunmark-linux-arm64.node dist
