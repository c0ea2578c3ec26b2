# Cookie Lab. `make run` serves the app; `make test` runs every test,
# the browser suite included. See README.md.

GO     ?= go
ADDR   ?= 127.0.0.1:8080
STATIC := server/web/static
GOROOT := $(shell $(GO) env GOROOT)
WASM_SOURCES := $(shell find wasm -name '*.go' -not -name '*_test.go') go.mod

.PHONY: run test panel vet test-wasm test-go bench load fuzz clean

## run: build the panel and serve on $(ADDR)
run: panel
	$(GO) run ./server/cmd/cookielab -addr $(ADDR)

## panel: the WebAssembly panel, wasm_exec.js and precompressed copies
panel: $(STATIC)/panel.wasm $(STATIC)/wasm_exec.js

$(STATIC)/wasm_exec.js: $(GOROOT)/lib/wasm/wasm_exec.js
	cp $< $@

$(STATIC)/panel.wasm: $(WASM_SOURCES)
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w' -o $@ ./wasm
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

## bench: the session read and read+write paths against a bare handler
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./server/session/ ./server/

## fuzz: run every fuzz target (func FuzzX in a _test.go file) for FUZZTIME
## each; what they found lands in testdata/fuzz, whose seeds every plain
## `go test` runs. FUZZFLAGS adds flags (e.g. -parallel 1).
FUZZTIME  ?= 10s
FUZZFLAGS ?=
FUZZ_PKGS  = $(sort $(dir $(shell grep -rl --include='*_test.go' '^func Fuzz' server lessons wasm)))
fuzz:
	@log=$$(mktemp); trap 'rm -f $$log' EXIT; \
	for pkg in $(FUZZ_PKGS); do \
		for target in $$($(GO) test -list '^Fuzz' ./$$pkg | grep '^Fuzz'); do \
			printf 'fuzz %-18s %-26s ' ./$$pkg $$target; \
			if $(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s $(FUZZFLAGS) ./$$pkg >$$log 2>&1; \
			then grep -o 'execs: [0-9]*' $$log | tail -n 1; \
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
