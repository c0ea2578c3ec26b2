# Cookie Lab. `make run` serves the app; `make test` runs every test,
# the browser suite included. See README.md.

GO     ?= go
ADDR   ?= 127.0.0.1:8080
STATIC := server/web/static
GOROOT := $(shell $(GO) env GOROOT)
# The panel is built from wasm/ and the packages it shares with the server.
WASM_SOURCES := $(shell find wasm lessons/step -name '*.go' -not -name '*_test.go') go.mod

.PHONY: run cluster test panel vet test-wasm test-go bench load fuzz clean

## run: build the panel and serve on $(ADDR)
run: panel
	$(GO) run ./server/cmd/cookielab -addr $(ADDR)

## cluster: a redis-server and two instances sharing its sessions, on
## CLUSTER_ADDRS (the users in one SQLite file beside Redis's data in
## CLUSTER_DIR, one signing key kept there); Ctrl-C stops all three.
## CLUSTER_STORE=memory runs the two without a shared store, for contrast.
CLUSTER_ADDRS ?= 127.0.0.1:8080 127.0.0.1:8081
CLUSTER_REDIS ?= 127.0.0.1:6380
CLUSTER_DIR   ?= /tmp/cookielab-cluster
CLUSTER_STORE ?= redis
cluster: panel
	@mkdir -p $(CLUSTER_DIR)
	$(GO) build -o $(CLUSTER_DIR)/cookielab ./server/cmd/cookielab
	@set -e; dir=$(CLUSTER_DIR); pids=; \
	trap 'kill $$pids 2>/dev/null; wait; exit 0' INT TERM; \
	test -s $$dir/session.key || od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > $$dir/session.key; \
	store=memory; \
	if [ "$(CLUSTER_STORE)" = redis ]; then \
		r=$(CLUSTER_REDIS); host=$${r%:*}; port=$${r##*:}; \
		redis-server --bind $$host --port $$port --dir $$dir --save '' --appendonly yes --appendfsync always --logfile $$dir/redis.log & pids="$$pids $$!"; \
		until redis-cli -h $$host -p $$port ping >/dev/null 2>&1; do sleep 0.1; done; \
		echo "redis-server on $(CLUSTER_REDIS), data in $$dir (redis-cli -h $$host -p $$port to look)"; \
		store=redis://$(CLUSTER_REDIS)/0; \
	fi; \
	for addr in $(CLUSTER_ADDRS); do \
		COOKIELAB_SESSION_KEYS=$$(cat $$dir/session.key) $$dir/cookielab -addr $$addr -attacker-addr "" -store $$store -users sqlite:$$dir/users.db & pids="$$pids $$!"; \
	done; \
	wait

## panel: the WebAssembly panel, wasm_exec.js and precompressed copies
panel: $(STATIC)/panel.wasm $(STATIC)/wasm_exec.js

$(STATIC)/wasm_exec.js: $(GOROOT)/lib/wasm/wasm_exec.js
	cp $< $@

# The panel is built for size on the wire (wasm/README.md has the figures):
# no inlining anywhere (-l: the Go runtime's code too, which compresses
# better without copies), and Go 1.26's previous garbage collector, which is
# smaller (GOEXPERIMENT=nogreenteagc; Go 1.27 drops the switch).
PANEL_ENV   := GOOS=js GOARCH=wasm GOEXPERIMENT=nogreenteagc
PANEL_FLAGS := -trimpath -ldflags='-s -w' -gcflags=all=-l

$(STATIC)/panel.wasm: $(WASM_SOURCES)
	$(PANEL_ENV) $(GO) build $(PANEL_FLAGS) -o $@ ./wasm
	$(GO) run ./server/web/precompress $@

## test: vet, the panel's tests under Node, then every Go test with -race
test: panel vet test-wasm test-go

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./wasm/...

test-wasm:
	PATH="$$PATH:$(GOROOT)/lib/wasm" GOOS=js GOARCH=wasm $(GO) test ./wasm/...

test-go:
	$(GO) test -race -timeout 25m ./...

## bench: the session read and read+write paths of each store, and the
## whole handler (a lesson page, GET /api/state, a session write), each
## against a bare handler in the same run
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./server/session/ ./server/sqlitestore/ ./server/redisstore/ ./server/

## fuzz: run every fuzz target (func FuzzX in a _test.go file) for FUZZTIME
## each; what they found lands in testdata/fuzz, whose seeds every plain
## `go test` runs. FUZZFLAGS adds flags (e.g. -parallel 1). Go 1.26 may end
## a run with "context deadline exceeded" and no input (go.dev/issue/75804):
## that is not a finding.
FUZZTIME  ?= 10s
FUZZFLAGS ?=
FUZZ_PKGS  = $(sort $(dir $(shell grep -rl --include='*_test.go' '^func Fuzz' server lessons wasm)))
fuzz:
	@log=$$(mktemp); trap 'rm -f $$log' EXIT; \
	for pkg in $(FUZZ_PKGS); do \
		for target in $$($(GO) test -list '^Fuzz' ./$$pkg | grep '^Fuzz'); do \
			printf 'fuzz %-18s %-26s ' ./$$pkg $$target; \
			if $(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s $(FUZZFLAGS) ./$$pkg >$$log 2>&1; \
			then sed -n 's/.*\(execs: [0-9]*\|baseline coverage: [0-9]*\/[0-9]*\).*/\1/p' $$log | tail -n 1; \
			elif grep -q 'context deadline exceeded' $$log && ! grep -q 'Failing input written' $$log; \
			then echo "stopped by Go's fuzztime race (go.dev/issue/75804, fixed in Go 1.27), no failing input"; \
			else echo FAIL; cat $$log; exit 1; fi; \
		done; \
	done

## load: a class of $(N) learners arriving over $(WINDOW) against a cookielab
## it builds and starts on loopback (issue 11); LOADFLAGS adds flags, e.g.
## LOADFLAGS='-flood all' for the floods, '-h' for the list
N         ?= 1000
WINDOW    ?= 100s
LOADFLAGS ?=
load:
	$(GO) run ./server/cmd/cookielab-load -n $(N) -window $(WINDOW) $(LOADFLAGS)

clean:
	rm -f $(STATIC)/panel.wasm $(STATIC)/panel.wasm.gz $(STATIC)/panel.wasm.br $(STATIC)/wasm_exec.js
