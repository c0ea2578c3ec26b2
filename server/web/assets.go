package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// static holds the site's CSS and scripts and, once `make panel` has run,
// panel.wasm, its gzip and brotli copies and wasm_exec.js.
//
//go:embed static
var static embed.FS

// PanelBuilt reports whether panel.wasm was embedded, so a page can say how
// to build it instead of failing to load it.
func PanelBuilt() bool {
	_, err := fs.Stat(static, "static/panel.wasm")
	return err == nil
}

// asset is one file ready to serve: its content type, strong ETag and any
// precompressed variants.
type asset struct {
	name     string
	body     []byte
	ctype    string
	etag     string
	variants []variant // best first
}

type variant struct {
	encoding string // "br" or "gzip"
	body     []byte
	etag     string
}

var (
	assetsOnce sync.Once
	assets     map[string]*asset
)

func loadAssets() {
	assets = map[string]*asset{}
	fs.WalkDir(static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		if strings.HasSuffix(name, ".gz") || strings.HasSuffix(name, ".br") {
			return nil
		}
		body, err := fs.ReadFile(static, p)
		if err != nil {
			return err
		}
		a := &asset{name: name, body: body, ctype: contentType(name), etag: etagOf(body)}
		for _, enc := range []struct{ ext, name string }{{".br", "br"}, {".gz", "gzip"}} {
			if b, err := fs.ReadFile(static, p+enc.ext); err == nil {
				a.variants = append(a.variants, variant{encoding: enc.name, body: b, etag: strings.TrimSuffix(a.etag, `"`) + "-" + enc.name + `"`})
			}
		}
		assets[name] = a
		return nil
	})
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".wasm":
		return "application/wasm"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func etagOf(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
}

// Static serves the embedded static files (mount it with
// http.StripPrefix("/static/", …)). A file with a precompressed copy is sent
// compressed when Accept-Encoding allows (brotli first); every response has
// a strong ETag and Cache-Control: no-cache, so a browser revalidates and
// gets a 304 instead of the file again.
func Static() http.Handler {
	assetsOnce.Do(loadAssets)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := assets[r.URL.Path]
		if !ok {
			http.Error(w, "404 page not found: no such static file", http.StatusNotFound)
			return
		}
		h := w.Header()
		h.Set("Content-Type", a.ctype)
		h.Set("Cache-Control", "no-cache")
		body, etag := a.body, a.etag
		if len(a.variants) > 0 {
			h.Set("Vary", "Accept-Encoding")
			accepted := r.Header.Get("Accept-Encoding")
			for _, v := range a.variants {
				if acceptsEncoding(accepted, v.encoding) {
					h.Set("Content-Encoding", v.encoding)
					body, etag = v.body, v.etag
					break
				}
			}
		}
		h.Set("ETag", etag)
		// ServeContent answers If-None-Match with 304 and handles HEAD and ranges.
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
	})
}

// acceptsEncoding reports whether an Accept-Encoding header allows enc
// (present and not q=0).
func acceptsEncoding(header, enc string) bool {
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), enc) {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}
