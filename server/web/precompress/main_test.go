package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "panel.wasm")
	raw := bytes.Repeat([]byte("\x00asm cookie lab panel "), 1000)
	if err := os.WriteFile(name, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := run([]string{name}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "22000 bytes raw") {
		t.Errorf("report: %q", out.String())
	}
	for _, tt := range []struct {
		name string
		ext  string
		open func(io.Reader) (io.Reader, error)
	}{
		{"gzip", ".gz", func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }},
		{"brotli", ".br", func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, err := os.ReadFile(name + tt.ext)
			if err != nil {
				t.Fatal(err)
			}
			if len(b) >= len(raw)/10 {
				t.Errorf("%d bytes: barely compressed", len(b))
			}
			r, err := tt.open(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			if err != nil || !bytes.Equal(got, raw) {
				t.Errorf("round trip: %v, equal %v", err, bytes.Equal(got, raw))
			}
		})
	}
	if err := run(nil, io.Discard); err == nil {
		t.Error("no files: no error")
	}
	if err := run([]string{filepath.Join(dir, "missing")}, io.Discard); err == nil {
		t.Error("missing file: no error")
	}
}
