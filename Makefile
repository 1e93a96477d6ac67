# CloudChamber: `make run` serves the app, `make test` installs what the tests
# need and runs them all. `make help` lists every target.

GO          ?= go
ADDR        ?= 127.0.0.1:8000
CHROME_BIN  ?= /usr/bin/chromium
FIREFOX_BIN ?= /usr/bin/firefox-esr
# The e2e tests' Firefox driver (puppeteer-core, pinned by its package-lock.json).
FIREFOX_JS  := cmd/server/firefox
BIN         := $(CURDIR)/.bin
WASM        := web/app.wasm
SWEEP_WASM  := web/sweep.wasm
FILL_WASM   := web/fill.wasm
DIST        := dist
WBT_VERSION := v0.11.0
GOROOT_WASM := $(shell $(GO) env GOROOT)/lib/wasm
# -race needs cgo, so a C compiler (TOOLCHAIN P13).
RACE        ?= $(shell command -v cc >/dev/null 2>&1 && echo -race)
# Packages whose wasm tests need a browser (DOM, IndexedDB); the rest run under Node.
BROWSER_PKGS := ./app/... ./wasm/...
NODE_PKGS    := ./core/... ./cmd/ccsim/...

export GOFLAGS := -buildvcs=false

.PHONY: help run build wasm wasm-size server static test deps vet test-native test-node test-browser test-e2e bench-smoke bench bench-peers shots fuzz clean
SHOTS ?= /tmp/cc-shots
FUZZTIME ?= 10s

help: ## list the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'
	@echo "  make run ADDR=host:port   serve elsewhere (offline mode needs localhost or HTTPS)"

run: build ## build the wasm (-s -w) and the server, then serve at ADDR (default 127.0.0.1:8000)
	@host=$${ADDR%:*}; case "$$host" in \
	  127.*|localhost|"[::1]") ;; \
	  *) echo "warning: http://$(ADDR)/ is not localhost: browsers allow offline mode (service workers) only in a secure context, i.e. localhost or HTTPS";; \
	esac
	@echo "CloudChamber: open http://$(ADDR)/  (Ctrl-C stops)"
	$(BIN)/server -addr $(ADDR) -web web

build: wasm server ## build web/app.wasm, web/sweep.wasm, web/fill.wasm and .bin/server

# brotli at its best: quality 11 with a 16 MiB window (-w 24, the most a
# browser must accept), a minute or two a file, so only when the wasm changed
# (built into $(BIN), copied to web/ when its bytes differ); -q 9 sent 15 %
# more. -trimpath keeps build paths out of the binary. `make wasm BROTLI=`
# skips the compression (and removes stale .br files) while iterating.
BROTLI ?= brotli
# Inlining is kept where the simulation spends its time (core/..., with
# the trace hash's SHA-256 in core/sha256, the runtime and its maps,
# encoding/binary for snapshots, sort and container/heap) and dropped
# elsewhere (the UI, go-app, encoding/json, fmt, reflect, ...): it made the
# page 0.2 MB larger as sent for no speed anyone sees. See README, Size of
# the app.
WASM_GCFLAGS := -gcflags=all=-l -gcflags=runtime= -gcflags=internal/...= \
  -gcflags=encoding/binary= -gcflags=sort= -gcflags=container/...= \
  -gcflags=github.com/cloudchamber/cloudchamber/core/...=
wasm: $(BIN)/wasm.mod ## build web/app.wasm, the sweep Workers' web/sweep.wasm and the GPU fill Workers' web/fill.wasm (release flags; same Go as the server, TOOLCHAIN P7), and their .br if brotli is installed
	GOOS=js GOARCH=wasm $(GO) build -modfile=$(BIN)/wasm.mod -trimpath $(WASM_GCFLAGS) -ldflags="-s -w" -o $(BIN)/app.wasm ./wasm
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o $(BIN)/sweep.wasm ./wasm/sweepworker
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o $(BIN)/fill.wasm ./wasm/fillworker
	@cmp -s $(BIN)/app.wasm $(WASM) || cp $(BIN)/app.wasm $(WASM)
	@cmp -s $(BIN)/sweep.wasm $(SWEEP_WASM) || cp $(BIN)/sweep.wasm $(SWEEP_WASM)
	@cmp -s $(BIN)/fill.wasm $(FILL_WASM) || cp $(BIN)/fill.wasm $(FILL_WASM)
	@for f in $(WASM) $(SWEEP_WASM) $(FILL_WASM); do \
	  if [ -z "$(BROTLI)" ] || ! command -v $(BROTLI) >/dev/null 2>&1; then rm -f $$f.br; \
	  elif [ ! -f $$f.br ] || [ $$f -nt $$f.br ]; then echo "$(BROTLI) -q 11 -w 24 $$f"; $(BROTLI) -q 11 -w 24 -n -f -o $$f.br $$f; fi; done

