package server

import (
	"net/http"

	"github.com/gorilla/mux"

	"cookielab/server/auth"
	"cookielab/server/web"
)

// handler lists every route of Cookie Lab, with its method, grouped by who
// may use it. Static files and the health check are served outside the
// session middleware: they never read or change a session.
func (s *Server) handler() http.Handler {
	root := mux.NewRouter()
	root.Handle("/healthz", handleHealthz()).Methods(http.MethodGet, http.MethodHead)
	root.PathPrefix("/static/").Handler(http.StripPrefix("/static/", web.Static())).Methods(http.MethodGet, http.MethodHead)
	s.appRouter = s.router()
	root.PathPrefix("/").Handler(s.withSession(s.appRouter))
	var h http.Handler = root
	h = s.limitBody(h)
	h = securityHeaders(h)
	h = s.logRequests(h)
	return h
}

// withSession wraps the application routes, from the outside in: refusal
// of cross-origin writes, the action echo, the session, the current user,
// the preference cookies.
func (s *Server) withSession(app http.Handler) http.Handler {
	h := s.withPrefs(app)
	h = s.auth.Middleware(h)
	h = s.bindTrace(h)
	h = s.sessions.Handler(h)
	h = s.withEcho(h)
	h = s.refuseCrossOrigin(h)
	return h
}

// router holds every application route.
func (s *Server) router() *mux.Router {
	r := mux.NewRouter()
	r.NotFoundHandler = http.HandlerFunc(s.handleNotFound)
	r.MethodNotAllowedHandler = http.HandlerFunc(s.handleMethodNotAllowed)
	// Pages answer HEAD as well as GET (net/http drops the body).
	get := []string{http.MethodGet, http.MethodHead}

	// For everyone.
	r.Handle("/", s.handleIndex()).Methods(get...)
	r.Handle("/lessons/{slug}", s.handleLesson()).Methods(get...)
	r.Handle("/login", s.handleLoginForm()).Methods(get...)
	r.Handle("/login", s.handleLogin()).Methods(http.MethodPost)
	r.Handle("/signup", s.handleSignupForm()).Methods(get...)
	r.Handle("/signup", s.handleSignup()).Methods(http.MethodPost)
	r.Handle("/logout", s.handleLogout()).Methods(http.MethodPost)
	r.Handle("/prefs", s.handlePrefs()).Methods(http.MethodPost)
	r.Handle("/api/state", s.handleState()).Methods(get...)

	// The playground the lessons use.
	r.Handle("/lab/session", s.handleLabSession()).Methods(http.MethodPost)
	r.Handle("/lab/cookie", s.handleLabCookie()).Methods(http.MethodPost)
	r.Handle("/lab/tracking", s.handleLabTracking()).Methods(http.MethodPost)
	r.Handle("/lab/request", s.handleLabRequest()).Methods(get...)
	r.Handle("/lab/template", s.handleLabTemplate()).Methods(get...)

	// Login required.
	r.Handle("/me", auth.RequireLogin(s.handleMe())).Methods(get...)
	r.Handle("/password", auth.RequireLogin(s.handlePassword())).Methods(http.MethodPost)
	return r
}
