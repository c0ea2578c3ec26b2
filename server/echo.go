package server

import (
	"container/list"
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

// echoStore keeps echoes for a short time, each bound to whoever made it:
// the session the response left (its id), or for a response that left
// none, the client (clientKey). Only that session, or that client, can
// collect it: a nonce seen by someone else is worth nothing to them.
//
// It is bounded twice: per client (a flood from one client, even one that
// starts a new session with every request, evicts only its own echoes) and
// in total; the oldest go first.
type echoStore struct {
	now       func() time.Time
	ttl       time.Duration
	max       int
	perClient int

	mu       sync.Mutex
	byNonce  map[string]*echoEntry
	order    list.List             // every entry, oldest first
	byClient map[string]*list.List // each client's entries, oldest first
}

type echoEntry struct {
	nonce   string
	owner   string // "s:" + session id, or "c:" + client
	client  string
	echo    state.Echo
	expires time.Time
	el, cel *list.Element // in order, in byClient[client]
}

func newEchoStore(now func() time.Time, ttl time.Duration, max, perClient int) *echoStore {
	return &echoStore{now: now, ttl: ttl, max: max, perClient: perClient,
		byNonce: map[string]*echoEntry{}, byClient: map[string]*list.List{}}
}

// echoOwner is who may collect an echo: the session, else the client.
func echoOwner(sessionID, client string) string {
	if sessionID != "" {
		return "s:" + sessionID
	}
	return "c:" + client
}

// put keeps e under nonce for owner (echoOwner), made by client. A nonce
// already kept for someone else is left alone: nobody overwrites another's
// echo by reusing its nonce.
func (s *echoStore) put(nonce, owner, client string, e state.Echo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for front := s.order.Front(); front != nil && !front.Value.(*echoEntry).expires.After(now); front = s.order.Front() {
		s.removeLocked(front.Value.(*echoEntry))
	}
	if old, ok := s.byNonce[nonce]; ok {
		if old.owner != owner {
			return
		}
		s.removeLocked(old)
	}
	if mine := s.byClient[client]; mine != nil && mine.Len() >= s.perClient {
		s.removeLocked(mine.Front().Value.(*echoEntry))
	}
	if len(s.byNonce) >= s.max {
		s.removeLocked(s.order.Front().Value.(*echoEntry))
	}
	en := &echoEntry{nonce: nonce, owner: owner, client: client, echo: e, expires: now.Add(s.ttl)}
	en.el = s.order.PushBack(en)
	mine := s.byClient[client]
	if mine == nil {
		mine = list.New()
		s.byClient[client] = mine
	}
	en.cel = mine.PushBack(en)
	s.byNonce[nonce] = en
}

func (s *echoStore) removeLocked(en *echoEntry) {
	delete(s.byNonce, en.nonce)
	s.order.Remove(en.el)
	mine := s.byClient[en.client]
	mine.Remove(en.cel)
	if mine.Len() == 0 {
		delete(s.byClient, en.client)
	}
}

// take returns the echo kept under nonce and forgets it, if the requester
// (its session id, "" for none, and its client) is the one it was kept for.
func (s *echoStore) take(nonce, sessionID, client string) (state.Echo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	en, ok := s.byNonce[nonce]
	if !ok {
		return state.Echo{}, false
	}
	if en.owner != "c:"+client && (sessionID == "" || en.owner != "s:"+sessionID) {
		return state.Echo{}, false // not theirs: left for its owner
	}
	s.removeLocked(en)
	if !en.expires.After(s.now()) {
		return state.Echo{}, false
	}
	return en.echo, true
}

// Len reports how many echoes are kept, for an operator.
func (s *echoStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byNonce)
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
	client  string // clientKey of the request
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
			sid := ""
			if w.trace.sess != nil && !w.trace.cookieReplaced {
				sid = w.trace.sess.ID() // committed by now: the session the browser will present next
			}
			w.echoes.put(w.nonce, echoOwner(sid, w.client), w.client, e)
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

// withEcho finishes the request's trace (traceWriter); a
// request that carries a valid nonce (a form field of a state-changing
// request, or the header on any) leaves its echo.
func withEcho(echoes *echoStore, now func() time.Time, clientOf func(*http.Request) string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rq := requestOf(r)
		if rq == nil {
			rq = &request{} // outside withRequest (a test of this middleware alone)
		}
		// In the request's record: one allocation fewer per request.
		tw := &rq.echoWriter
		*tw = traceWriter{ResponseWriter: w, r: r, echoes: echoes, now: now, trace: &rq.trace}
		// A form's field counts on a state-changing request; a fetch's
		// header on any (a lesson's fetch GET shows its exchange too).
		nonce := canonicalHeader(r.Header, contract.EchoHeader)
		if nonce == "" && r.Method != http.MethodGet && r.Method != http.MethodHead && r.PostForm != nil {
			nonce = r.PostForm.Get(contract.EchoField)
		}
		if contract.ValidNonce(nonce) {
			tw.nonce, tw.client = nonce, clientOf(r)
		}
		next.ServeHTTP(tw, r)
		if !tw.written {
			tw.WriteHeader(http.StatusOK)
		}
	})
}

// snapshot describes what this request and its response have done so far:
// the Cookie header received, the Set-Cookie lines and the events of sess
// (nil outside the session middleware).
func snapshot(h http.Header, r *http.Request, sess *session.Session, now time.Time) state.Echo {
	e := state.Echo{
		Method:    r.Method,
		Path:      r.URL.EscapedPath(),
		Site:      canonicalHeader(r.Header, "Sec-Fetch-Site"),
		Cookies:   receivedCookies(r),
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
	// cookieReplaced: a handler set the session cookie itself (lesson
	// 11's plant, lesson 12's tamper), so the session the browser presents
	// next is not sess's: the echo is kept for the client instead.
	cookieReplaced bool
}

// replacedSessionCookie notes, for r's echo, that its response sets the
// session cookie outside the session manager (see trace.cookieReplaced).
func replacedSessionCookie(r *http.Request) {
	if t := traceOf(r); t != nil {
		t.cookieReplaced = true
	}
}

// traceOf returns r's trace (in its record, withRequest), or nil.
func traceOf(r *http.Request) *trace {
	if rq := requestOf(r); rq != nil {
		return &rq.trace
	}
	return nil
}

// bindTrace runs inside the session middleware and hands the request's
// session handle to the trace that withEcho started outside it.
func bindTrace(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if t := traceOf(r); t != nil {
			t.sess = session.FromContext(r.Context())
		}
		next.ServeHTTP(w, r)
	})
}
