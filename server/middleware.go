package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"cookielab/server/session"
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
func (s *Server) logRequests(next http.Handler) http.Handler {
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
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > s.cfg.MaxBodyBytes {
			s.Error(w, r, &httpError{status: http.StatusRequestEntityTooLarge, key: "error.413", args: []any{s.cfg.MaxBodyBytes}})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		if r.Method == http.MethodPost {
			if err := r.ParseForm(); err != nil {
				var tooBig *http.MaxBytesError
				if errors.As(err, &tooBig) {
					s.Error(w, r, &httpError{status: http.StatusRequestEntityTooLarge, key: "error.413", args: []any{s.cfg.MaxBodyBytes}})
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
func (s *Server) refuseCrossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Error(w, r, &httpError{status: http.StatusForbidden, key: "error.403.cross_origin"})
	}))
	return cop.Handler(next)
}

// prefs are the visitor's preference cookies as this request resolved them.
type prefs struct {
	Lang  string // "en" or "ko"
	Theme string // "light", "dark" or "" (follow the system)
}

type prefsKey struct{}

// prefsOf returns the preferences withPrefs resolved for r; for an error
// raised before that middleware ran, it resolves them from r itself, so
// every page speaks the visitor's language.
func prefsOf(r *http.Request) prefs {
	if p, ok := r.Context().Value(prefsKey{}).(prefs); ok {
		return p
	}
	return resolvePrefs(r)
}

// withPrefs resolves the language (the lang cookie, else Accept-Language)
// and the theme for every request.
func (s *Server) withPrefs(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := resolvePrefs(r)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), prefsKey{}, p)))
	})
}

func resolvePrefs(r *http.Request) prefs {
	p := prefs{Lang: ""}
	if c, err := r.Cookie("lang"); err == nil && validLang(c.Value) {
		p.Lang = c.Value
	}
	if p.Lang == "" {
		p.Lang = langFromAcceptLanguage(r.Header.Get("Accept-Language"))
	}
	if c, err := r.Cookie("theme"); err == nil && validTheme(c.Value) {
		p.Theme = c.Value
	}
	return p
}

func validLang(v string) bool  { return v == "en" || v == "ko" }
func validTheme(v string) bool { return v == "light" || v == "dark" }

// langFromAcceptLanguage picks ko or en, whichever the header ranks higher;
// en when neither appears or the header is malformed.
func langFromAcceptLanguage(header string) string {
	if len(header) > 1024 {
		return "en"
	}
	best, bestQ := "en", -1.0
	for i, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			q = f
		}
		primary, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if (primary == "en" || primary == "ko") && q > bestQ {
			best, bestQ = primary, q
		}
		if i > 32 {
			break
		}
	}
	return best
}

// trace is one request's record of what it did, for its echo: the session
// handle (bound inside the session middleware) gives the events; the
// Set-Cookie lines come from the response headers.
type trace struct {
	sess *session.Session
}

type traceKey struct{}

func traceFrom(ctx context.Context) *trace {
	t, _ := ctx.Value(traceKey{}).(*trace)
	return t
}

// bindTrace runs inside the session middleware and hands the request's
// session handle to the trace that withEcho started outside it.
func (s *Server) bindTrace(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if t := traceFrom(r.Context()); t != nil {
			t.sess = session.FromContext(r.Context())
		}
		next.ServeHTTP(w, r)
	})
}
