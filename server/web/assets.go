package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// static holds the site's CSS and scripts and, once the panel is built
// (make run), panel.wasm, its gzip and brotli copies and wasm_exec.js.
//
//go:embed static
var static embed.FS

// PanelBuilt reports whether the panel was embedded (panel.wasm and the Go
// loader wasm_exec.js), so a page can say how to build it instead of
// failing to load it.
func PanelBuilt() bool { return panelBuilt() }

// panelBuilt is asked once: what is embedded cannot change while the
// program runs, and every page asks.
var panelBuilt = sync.OnceValue(func() bool {
	for _, name := range []string{"static/panel.wasm", "static/wasm_exec.js"} {
		if _, err := fs.Stat(static, name); err != nil {
			return false
		}
	}
	return true
})

// Static serves the embedded static files (mount it with
// http.StripPrefix("/static/", …)); see newStatic.
func Static() http.Handler { return staticFiles() }

// URL is where pages link the static file p (its path under static/)
// from: its content-hashed name, which browsers cache for good, so a warm
// page load asks for none of them (the panel's 2.9 MB above all); the
// plain /static/p when there is no such file.
func URL(p string) string { return "/static/" + staticFiles().name(p) }

var staticFiles = sync.OnceValue(func() *statics {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	return newStatic(sub)
})

// statics serves the static files.
type statics struct {
	assets map[string]*asset // by path
	hashed map[string]string // a file's path → its hashed name
	byHash map[string]*asset // hashed name → its asset
}

// name is the file's hashed name, or path when there is no such file.
func (s *statics) name(path string) string {
	if n, ok := s.hashed[path]; ok {
		return n
	}
	return path
}

// hashedName inserts the hash of body before the extension of p.
func hashedName(p string, body []byte) string {
	sum := sha256.Sum256(body)
	ext := path.Ext(p)
	return strings.TrimSuffix(p, ext) + "." + hex.EncodeToString(sum[:8]) + ext
}

// asset is one file ready to serve: its content type, strong ETag and any
// precompressed variants.
type asset struct {
	body     []byte
	ctype    string
	etag     string
	variants []variant // brotli first
}

type variant struct {
	encoding string // "br" or "gzip"
	body     []byte
	etag     string
}

// encodings are the precompressed copies looked for beside each file, in
// order of preference.
var encodings = []struct{ ext, name string }{{".br", "br"}, {".gz", "gzip"}}

// newStatic serves the files of fsys. A file with a precompressed copy
// (FILE.br, FILE.gz, made by ./precompress) is sent compressed when
// Accept-Encoding allows it, brotli first, with Vary: Accept-Encoding; the
// copies are not served under their own names. Every response carries a
// strong ETag (a hash of the bytes sent) and Cache-Control: no-cache, so a
// browser revalidates and gets a 304 instead of the file again. Every file
// is also served under a name that holds a hash of its bytes
// (panel.wasm as panel.0123456789abcdef.wasm, see URL) with
// Cache-Control: immutable: a new build is a new name. Unknown files (and
// hashes that are not the file's) get a 404.
func newStatic(fsys fs.FS) *statics {
	assets := map[string]*asset{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || isVariant(p) {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		a := &asset{body: body, ctype: contentType(p), etag: etagOf(body)}
		for _, enc := range encodings {
			if b, err := fs.ReadFile(fsys, p+enc.ext); err == nil {
				a.variants = append(a.variants, variant{encoding: enc.name, body: b, etag: etagOf(b)})
			}
		}
		assets[p] = a
		return nil
	})
	if err != nil {
		panic(err) // embedded files are always readable
	}
	s := &statics{assets: assets, hashed: map[string]string{}, byHash: map[string]*asset{}}
	for p, a := range assets {
		n := hashedName(p, a.body)
		s.hashed[p], s.byHash[n] = n, a
	}
	return s
}

func (s *statics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
		return
	}
	cache := "no-cache"
	a, ok := s.assets[r.URL.Path]
	if !ok {
		a, ok = s.byHash[r.URL.Path]
		cache = "public, max-age=31536000, immutable"
	}
	if !ok {
		http.Error(w, "404 page not found: no such static file", http.StatusNotFound)
		return
	}
	h.Set("Content-Type", a.ctype)
	h.Set("Cache-Control", cache)
	h.Set("X-Content-Type-Options", "nosniff")
	body, etag := a.body, a.etag
	if len(a.variants) > 0 {
		h.Add("Vary", "Accept-Encoding")
		if v := pickVariant(a.variants, r.Header.Values("Accept-Encoding")); v != nil {
			h.Set("Content-Encoding", v.encoding)
			body, etag = v.body, v.etag
		}
	}
	h.Set("ETag", etag)
	// ServeContent leaves Content-Length out when Content-Encoding is set
	// (for writers that compress on the fly); ours are precompressed. It
	// drops or replaces the header for a 304, a range or an error.
	h.Set("Content-Length", strconv.Itoa(len(body)))
	// ServeContent answers If-None-Match with 304 and handles HEAD and ranges.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

func isVariant(name string) bool {
	for _, enc := range encodings {
		if strings.HasSuffix(name, enc.ext) {
			return true
		}
	}
	return false
}

func contentType(name string) string {
	switch ext := path.Ext(name); ext {
	case ".wasm":
		return "application/wasm"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	default:
		if t := mime.TypeByExtension(ext); t != "" {
			return t
		}
	}
	return "application/octet-stream"
}

func etagOf(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}

// pickVariant chooses the precompressed copy the Accept-Encoding header
// values allow with the highest q-value (ties go to the earlier variant,
// brotli); nil means identity.
func pickVariant(variants []variant, header []string) *variant {
	var best *variant
	bestQ := 0.0
	for i := range variants {
		if q := acceptQ(header, variants[i].encoding); q > bestQ {
			best, bestQ = &variants[i], q
		}
	}
	return best
}

// acceptQ is the q-value that Accept-Encoding gives enc: its own entry's,
// else the "*" entry's, else 0 (RFC 9110, section 12.5.3).
func acceptQ(header []string, enc string) float64 {
	q, wildcard := -1.0, -1.0
	for _, a := range ParseAccept(header) {
		switch {
		case strings.EqualFold(a.Value, enc):
			q = a.Q
		case a.Value == "*":
			wildcard = a.Q
		}
	}
	if q < 0 {
		q = wildcard
	}
	return max(q, 0)
}
