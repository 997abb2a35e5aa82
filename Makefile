# bunmark — build, run, test, bench. Every target installs what it needs first.
BUN    := node_modules/.bin/bun
NATIVE := native/bunmark.node
RUST_SRC := $(wildcard native/src/*.rs native/src/**/*.rs) native/Cargo.toml

.PHONY: all deps native check run test test-long bench dist test-dist install clean

all: deps native

## npm packages of the checkout (development; the executable needs none of them).
deps: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

native: $(NATIVE)

$(NATIVE): $(RUST_SRC)
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

## The whole test suite (short profiles of the long-running suites), after the type check.
test: deps native check
	BUNMARK_REQUIRE_NATIVE=1 $(BUN) test --timeout 60000

## Long profiles of the reliability suites.
test-long: deps native
	BUNMARK_REQUIRE_NATIVE=1 BUNMARK_TEST_PROFILE=long $(BUN) test --timeout 600000

## The benchmarks with the development anchors (npm argon2, hash-wasm, noble, node + npm zeromq) and the goals
## tuned for the development VM: lists every goal missed, exit 1 when any is (bench/run.ts). `bunmark bench`
## itself only reports.
bench: deps native
	$(BUN) bench/run.ts

## One executable per CPU: dist/bunmark-linux-x64 and dist/bunmark-linux-arm64 (sizes printed). The arm64 one
## embeds the arm64 addon when this machine can cross-build it (scripts/native-arm64.ts), else hashes in TypeScript.
dist: deps native
	$(BUN) scripts/build.ts

## The executables as an operator gets them: empty directory, empty environment, arm64 under qemu.
test-dist: dist
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
