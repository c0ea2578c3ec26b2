package web

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// testFiles stands in for a built static/ directory.
var testFiles = fstest.MapFS{
	"panel.wasm":    {Data: []byte("\x00asm raw panel")},
	"panel.wasm.br": {Data: []byte("brotli panel")},
	"panel.wasm.gz": {Data: []byte("gzip panel")},
	"panel.js":      {Data: []byte("// js")},
	"panel.css":     {Data: []byte("#panel{}")},
	"only.gz.txt":   {Data: []byte("not a variant")},
	"img/logo.svg":  {Data: []byte("<svg/>")},
}

type response struct {
	Status                     int
	Body                       string
	ContentType, Encoding      string
	Vary, CacheControl, Length string
}

func get(t *testing.T, h http.Handler, method, path string, header ...string) (response, http.Header) {
	t.Helper()
	req := httptest.NewRequest(method, "/static/"+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	http.StripPrefix("/static/", h).ServeHTTP(rec, req)
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return response{
		Status: res.StatusCode, Body: string(body),
		ContentType: res.Header.Get("Content-Type"), Encoding: res.Header.Get("Content-Encoding"),
		Vary: res.Header.Get("Vary"), CacheControl: res.Header.Get("Cache-Control"), Length: res.Header.Get("Content-Length"),
	}, res.Header
}

func TestStaticEncodings(t *testing.T) {
	h := newStatic(testFiles)
	wasm := func(body, enc string) response {
		return response{Status: 200, Body: body, ContentType: "application/wasm", Encoding: enc,
			Vary: "Accept-Encoding", CacheControl: "no-cache", Length: itoa(len(body))}
	}
	tests := []struct {
		name   string
		method string
		path   string
		accept []string
		want   response
	}{
		{name: "brotli preferred", path: "panel.wasm", accept: []string{"gzip, deflate, br, zstd"}, want: wasm("brotli panel", "br")},
		{name: "gzip only", path: "panel.wasm", accept: []string{"gzip"}, want: wasm("gzip panel", "gzip")},
		{name: "no Accept-Encoding", path: "panel.wasm", want: wasm("\x00asm raw panel", "")},
		{name: "identity", path: "panel.wasm", accept: []string{"identity"}, want: wasm("\x00asm raw panel", "")},
		{name: "br refused by q=0", path: "panel.wasm", accept: []string{"br;q=0, gzip"}, want: wasm("gzip panel", "gzip")},
		{name: "higher q wins", path: "panel.wasm", accept: []string{"br;q=0.5, gzip;q=0.9"}, want: wasm("gzip panel", "gzip")},
		{name: "wildcard", path: "panel.wasm", accept: []string{"*"}, want: wasm("brotli panel", "br")},
		{name: "wildcard refused, gzip named", path: "panel.wasm", accept: []string{"gzip;q=0.1, *;q=0"}, want: wasm("gzip panel", "gzip")},
		{name: "case and spaces, two header lines", path: "panel.wasm", accept: []string{"deflate", " GZIP ; Q=1.0 "}, want: wasm("gzip panel", "gzip")},
		{name: "malformed q refuses", path: "panel.wasm", accept: []string{"br;q=high"}, want: wasm("\x00asm raw panel", "")},
		{name: "HEAD", method: "HEAD", path: "panel.wasm", accept: []string{"br"},
			want: response{Status: 200, ContentType: "application/wasm", Encoding: "br", Vary: "Accept-Encoding", CacheControl: "no-cache", Length: "12"}},
		{name: "script, no variants, no Vary", path: "panel.js", accept: []string{"br"},
			want: response{Status: 200, Body: "// js", ContentType: "text/javascript; charset=utf-8", CacheControl: "no-cache", Length: "5"}},
		{name: "css", path: "panel.css",
			want: response{Status: 200, Body: "#panel{}", ContentType: "text/css; charset=utf-8", CacheControl: "no-cache", Length: "8"}},
		{name: "nested file", path: "img/logo.svg",
			want: response{Status: 200, Body: "<svg/>", ContentType: "image/svg+xml", CacheControl: "no-cache", Length: "6"}},
		{name: "a .gz in the middle of a name is a file", path: "only.gz.txt",
			want: response{Status: 200, Body: "not a variant", ContentType: "text/plain; charset=utf-8", CacheControl: "no-cache", Length: "13"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hdr []string
			for _, a := range tt.accept {
				hdr = append(hdr, "Accept-Encoding", a)
			}
			method := tt.method
			if method == "" {
				method = "GET"
			}
			got, _ := get(t, h, method, tt.path, hdr...)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func itoa(n int) string {
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	if s == "" {
		return "0"
	}
	return s
}

func TestStaticNotFound(t *testing.T) {
	h := newStatic(testFiles)
	for _, tt := range []struct{ name, path string }{
		{"unknown", "nope.js"},
		{"variant by its own name", "panel.wasm.gz"},
		{"brotli variant by its own name", "panel.wasm.br"},
		{"directory", "img"},
		{"root", ""},
		{"dot dot", "../assets.go"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := get(t, h, "GET", tt.path, "Accept-Encoding", "br")
			if got.Status != http.StatusNotFound || got.Encoding != "" {
				t.Errorf("GET %q: %d, encoding %q", tt.path, got.Status, got.Encoding)
			}
		})
	}
	got, hdr := get(t, h, "POST", "panel.js")
	if got.Status != http.StatusMethodNotAllowed || hdr.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d, Allow %q", got.Status, hdr.Get("Allow"))
	}
}

func TestStaticRevalidation(t *testing.T) {
	h := newStatic(testFiles)
	_, raw := get(t, h, "GET", "panel.wasm")
	_, br := get(t, h, "GET", "panel.wasm", "Accept-Encoding", "br")
	_, gz := get(t, h, "GET", "panel.wasm", "Accept-Encoding", "gzip")
	etags := []string{raw.Get("ETag"), br.Get("ETag"), gz.Get("ETag")}
	for _, e := range etags {
		if !strings.HasPrefix(e, `"`) || !strings.HasSuffix(e, `"`) || len(e) < 10 {
			t.Fatalf("ETag %q is not a strong entity tag", e)
		}
	}
	if etags[0] == etags[1] || etags[1] == etags[2] || etags[0] == etags[2] {
		t.Errorf("each representation needs its own ETag: %v", etags)
	}
	if _, again := get(t, h, "GET", "panel.wasm", "Accept-Encoding", "br"); again.Get("ETag") != etags[1] {
		t.Error("ETag not stable")
	}
	tests := []struct {
		name        string
		accept      string
		ifNoneMatch string
		want        int
	}{
		{"same representation", "br", etags[1], http.StatusNotModified},
		{"one of a list", "br", `"x", ` + etags[1], http.StatusNotModified},
		{"star", "gzip", "*", http.StatusNotModified},
		{"weak form matches", "gzip", "W/" + etags[2], http.StatusNotModified},
		{"other representation's tag", "gzip", etags[1], http.StatusOK},
		{"stale tag", "br", `"old"`, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, hdr := get(t, h, "GET", "panel.wasm", "Accept-Encoding", tt.accept, "If-None-Match", tt.ifNoneMatch)
			if got.Status != tt.want {
				t.Fatalf("status %d, want %d", got.Status, tt.want)
			}
			if tt.want == http.StatusNotModified {
				if got.Body != "" || hdr.Get("ETag") == "" || got.Vary != "Accept-Encoding" || got.CacheControl != "no-cache" {
					t.Errorf("304 = %+v, ETag %q", got, hdr.Get("ETag"))
				}
			}
		})
	}
}

// TestEmbedded checks the real embedded directory: the committed files
// are served, and PanelBuilt agrees with what is there (the panel may or
// may not have been built before the test).
func TestEmbedded(t *testing.T) {
	h := Static()
	for _, name := range []string{"panel.js", "panel.css"} {
		if got, _ := get(t, h, "GET", name); got.Status != http.StatusOK || got.CacheControl != "no-cache" {
			t.Errorf("%s: %+v", name, got)
		}
	}
	wasm, _ := get(t, h, "GET", "panel.wasm", "Accept-Encoding", "br, gzip")
	loader, _ := get(t, h, "GET", "wasm_exec.js")
	built := wasm.Status == http.StatusOK && loader.Status == http.StatusOK
	if PanelBuilt() != built {
		t.Errorf("PanelBuilt() = %v, but panel.wasm %d and wasm_exec.js %d", PanelBuilt(), wasm.Status, loader.Status)
	}
	if built && wasm.ContentType != "application/wasm" {
		t.Errorf("panel.wasm Content-Type %q", wasm.ContentType)
	}
	if got, _ := get(t, h, "GET", "no-such-file.js"); got.Status != http.StatusNotFound {
		t.Errorf("unknown file: %d", got.Status)
	}
}

// TestStaticHashedName: every file is also served under a name holding a
// hash of its bytes, cached for good; the plain name still revalidates; a
// hash that is not the file's is not found.
func TestStaticHashedName(t *testing.T) {
	s := newStatic(testFiles)
	name := s.name("panel.wasm")
	if name == "panel.wasm" || !strings.HasPrefix(name, "panel.") || !strings.HasSuffix(name, ".wasm") || len(name) != len("panel.0123456789abcdef.wasm") {
		t.Fatalf("hashed name %q", name)
	}
	if js := s.name("img/logo.svg"); !strings.HasPrefix(js, "img/logo.") || !strings.HasSuffix(js, ".svg") {
		t.Errorf("img/logo.svg's hashed name %q", js)
	} else if res, _ := get(t, s, "GET", js); res.ContentType != "image/svg+xml" || res.Body != "<svg/>" {
		t.Errorf("GET %s = %+v", js, res)
	}
	if s.name("no/such.js") != "no/such.js" {
		t.Errorf("a file that is not there got a hashed name %q", s.name("no/such.js"))
	}
	res, _ := get(t, s, "GET", name, "Accept-Encoding", "br")
	if want := (response{Status: 200, Body: "brotli panel", ContentType: "application/wasm", Encoding: "br", Vary: "Accept-Encoding",
		CacheControl: "public, max-age=31536000, immutable", Length: "12"}); res != want {
		t.Errorf("GET %s = %+v, want %+v", name, res, want)
	}
	if res, _ := get(t, s, "GET", "panel.wasm"); res.CacheControl != "no-cache" {
		t.Errorf("the plain name: Cache-Control %q", res.CacheControl)
	}
	if res, _ := get(t, s, "GET", "panel.0000000000000000.wasm"); res.Status != http.StatusNotFound {
		t.Errorf("another hash: %d", res.Status)
	}
	other := fstest.MapFS{"panel.wasm": {Data: []byte("\x00asm another build")}}
	if newStatic(other).name("panel.wasm") == name {
		t.Error("two builds share a name")
	}
}

// panelBrotliLimit is what panel.wasm may weigh on the wire, brotli-
// compressed: the issue's 560 KB, read as 560,000 bytes (README.md, "The
// panel's weight"). Brotli's output moves by a KB or so with any small
// change to the binary, so the margin under it is worth watching.
const panelBrotliLimit = 560_000

// TestPanelFitsTheWire: the built panel's brotli copy, as embedded, is
// within the limit. Without a built panel (go test without make panel) it
// skips, except under CI=true, where make test has built it.
func TestPanelFitsTheWire(t *testing.T) {
	info, err := fs.Stat(static, "static/panel.wasm.br")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true, yet no panel.wasm.br is embedded (make test builds it first): %v", err)
		}
		t.Skip("the panel is not built (make panel)")
	}
	if info.Size() > panelBrotliLimit {
		t.Errorf("panel.wasm is %d bytes brotli, %d over the limit of %d: the change must pay for itself (wasm/README.md says what keeps the panel small)",
			info.Size(), info.Size()-panelBrotliLimit, panelBrotliLimit)
	} else {
		t.Logf("panel.wasm: %d bytes brotli, %d under the limit", info.Size(), panelBrotliLimit-info.Size())
	}
}
