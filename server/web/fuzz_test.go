package web

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// FuzzAcceptEncoding sends a panel.wasm request with a fuzzed
// Accept-Encoding (split into header lines at '\n', as a client may send
// several): the answer is always 200 with the copy the header allows with
// the highest q-value (RFC 9110 §12.5.3; brotli on a tie), never a copy
// the header refuses, and the body is that copy's. The seeds are in
// testdata/fuzz.
func FuzzAcceptEncoding(f *testing.F) {
	f.Add("gzip, deflate, br, zstd")
	h := newStatic(testFiles)
	bodies := map[string]string{"": "\x00asm raw panel", "br": "brotli panel", "gzip": "gzip panel"}
	f.Fuzz(func(t *testing.T, header string) {
		lines := strings.Split(header, "\n")
		for _, l := range lines {
			if strings.ContainsFunc(l, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) {
				return // net/http refuses such a header before any handler runs
			}
		}
		var kv []string
		for _, l := range lines {
			kv = append(kv, "Accept-Encoding", l)
		}
		res, _ := get(t, h, http.MethodGet, "panel.wasm", kv...)
		if res.Status != http.StatusOK || res.Vary != "Accept-Encoding" {
			t.Fatalf("%q: status %d, Vary %q", header, res.Status, res.Vary)
		}
		if res.Body != bodies[res.Encoding] || res.Length != strconv.Itoa(len(res.Body)) {
			t.Fatalf("%q: Content-Encoding %q with body %q, length %s", header, res.Encoding, res.Body, res.Length)
		}
		qBr, qGzip := acceptQ(lines, "br"), acceptQ(lines, "gzip")
		for _, q := range []float64{qBr, qGzip} {
			if q < 0 || q > 1 {
				t.Fatalf("%q: q-value %v", header, q)
			}
		}
		want := ""
		switch {
		case qBr > 0 && qBr >= qGzip:
			want = "br"
		case qGzip > 0:
			want = "gzip"
		}
		if res.Encoding != want {
			t.Fatalf("%q (br q=%v, gzip q=%v): sent %q, want %q", header, qBr, qGzip, res.Encoding, want)
		}
		lower := strings.ToLower(header)
		if res.Encoding != "" && !strings.Contains(lower, res.Encoding) && !strings.Contains(lower, "*") {
			t.Fatalf("%q: sent %q, which the header never names", header, res.Encoding)
		}
	})
}

// FuzzParseAccept: every entry of an Accept-* header is a trimmed token
// without separators, weighed 0 to 1, at most maxAccepted of them.
func FuzzParseAccept(f *testing.F) {
	f.Add("ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7")
	f.Fuzz(func(t *testing.T, header string) {
		lines := strings.Split(header, "\n")
		got := ParseAccept(lines)
		if len(got) > maxAccepted {
			t.Fatalf("%q: %d entries", header, len(got))
		}
		for _, a := range got {
			if a.Value == "" || a.Value != strings.TrimSpace(a.Value) || strings.ContainsAny(a.Value, ",;") || a.Q < 0 || a.Q > 1 {
				t.Fatalf("%q: entry %+v", header, a)
			}
		}
	})
}
