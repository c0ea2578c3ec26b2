package server

import (
	"net/http"

	"github.com/gorilla/mux"

	"cookielab/server/auth"
	"cookielab/server/web"
)

// handler lists every route of Cookie Lab, with its method, grouped by who
// may use it. Static files and the health check are served outside the
// session middleware: they never read or change a session. It also returns
// the application router, whose routes the tests match lessons against.
func (s *Server) handler() (http.Handler, *mux.Router) {
	app := s.router()
	root := mux.NewRouter()
	root.Handle("/healthz", handleHealthz()).Methods(http.MethodGet, http.MethodHead)
	root.PathPrefix("/static/").Handler(http.StripPrefix("/static/", web.Static())).Methods(http.MethodGet, http.MethodHead)
	root.PathPrefix("/").Handler(s.withSession(app))
	var h http.Handler = root
	h = limitBody(s.site, s.cfg.MaxBodyBytes, h)
	h = limitHeaders(s.site, s.cfg.MaxHeaderBytes, []string{s.sessions.Config().CookieName, "lang", "theme"}, h)
	h = securityHeaders(h)
	h = logRequests(s.site, h)
	return h, app
}

// withSession wraps the application routes, from the outside in: refusal
// of cross-origin writes, the action echo, the session, the current user,
// the preference cookies.
func (s *Server) withSession(app http.Handler) http.Handler {
	h := withPrefs(app)
	h = s.auth.Middleware(h)
	h = bindTrace(h)
	h = s.sessions.Handler(h)
	h = withEcho(s.echoes, s.site.now, s.clientOf, h)
	h = refuseCrossOrigin(s.site, h)
	return h
}

// router holds every application route.
func (s *Server) router() *mux.Router {
	site, a := s.site, s.auth
	r := mux.NewRouter()
	r.NotFoundHandler = handleNotFound(site)
	r.MethodNotAllowedHandler = handleMethodNotAllowed(site, r)
	// Pages answer HEAD as well as GET (net/http drops the body).
	get := []string{http.MethodGet, http.MethodHead}

	// For everyone.
	r.Handle("/", handleIndex(site, s.lessons)).Methods(get...)
	r.Handle("/lessons/{slug}", handleLesson(site, s.lessons, s.pages)).Methods(get...)
	r.Handle("/login", handleLoginForm(site)).Methods(get...)
	r.Handle("/login", handleLogin(site, a)).Methods(http.MethodPost)
	r.Handle("/signup", handleSignupForm(site)).Methods(get...)
	r.Handle("/signup", handleSignup(site, a)).Methods(http.MethodPost)
	r.Handle("/logout", handleLogout(a)).Methods(http.MethodPost)
	r.Handle("/prefs", handlePrefs(site)).Methods(http.MethodPost)
	r.Handle("/api/state", handleState(site.log, s.sessions, s.echoes, s.clientOf, site.now)).Methods(get...)

	// The playground the lessons use.
	r.Handle("/lab/session", handleLabSession(site)).Methods(http.MethodPost)
	r.Handle("/lab/cookie", handleLabCookie(site, s.sessions.Config().CookieName)).Methods(http.MethodPost)
	r.Handle("/lab/tracking", handleLabTracking()).Methods(http.MethodPost)
	r.Handle("/lab/reset", handleLabReset(a, s.sessions.Config().CookieName, s.attackers)).Methods(http.MethodPost)
	r.Handle("/lab/request", handleLabRequest(site, s.requests)).Methods(get...)
	r.Handle("/lab/stored", handleLabStored(site)).Methods(get...)
	r.Handle("/lab/template", handleLabTemplate(site, a.Users(), s.greeting)).Methods(get...)

	// The advanced track's playground: each defence it turns off is off
	// for the learner's own browser only (switches.go).
	r.Handle("/lab/switch", handleLabSwitch(site)).Methods(http.MethodPost)
	r.Handle("/lab/attacker", handleLabAttacker(site, s.attackers, s.clientOf)).Methods(http.MethodPost)
	r.Handle("/lab/attacker", handleLabAttackerShow(site, s.attackers)).Methods(get...)
	r.Handle("/lab/signed", handleLabSigned(site, s.notes)).Methods(http.MethodPost)
	r.Handle("/lab/signed", handleLabSignedShow(site, s.notes)).Methods(get...)
	r.Handle("/lab/tamper", handleLabTamper(site)).Methods(http.MethodPost)
	r.Handle("/lab/cookie-session", handleCookieSessionPut(site, s.cookieSessions)).Methods(http.MethodPost)
	r.Handle("/lab/cookie-session", handleCookieSessionShow(site, s.cookieSessions)).Methods(get...)
	r.Handle("/lab/cookie-session/login", handleCookieSessionLogin(site, s.cookieSessions)).Methods(http.MethodPost)
	r.Handle("/lab/cookie-session/logout", handleCookieSessionLogout(s.cookieSessions)).Methods(http.MethodPost)
	r.Handle("/lab/clock", handleLabClock(site)).Methods(http.MethodPost)
	r.Handle("/lab/csrf", handleCSRFPage(site, s.attackerSite != nil)).Methods(get...)
	r.Handle("/lab/csrf/transfer", handleCSRFTransfer(site)).Methods(http.MethodPost)
	r.Handle("/lab/csrf/protected", handleCSRFProtected(site)).Methods(http.MethodPost)
	r.Handle("/lab/csrf/attacker", handleAttackerLink(site, s.attackerSite, "")).Methods(get...)
	r.Handle("/lab/csrf/attacker/token", handleAttackerLink(site, s.attackerSite, "token")).Methods(get...)

	// Login required.
	r.Handle("/me", auth.RequireLogin(handleMe(site))).Methods(get...)
	r.Handle("/password", auth.RequireLogin(handlePassword(site, a))).Methods(http.MethodPost)
	r.Handle("/me/sessions", auth.RequireLogin(handleSessions(site, s.sessionList))).Methods(get...)
	r.Handle("/me/sessions/end", auth.RequireLogin(handleSessionEnd(site, s.sessionList))).Methods(http.MethodPost)
	r.Handle("/me/sessions/end-others", auth.RequireLogin(handleSessionsEndOthers(site, s.sessionList))).Methods(http.MethodPost)
	return r
}
