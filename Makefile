# bunmark — build, run, test, bench. Every target installs what it needs first.
BUN    := node_modules/.bin/bun
NATIVE := native/bunmark.node
RUST_SRC := $(wildcard native/src/*.rs native/src/**/*.rs) native/Cargo.toml

.PHONY: all install native check run test test-long bench dist test-dist clean

all: install native

install: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

native: $(NATIVE)

$(NATIVE): $(RUST_SRC)
	cd native && cargo build --release --offline
	cp native/target/release/libbunmark_native.so $(NATIVE:.node=.new.node) && mv -f $(NATIVE:.node=.new.node) $(NATIVE)

## Start a node on the embedded default (chain local, keys and data under ./data).
run: install native
	$(BUN) src/main.ts run

## Strict type check of src/, test/ and scripts/.
check: install
	node_modules/.bin/tsc --noEmit -p .

## The whole test suite (short profiles of the long-running suites), after the type check.
test: install native check
	BUNMARK_REQUIRE_NATIVE=1 $(BUN) test --timeout 60000

## Long profiles of the reliability suites.
test-long: install native
	BUNMARK_REQUIRE_NATIVE=1 BUNMARK_TEST_PROFILE=long $(BUN) test --timeout 600000

bench: install native
	$(BUN) src/main.ts bench all

## One executable per CPU: dist/bunmark-linux-x64 and dist/bunmark-linux-arm64 (sizes printed). The arm64 one
## embeds the arm64 addon when this machine can cross-build it (scripts/native-arm64.ts), else hashes in TypeScript.
dist: install native
	$(BUN) scripts/build.ts

## The executables as an operator gets them: empty directory, empty environment, arm64 under qemu.
test-dist: dist
	BUNMARK_TEST_DIST=1 $(BUN) test test/dist-binary.test.ts

clean:
	rm -rf native/target $(NATIVE) native/bunmark-linux-arm64.node dist
