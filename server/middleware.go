package server

import (
	"errors"
	"log/slog"
	"net/http"
	"time"
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

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
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
		r.Body = http.MaxBytesReader(w, r.Body, maxBytes)
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
		}
		next.ServeHTTP(w, r)
	})
}

// refuseCrossOrigin refuses state-changing requests sent by another site
// (net/http's CrossOriginProtection: Sec-Fetch-Site, else Origin vs Host).
func refuseCrossOrigin(s *site, next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Error(w, r, &httpError{status: http.StatusForbidden, key: "error.403.cross_origin"})
	}))
	return cop.Handler(next)
}
