// Command precompress writes the precompressed copies that web.Static
// serves by Accept-Encoding: FILE.gz (gzip -9) and FILE.br (brotli,
// quality 11) beside each FILE named on the command line.
//
//	go run ./server/web/precompress server/web/static/panel.wasm
package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"

	"github.com/andybalholm/brotli"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "precompress:", err)
		os.Exit(1)
	}
}

func run(files []string, out io.Writer) error {
	if len(files) == 0 {
		return fmt.Errorf("usage: precompress FILE...")
	}
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		gz, err := compress(raw, func(w io.Writer) (io.WriteCloser, error) {
			return gzip.NewWriterLevel(w, gzip.BestCompression) // no name, no mtime: reproducible
		})
		if err != nil {
			return err
		}
		br, err := compress(raw, func(w io.Writer) (io.WriteCloser, error) {
			return brotli.NewWriterOptions(w, brotli.WriterOptions{Quality: brotli.BestCompression, LGWin: 24}), nil
		})
		if err != nil {
			return err
		}
		if err := os.WriteFile(name+".gz", gz, 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(name+".br", br, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(out, "%s: %d bytes raw, %d gzip, %d brotli\n", name, len(raw), len(gz), len(br))
	}
	return nil
}

func compress(raw []byte, newWriter func(io.Writer) (io.WriteCloser, error)) ([]byte, error) {
	var buf bytes.Buffer
	w, err := newWriter(&buf)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(raw); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