# The page is built against go-app with wasm/goapp-wasm.patch applied: it
# leaves go-app's server side (Handler, whose net/http pulls in crypto/tls
# and its elliptic curves, 1.6 MB of the raw wasm) out of GOOS=js builds;
# the page never calls it. It also leaves AES and github.com/google/uuid
# out (README, Size of the app). $(BIN)/wasm.mod is go.mod with go-app
# replaced by that patched copy; go.mod itself, the server and every test
# use go-app as released.
GOAPP_WASM := $(BIN)/go-app-wasm
$(BIN)/wasm.mod: go.mod go.sum wasm/goapp-wasm.patch
	@rm -rf $(GOAPP_WASM) && mkdir -p $(GOAPP_WASM)
	@$(GO) mod download github.com/maxence-charriere/go-app/v10
	@dir=$$($(GO) list -m -f '{{.Dir}}' github.com/maxence-charriere/go-app/v10) && \
	  cp -r $$dir/go.mod $$dir/LICENSE $$dir/pkg $(GOAPP_WASM)/ && chmod -R u+w $(GOAPP_WASM)
	git apply -p1 --directory=.bin/go-app-wasm wasm/goapp-wasm.patch
	@cp go.sum $(BIN)/wasm.sum
	@{ cat go.mod; echo; echo 'replace github.com/maxence-charriere/go-app/v10 => $(GOAPP_WASM)'; } > $@

server:
	$(GO) build -o $(BIN)/server ./cmd/server

wasm-size: $(BIN)/wasm.mod ## what app.wasm is made of: its code by package, from a build that keeps the function names (FUNCS=slices. lists those functions instead)
	GOOS=js GOARCH=wasm $(GO) build -modfile=$(BIN)/wasm.mod -trimpath $(WASM_GCFLAGS) -o $(BIN)/app-names.wasm ./wasm
	@$(GO) run ./bench/wasmsize -modfile $(BIN)/wasm.mod -top $(or $(TOP),30) $(if $(FUNCS),-funcs $(FUNCS)) $(BIN)/app-names.wasm

static: build ## write the site as plain static files into dist/
	rm -rf $(DIST)
	$(BIN)/server -web web -gen $(DIST)

test: deps vet test-native test-node test-browser test-e2e bench-smoke ## install test tools, vet, and run every test
	@echo "make test: all passed"

deps: ## install Chromium, Firefox ESR, Node, brotli, wasmbrowsertest and the Firefox driver (npm ci) when missing (Debian, as root)
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || [ -x "$(CHROME_BIN)" ] || missing="$$missing chromium"; \
	[ -x "$(FIREFOX_BIN)" ] || missing="$$missing firefox-esr"; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	command -v brotli >/dev/null 2>&1 || missing="$$missing brotli"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi
	@[ -x "$(CHROME_BIN)" ] || { echo "Chromium not found at $(CHROME_BIN)"; exit 1; }
	@command -v node >/dev/null || { echo "node not found"; exit 1; }
	@[ -x "$(FIREFOX_BIN)" ] || { echo "Firefox not found at $(FIREFOX_BIN)"; exit 1; }
	@[ "$(FIREFOX_JS)/node_modules/.package-lock.json" -nt "$(FIREFOX_JS)/package-lock.json" ] || \
	  (cd $(FIREFOX_JS) && npm ci --no-audit --no-fund --loglevel=error)
	@[ -x "$(BIN)/wasmbrowsertest" ] || GOBIN=$(BIN) GOOS= GOARCH= $(GO) install github.com/agnivade/wasmbrowsertest@$(WBT_VERSION)
	@ln -sf $(CHROME_BIN) $(BIN)/chromium

vet: ## go vet, natively and for wasm
	$(GO) vet ./...
	$(GO) vet -tags e2e ./cmd/server/
	$(GO) vet -tags 'e2e shots uibench' ./cmd/server/
	GOOS=js GOARCH=wasm $(GO) vet ./...

# The availability statistics need a million repair cycles: too slow under
# the race detector (its file is left out there), so test-native also runs
# them natively.
test-native: ## native tests (with -race where a C compiler exists)
	$(GO) test $(RACE) ./...
	$(GO) test -run '^TestMeasuredAvailabilityMatchesExpected$$' ./core/sim/

test-node: ## wasm tests of the pure packages under Node
	PATH="$(GOROOT_WASM):$$PATH" GOOS=js GOARCH=wasm $(GO) test $(NODE_PKGS)

test-browser: ## wasm tests of the browser packages in headless Chromium
	PATH="$(BIN):$$PATH" GOOS=js GOARCH=wasm $(GO) test -exec wasmbrowsertest $(BROWSER_PKGS)

