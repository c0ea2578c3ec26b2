package server

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"cookielab/wasm/contract"
)

// statusWriter remembers the status and size of a response for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs one structured line per request: method, path, status,
// duration and size. Never the query (it may hold an echo nonce), a cookie,
// a session id or a form value. A panic becomes a logged 500.
func logRequests(s *site, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", p)
				if sw.status == 0 {
					s.renderError(sw, r, &httpError{status: http.StatusInternalServerError, key: "error.500"})
				}
			}
			level := slog.LevelInfo
			if sw.status >= 500 {
				level = slog.LevelError
			}
			s.log.LogAttrs(r.Context(), level, "request",
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", sw.status),
				slog.Duration("duration", time.Since(start)),
				slog.Int("bytes", sw.bytes))
		}()
		next.ServeHTTP(sw, r)
	})
}

// contentSecurityPolicy allows only what the pages and the panel need:
// scripts and styles from this origin, WebAssembly compilation, fetches to
// this origin; no inline script or style, no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; " +
	"style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; " +
	"frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// securityHeaders are the headers every response carries, in canonical
// form. Each request's header gets these very slices: a later Set replaces
// a slice and an Add appends past its length, so none is ever changed.
var securityHeaderValues = []struct {
	name  string
	value []string
}{
	{"Content-Security-Policy", []string{contentSecurityPolicy}},
	{"X-Content-Type-Options", []string{"nosniff"}},
	{"X-Frame-Options", []string{"DENY"}},
	{"Referrer-Policy", []string{"same-origin"}},
	{"Cross-Origin-Opener-Policy", []string{"same-origin"}},
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for _, sh := range securityHeaderValues {
			h[sh.name] = sh.value[:1:1]
		}
		next.ServeHTTP(w, r)
	})
}

// limitBody bounds every request body and parses forms once, here, so an
// oversized or malformed body gets one clear answer (413 or 400) before any
// handler runs.
func limitBody(s *site, maxBytes int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxBytes {
			s.Error(w, r, &httpError{status: http.StatusRequestEntityTooLarge, key: "error.413", args: []any{"n", maxBytes}})
			return
		}
		if r.Body != nil && r.Body != http.NoBody { // a GET's: nothing to bound
			r.Body = http.MaxBytesReader(w, r.Body, maxBytes)
		}
		if r.Method == http.MethodPost {
			if err := r.ParseForm(); err != nil {
				var tooBig *http.MaxBytesError
				if errors.As(err, &tooBig) {
					s.Error(w, r, &httpError{status: http.StatusRequestEntityTooLarge, key: "error.413", args: []any{"n", maxBytes}})
					return
				}
				s.Error(w, r, badRequest("error.400.form"))
				return
			}
			if !validUTF8Form(r.PostForm) {
				// Browsers send a UTF-8 page's forms in UTF-8: anything else
				// was made by hand, and would reach the handlers as text
				// that is not text (a password bcrypt refuses: a 500).
				s.Error(w, r, badRequest("error.400.form"))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// validUTF8Form reports whether every name and value of a form is UTF-8.
func validUTF8Form(v url.Values) bool {
	for name, values := range v {
		if !utf8.ValidString(name) {
			return false
		}
		for _, value := range values {
			if !utf8.ValidString(value) {
				return false
			}
		}
	}
	return true
}

// refuseCrossOrigin refuses state-changing requests sent by another site
// (net/http's CrossOriginProtection: Sec-Fetch-Site, else Origin vs Host),
// except a request that carries the origin-check switch (lesson 14): only
// that request, from the learner's own browser, skips it.
func refuseCrossOrigin(s *site, next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Error(w, r, &httpError{status: http.StatusForbidden, key: "error.403.cross_origin", more: "csrf"})
	}))
	protected := cop.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if defenceOff(r, contract.SwitchOriginCheck) {
			next.ServeHTTP(w, r)
			return
		}
		protected.ServeHTTP(w, r)
	})
}

// DefaultMaxHeaderBytes is how much request header (request line and
// fields) Cookie Lab reads before answering 431 itself. The http.Server in
// cmd reads twice as much, so a request between the two gets this clear,
// translated page instead of net/http's bare "431 Request Header Fields Too
// Large", which no handler can change.
const DefaultMaxHeaderBytes = 32 << 10

// limitHeaders answers a request whose headers pass max with a 431 that
// says what happened. Too large a header is almost always too many
// cookies for this site, and the browser would send them with every
// request, so every page would fail: the answer also asks the browser to
// delete every cookie it sent except those in keep (the session, the
// language and the theme), at every Path that could have sent it here.
func limitHeaders(s *site, max int, keep []string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := headerBytes(r)
		if n <= max {
			next.ServeHTTP(w, r)
			return
		}
		cleared := 0
		if _, cookieBytes := sentCookies(r); 2*cookieBytes > n {
			cleared = clearCookies(w, r, keep)
		}
		s.log.Warn("request headers too large", "method", r.Method, "path", r.URL.Path, "bytes", n, "cleared", cleared)
		s.renderError(w, r, &httpError{status: http.StatusRequestHeaderFieldsTooLarge, key: "error.431",
			args: []any{"n", n, "max", max, "count", cleared}})
	})
}

// headerBytes is about what net/http counts against MaxHeaderBytes.
func headerBytes(r *http.Request) int {
	n := len(r.Method) + len(r.RequestURI) + len(r.Proto) + len("  \r\n") + len("Host: \r\n") + len(r.Host)
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(": ") + len(v) + len("\r\n")
		}
	}
	return n
}

// maxCleared bounds the Set-Cookie lines of one clearing answer (Chromium
// keeps at most 180 cookies per site).
const maxCleared = 200

// clearCookies expires each cookie r carried, but those named in keep, at
// each Path that path-matches r's (the only ones that could have sent it
// here), and reports how many cookies it named.
func clearCookies(w http.ResponseWriter, r *http.Request, keep []string) int {
	var paths []string
	for i, c := range r.URL.Path {
		if c == '/' && i > 0 {
			paths = append(paths, r.URL.Path[:i])
		}
		if c == '/' {
			paths = append(paths, r.URL.Path[:i+1])
		}
	}
	if !strings.HasSuffix(r.URL.Path, "/") {
		paths = append(paths, r.URL.Path)
	}
	seen := map[string]bool{}
	for _, c := range r.Cookies() {
		if seen[c.Name] || slices.Contains(keep, c.Name) || len(seen) == maxCleared {
			continue
		}
		seen[c.Name] = true
		for _, p := range paths {
			http.SetCookie(w, &http.Cookie{Name: c.Name, Path: p, MaxAge: -1})
		}
	}
	return len(seen)
}
