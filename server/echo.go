package server

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"cookielab/server/session"
	"cookielab/wasm/contract"
	"cookielab/wasm/state"
)

// The echo shows the panel what a POST did, although the browser follows
// its redirect before any script runs: the panel adds a random nonce to the
// form (field _echo) or to a fetch (header X-Cookielab-Echo); the response's
// status, Location, Set-Cookie lines and session events are kept under that
// nonce, and GET /api/state?echo=NONCE hands them over once. Nothing is
// kept for a request without a nonce, and no cookie is involved.

// echoStore keeps echoes for a short time, bounded in number: the oldest
// goes first when it is full.
type echoStore struct {
	now func() time.Time
	ttl time.Duration
	max int

	mu    sync.Mutex
	byKey map[string]echoEntry
	order []string // insertion order, for eviction
}

type echoEntry struct {
	echo    state.Echo
	expires time.Time
}

func newEchoStore(now func() time.Time, ttl time.Duration, max int) *echoStore {
	return &echoStore{now: now, ttl: ttl, max: max, byKey: map[string]echoEntry{}}
}

func (s *echoStore) put(nonce string, e state.Echo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	// Drop expired and surplus entries from the front of the queue.
	for len(s.order) > 0 {
		first, ok := s.byKey[s.order[0]]
		if ok && len(s.byKey) < s.max && first.expires.After(now) {
			break
		}
		delete(s.byKey, s.order[0])
		s.order = s.order[1:]
	}
	if _, dup := s.byKey[nonce]; !dup {
		s.order = append(s.order, nonce)
	}
	s.byKey[nonce] = echoEntry{echo: e, expires: now.Add(s.ttl)}
}

// take returns the echo kept under nonce and forgets it.
func (s *echoStore) take(nonce string) (state.Echo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.byKey[nonce]
	if !ok {
		return state.Echo{}, false
	}
	delete(s.byKey, nonce)
	if i := slices.Index(s.order, nonce); i >= 0 {
		s.order = slices.Delete(s.order, i, i+1)
	}
	if !e.expires.After(s.now()) {
		return state.Echo{}, false
	}
	return e.echo, true
}

// EventsHeader names the session events a response caused, in order
// ("rotated", "rejected bad-signature"): the server's own account, for
// anyone who reads the raw response (DevTools, the browser suite). Like
// GET /api/state it describes only the caller's own session.
const EventsHeader = "Cookielab-Events"

// traceWriter finishes a request's trace as its header goes out: by then
// the session middleware (inside) has committed and added its Set-Cookie.
// It names the events in EventsHeader and, for a request that carried an
// echo nonce, keeps the echo.
type traceWriter struct {
	http.ResponseWriter
	r       *http.Request
	echoes  *echoStore
	now     func() time.Time
	trace   *trace
	nonce   string // "" when the request carried none
	written bool
}

func (w *traceWriter) WriteHeader(code int) {
	if !w.written {
		w.written = true
		h := w.ResponseWriter.Header()
		var events []state.Event
		if w.trace.sess != nil {
			events = w.trace.sess.Events()
		}
		if len(events) > 0 {
			parts := make([]string, len(events))
			for i, ev := range events {
				parts[i] = strings.TrimSpace(ev.Kind + " " + ev.Reason)
			}
			h.Set(EventsHeader, strings.Join(parts, ", "))
		}
		if w.nonce != "" {
			e := snapshot(h, w.r, w.trace.sess, w.now())
			e.Status = code
			e.Location = h.Get("Location")
			w.echoes.put(w.nonce, e)
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *traceWriter) Write(b []byte) (int, error) {
	if !w.written {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *traceWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// withEcho starts the request's trace and finishes it (traceWriter); a
// state-changing request that carries a valid nonce (form field or header)
// leaves its echo.
func withEcho(echoes *echoStore, now func() time.Time, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t := &trace{}
		r = r.WithContext(context.WithValue(r.Context(), traceKey{}, t))
		tw := &traceWriter{ResponseWriter: w, r: r, echoes: echoes, now: now, trace: t}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			nonce := r.Header.Get(contract.EchoHeader)
			if nonce == "" && r.PostForm != nil {
				nonce = r.PostForm.Get(contract.EchoField)
			}
			if contract.ValidNonce(nonce) {
				tw.nonce = nonce
			}
		}
		next.ServeHTTP(tw, r)
		if !tw.written {
			tw.WriteHeader(http.StatusOK)
		}
	})
}

// snapshot describes what this response has done so far: its Set-Cookie
// lines and the events of sess (nil outside the session middleware).
func snapshot(h http.Header, r *http.Request, sess *session.Session, now time.Time) state.Echo {
	e := state.Echo{
		Method:    r.Method,
		Path:      r.URL.Path,
		SetCookie: slices.Clone(h.Values("Set-Cookie")),
		At:        now.UTC(),
	}
	if e.SetCookie == nil {
		e.SetCookie = []string{}
	}
	if sess != nil {
		e.Events = sess.Events()
	}
	if e.Events == nil {
		e.Events = []state.Event{}
	}
	return e
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
func bindTrace(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if t := traceFrom(r.Context()); t != nil {
			t.sess = session.FromContext(r.Context())
		}
		next.ServeHTTP(w, r)
	})
}
