//go:build !(js && wasm)

// Command wasm is the Cookie Lab panel; it runs only in a browser, built
// with GOOS=js GOARCH=wasm (see README.md). This stub lets go vet and go
// test cover the module on the host.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "the Cookie Lab panel only runs in a browser: build it with GOOS=js GOARCH=wasm (make run)")
	os.Exit(1)
}
