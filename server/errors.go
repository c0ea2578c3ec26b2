package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"cookielab/server/auth"
	"cookielab/server/session"
)

// httpError is an error a person should see: a status, a message key (see
// i18n/en.json) and the message's arguments.
type httpError struct {
	status int
	key    string
	args   []any
	hint   string // an optional second message key: what did not happen
	// more is an optional lesson that explains the refusal (its slug; the
	// link's words are the message key + ".more").
	more string
}

func (e *httpError) Error() string { return fmt.Sprintf("http %d: %s", e.status, e.key) }

func badRequest(key string, args ...any) error {
	return &httpError{status: http.StatusBadRequest, key: key, args: args}
}

// notDone says, for the routes that change an account, what a session that
// could not be saved left undone (auth.Login, SignUp and ChangePassword
// save the session before anything else takes effect).
var notDone = map[string]string{
	"/login":    "error.full.login",
	"/signup":   "error.full.signup",
	"/password": "error.full.password",
}

// errInterrupted is what a request gets when its session write lost the race
// with a logout (Django's SessionInterrupted).
var errInterrupted = &httpError{status: http.StatusBadRequest, key: "error.400.interrupted"}

// Error is the one error path for HTTP: it maps err to a status and a
// translated message page, and logs only internal failures.
func (s *site) Error(w http.ResponseWriter, r *http.Request, err error) {
	var he *httpError
	var busy *auth.BusyError
	var throttled *auth.ThrottledError
	var notAdmitted *notAdmittedError
	switch {
	case errors.As(err, &he):
	case errors.Is(err, session.ErrInterrupted):
		he = errInterrupted
	case errors.As(err, &notAdmitted):
		he = &httpError{status: http.StatusTooManyRequests, key: "error.429.sessions", args: []any{"n", notAdmitted.seconds()}}
		w.Header().Set("Retry-After", strconv.Itoa(notAdmitted.seconds()))
	case errors.Is(err, session.ErrTooLarge):
		he = &httpError{status: http.StatusBadRequest, key: "error.400.session_too_large"}
	case errors.Is(err, session.ErrFull):
		he = &httpError{status: http.StatusServiceUnavailable, key: "error.503.full", hint: notDone[r.URL.Path]}
		w.Header().Set("Retry-After", session.RetryFull)
	case errors.As(err, &busy):
		he = &httpError{status: http.StatusServiceUnavailable, key: "error.503.busy", args: []any{"n", busy.Seconds()}}
		w.Header().Set("Retry-After", strconv.Itoa(busy.Seconds()))
	case errors.As(err, &throttled):
		he = &httpError{status: http.StatusTooManyRequests, key: "error.429", args: []any{"n", throttled.Seconds()}}
		w.Header().Set("Retry-After", strconv.Itoa(throttled.Seconds()))
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		// The client has gone; nobody reads this, but the log should not
		// call it an internal error.
		s.log.Info("client gone", "method", r.Method, "path", r.URL.Path)
		he = &httpError{status: http.StatusServiceUnavailable, key: "error.503.gone"}
	case errors.Is(err, session.ErrUnavailable):
		s.log.Error("session store", "method", r.Method, "path", r.URL.Path, "err", err)
		he = &httpError{status: http.StatusServiceUnavailable, key: "error.503.store"}
		w.Header().Set("Retry-After", session.RetryUnavailable)
	default:
		s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		he = &httpError{status: http.StatusInternalServerError, key: "error.500"}
	}
	s.renderError(w, r, he)
}

// errorLink is the error page's way to the lesson that explains it.
type errorLink struct{ Href, Text string }

// renderError writes the error page for he, in the visitor's language.
func (s *site) renderError(w http.ResponseWriter, r *http.Request, he *httpError) {
	if session.FromContext(r.Context()) != nil {
		s.sessions.Commit(w, r) // an interrupted write has expired the cookie already
	}
	pg := s.newPage(r)
	pg.Title = pg.T("error.title")
	hint := ""
	if he.hint != "" {
		hint = pg.T(he.hint)
	}
	if he.status == http.StatusMethodNotAllowed && r.URL.Path == "/logout" {
		hint = pg.T("error.logout_get")
	}
	var more *errorLink
	if he.more != "" {
		more = &errorLink{Href: "/lessons/" + he.more, Text: pg.T(he.key + ".more")}
	}
	pg.Data = struct {
		Status  int
		Message string
		Hint    string
		More    *errorLink
	}{he.status, pg.T(he.key, he.args...), hint, more}
	s.write(w, r, he.status, "error", pg)
}

// handleNotFound answers an unknown address.
func handleNotFound(s *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Error(w, r, &httpError{status: http.StatusNotFound, key: "error.404"})
	})
}

// handleMethodNotAllowed answers a known path with the wrong method, and
// says which methods it takes (GET /logout is the one people meet).
func handleMethodNotAllowed(s *site, router *mux.Router) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var allowed []string
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			probe := r.Clone(r.Context())
			probe.Method = m
			var match mux.RouteMatch
			if router.Match(probe, &match) && match.MatchErr == nil {
				allowed = append(allowed, m)
			}
		}
		if len(allowed) > 0 {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
		}
		s.Error(w, r, &httpError{status: http.StatusMethodNotAllowed, key: "error.405", args: []any{"method", r.Method}})
	})
}