test-e2e: wasm ## end-to-end tests: the real server and the app in headless Chromium, and the same hashes in Firefox
	CHROME_BIN=$(CHROME_BIN) FIREFOX_BIN=$(FIREFOX_BIN) $(GO) test -tags e2e -count=1 -timeout 40m ./cmd/server/

bench-smoke: ## one short iteration of every benchmark, so none of them rots
	$(GO) test -short -run '^$$' -bench . -benchtime 1x ./... > /dev/null

# BENCH_AWK turns `go test -bench` lines into `BENCH <name> <value> <unit>`;
# ENV names the platform for the figures measured on both.
define BENCH_AWK
/^Benchmark/ {
  name = $$1; sub(/-[0-9]+$$/, "", name)
  for (i = 3; i < NF; i++) {
    v = $$i; u = $$(i + 1)
    if (name == "BenchmarkEngine" && u == "events/s") print "BENCH engine-" ENV, v, "events/s"
    if (name == "BenchmarkBringUp64" && u == "wall-s") print "BENCH bringup-64", v, "s"
    if (name == "BenchmarkBringUp50000" && u == "wall-s") print "BENCH bringup-50000", v, "s"
    if (name == "BenchmarkBringUp50000" && u == "heap-B/blade") print "BENCH heap-per-blade", v, "bytes"
    if (name ~ /^BenchmarkSnapshot(Save|Restore)[0-9]+$$/ && u == "ms") {
      n = name; sub(/^BenchmarkSnapshot/, "", n)
      size = n; gsub(/[A-Za-z]/, "", size)
      print "BENCH snapshot-" (n ~ /^Save/ ? "save" : "restore") "-" size, v, "ms"
    }
    if (name == "BenchmarkChurn10k/first-fit" && u == "wall-s") print "BENCH churn-10k", v, "s"
    if (name == "BenchmarkChurn10k/first-fit" && u == "events/s") print "BENCH churn-10k-events", v, "events/s"
    if (name == "BenchmarkChurn10k/first-fit" && u == "peak-heap-MiB") print "BENCH churn-10k-peak-heap", v, "MiB"
    if (name == "BenchmarkChurn10k/spread" && u == "wall-s") print "BENCH churn-10k-spread", v, "s"
    if (name ~ /^BenchmarkStrictDecode\// && u == "strict/plain") {
      n = name; sub(/^BenchmarkStrictDecode\//, "", n)
      print "BENCH strict-json-" n, v, "x-json.Unmarshal"
    }
  }
}
endef
export BENCH_AWK

bench: wasm ## measure; prints one `BENCH <name> <value> <unit>` line per figure
	@echo "BENCH wasm-bytes $$(stat -c %s $(WASM)) bytes"
	@echo "BENCH wasm-gzip-bytes $$(gzip -9 -c $(WASM) | wc -c) bytes"
	@if [ -f $(WASM).br ]; then echo "BENCH wasm-brotli-bytes $$(stat -c %s $(WASM).br) bytes"; fi
	@echo "BENCH sweep-wasm-bytes $$(stat -c %s $(SWEEP_WASM)) bytes"
	@if [ -f $(SWEEP_WASM).br ]; then echo "BENCH sweep-wasm-brotli-bytes $$(stat -c %s $(SWEEP_WASM).br) bytes"; fi
	@$(GO) build -o $(BIN)/server ./cmd/server && $(GO) build -o $(BIN)/loadtest ./cmd/server/loadtest
	@$(BIN)/loadtest -server $(BIN)/server -web web
	@$(GO) test -run '^$$' -bench 'Engine$$' -benchtime 2s ./core/sim/ | awk -v ENV=native "$$BENCH_AWK"
	@$(GO) test -run '^$$' -bench 'BringUp' -benchtime 3x ./core/sim/ | awk -v ENV=native "$$BENCH_AWK"
	@$(GO) test -run '^$$' -bench 'Churn10k' -benchtime 1x -timeout 30m ./core/sim/ | awk -v ENV=native "$$BENCH_AWK"
	@PATH="$(GOROOT_WASM):$$PATH" GOOS=js GOARCH=wasm $(GO) test -run '^$$' -bench 'Engine$$' -benchtime 2s ./core/sim/ | awk -v ENV=wasm "$$BENCH_AWK"
	@$(GO) test -run '^$$' -bench 'StrictDecode' -benchtime 10x ./core/scenario/ | awk -v ENV=native "$$BENCH_AWK"
	@PATH="$(BIN):$$PATH" GOOS=js GOARCH=wasm $(GO) test -exec wasmbrowsertest -run '^$$' -bench 'Snapshot' -benchtime 5x ./core/sim/ | awk -v ENV=chromium "$$BENCH_AWK"
	@CHROME_BIN=$(CHROME_BIN) $(GO) test -tags 'e2e uibench' -count=1 -v -run '^TestUIBench$$' ./cmd/server/ | grep '^BENCH'
	@CHROME_BIN=$(CHROME_BIN) $(GO) test -tags 'e2e uibench' -count=1 -v -run '^TestFirstLoadBench$$' ./cmd/server/ | grep '^BENCH'
	@CHROME_BIN=$(CHROME_BIN) $(GO) test -tags 'e2e uibench' -count=1 -v -run '^TestGPUTraceImportBench$$' ./cmd/server/ | grep '^BENCH'
	@CHROME_BIN=$(CHROME_BIN) $(GO) test -tags 'e2e uibench' -count=1 -v -timeout 30m -run '^TestImportBench$$' ./cmd/server/ | grep '^BENCH'
	@CHROME_BIN=$(CHROME_BIN) $(GO) test -tags 'e2e uibench' -count=1 -v -timeout 15m -run '^TestSweepBench$$' ./cmd/server/ | grep '^BENCH'
	@CHROME_BIN=$(CHROME_BIN) $(GO) test -tags 'e2e uibench' -count=1 -v -timeout 10m -run '^TestFillBench$$' ./cmd/server/ | grep '^BENCH'
	@CHROME_BIN=$(CHROME_BIN) $(GO) test -tags 'e2e uibench' -count=1 -v -timeout 15m -run '^TestUIBenchClusterMap50k$$' ./cmd/server/ | grep '^BENCH'
	@$(GO) build -o $(BIN)/ccsim ./cmd/ccsim
	@for f in static/scenarios/*.json; do n=$$(basename $$f .json); \
	  echo "BENCH link-$$n $$($(BIN)/ccsim link encode --builtin $$n | tr -d '#\n' | wc -c) characters"; done

# SimPy 2 is Debian's python3-simpy: a module of Debian's own Python, which
# need not be the first python3 on the PATH.
PEERS_PYTHON ?= /usr/bin/python3
PEERS_FLAGS  ?=

bench-peers: ## issue 12's studies, side by side (many minutes): ccsim vs SimPy 2, churn at 1k..100k blades, spread, wasm, peak RSS; BENCH lines
	@$(PEERS_PYTHON) -c 'import SimPy.Simulation' 2>/dev/null || { \
	  echo "installing python3-simpy (SimPy 2, for $(PEERS_PYTHON))"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-simpy >/dev/null 2>&1 || \
	  { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-simpy >/dev/null; }; }
	@$(PEERS_PYTHON) -c 'import SimPy.Simulation' || { echo "$(PEERS_PYTHON) has no SimPy 2 (python3-simpy)"; exit 1; }
	$(GO) build -o $(BIN)/ccsim ./cmd/ccsim
	GOOS=js GOARCH=wasm $(GO) build -o $(BIN)/ccsim.wasm ./cmd/ccsim
	$(GO) build -o $(BIN)/bench-peers ./bench/peers
	@$(BIN)/bench-peers -ccsim $(BIN)/ccsim -wasm $(BIN)/ccsim.wasm -python $(PEERS_PYTHON) -model bench/peers/availability_simpy.py $(PEERS_FLAGS)

shots: wasm ## screenshots of every panel in headless Chromium, into $(SHOTS) (default /tmp/cc-shots)
	@mkdir -p $(SHOTS)
	CC_SHOTS=$(SHOTS) CHROME_BIN=$(CHROME_BIN) $(GO) test -tags 'e2e shots' -count=1 -timeout 30m -run 'Screenshots?$$' ./cmd/server/
	@echo "screenshots in $(SHOTS)"

# Minimisation is off: it re-runs a new input byte by byte for a minute,
# which over a snapshot of kilobytes stalls a fuzzer at a few execs.
fuzz: ## run every fuzzer for FUZZTIME (default 10s) each, printing its exec rate
	@grep -rHo --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*' . | sed 's/:func /:/' | sort | while IFS=: read -r f n; do \
	  d=$$(dirname "$$f"); \
	  out=$$($(GO) test -run '^$$' -fuzz "^$$n$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 0 "$$d/" 2>&1); st=$$?; \
	  rate=$$(printf '%s\n' "$$out" | grep -o 'execs: [0-9]*' | tail -1); \
	  echo "FUZZ $$d $$n $$rate in $(FUZZTIME)"; \
	  if [ $$st -ne 0 ]; then printf '%s\n' "$$out" | tail -30; exit 1; fi; \
	done

clean: ## remove what the build made
	rm -rf $(BIN) $(DIST) $(FIREFOX_JS)/node_modules $(WASM) $(WASM).gz $(WASM).br $(SWEEP_WASM) $(SWEEP_WASM).br $(FILL_WASM) $(FILL_WASM).br
