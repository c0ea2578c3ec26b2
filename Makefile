# Cookie Lab. `make run` serves the app; `make test` runs every test,
# the browser suite included. See README.md.

GO     ?= go
ADDR   ?= 127.0.0.1:8080
STATIC := server/web/static
GOROOT := $(shell $(GO) env GOROOT)
WASM_SOURCES := $(shell find wasm lessons/step -name '*.go' -not -name '*_test.go') go.mod

.PHONY: run test panel vet test-wasm test-go bench clean

## run: build the panel and serve on $(ADDR)
run: panel
	$(GO) run ./server/cmd/cookielab -addr $(ADDR)

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

## bench: the session read and read+write paths against a bare handler
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./server/session/ ./server/

clean:
	rm -f $(STATIC)/panel.wasm $(STATIC)/panel.wasm.gz $(STATIC)/panel.wasm.br $(STATIC)/wasm_exec.js
