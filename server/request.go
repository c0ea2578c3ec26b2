package server

import (
	"context"
	"net/http"

	"cookielab/server/auth"
	"cookielab/server/session"
)

// request is what the server works out once about one request, for every
// part that asks: its cookies as net/http reads them, the visitor's
// preferences and the trace its echo is made from. It is one value in the
// request's context (withRequest) rather than a layer per middleware, each
// a copy of the request and a longer chain for every lookup; and the
// Cookie header is read once rather than once for each cookie looked up.
//
// The session middleware and the auth middleware keep the session and the
// user here too, in the slots their packages define (session.SlotKey,
// auth.SlotKey), which the record's context answers for.
type request struct {
	ctx requestContext // the context it is in, allocated with it
	// cookies is r.Cookies(): every cookie net/http reads, in header order.
	cookies []*http.Cookie
	prefs   prefs
	trace   trace
	// echoWriter is withEcho's writer, kept here to save an allocation.
	echoWriter traceWriter
	session    session.Slot
	user       auth.Slot
	vars       map[string]string // the matched route's variables (routeVar)
}

type requestKey struct{}

// requestContext is a request's context with its record: one layer that
// answers for the record and for the slots in it.
type requestContext struct {
	context.Context
	rq *request
}

func (c *requestContext) Value(key any) any {
	switch key {
	case requestKey{}:
		return c.rq
	case session.SlotKey:
		return &c.rq.session
	case auth.SlotKey:
		return &c.rq.user
	}
	return c.Context.Value(key)
}

// withRequest starts the request's record; every route behind the
// session middleware runs inside it.
func withRequest(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rq := &request{cookies: r.Cookies()}
		rq.prefs = resolvePrefs(r, rq.cookies)
		rq.ctx = requestContext{Context: r.Context(), rq: rq}
		next.ServeHTTP(w, r.WithContext(&rq.ctx))
	})
}

// requestOf returns r's record, or nil outside withRequest (the static
// files, an error answered before it ran, a test calling a helper).
func requestOf(r *http.Request) *request {
	rq, _ := r.Context().Value(requestKey{}).(*request)
	return rq
}

// cookiesOf returns r.Cookies(), read once per request inside withRequest.
// The caller must not change them.
func cookiesOf(r *http.Request) []*http.Cookie {
	if rq := requestOf(r); rq != nil {
		return rq.cookies
	}
	return r.Cookies()
}

// cookieNamed is r.Cookie(name), from cookiesOf.
func cookieNamed(r *http.Request, name string) (*http.Cookie, bool) {
	return firstNamed(cookiesOf(r), name)
}

// canonicalHeader is h.Get(key) for a key in canonical form (a constant;
// TestHeaderKeysAreCanonical), which Get would canonicalize again on
// every request.
func canonicalHeader(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func firstNamed(cookies []*http.Cookie, name string) (*http.Cookie, bool) {
	for _, c := range cookies {
		if c.Name == name {
			return c, true
		}
	}
	return nil, false
}
