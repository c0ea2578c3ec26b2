package server

import (
	"net/http"
	"net/url"
	"path"
	"strings"

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
	h := outsideSession(handleHealthz(), http.StripPrefix("/static/", web.Static()), s.withSession(serveRoutes(app)))
	h = limitBody(s.site, s.cfg.MaxBodyBytes, h)
	h = limitHeaders(s.site, s.cfg.MaxHeaderBytes, []string{s.sessions.Config().CookieName, "lang", "theme"}, h)
	h = securityHeaders(h)
	h = logRequests(s.site, h)
	return h, app
}

// outsideSession answers "GET /healthz" and "GET /static/…" (and HEAD)
// itself, and hands every other request to app. It is a switch rather than
// a second router: a router puts two values in every request's context,
// and three routes need no matching by pattern. Like the router it was, it
// first redirects a path that is not clean (//a, /a/../b) to the clean one.
func outsideSession(healthz, static, app http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := cleanPath(r.URL.Path); p != r.URL.Path {
			u := *r.URL
			u.Path = p
			w.Header().Set("Location", u.String())
			w.WriteHeader(http.StatusMovedPermanently)
			return
		}
		get := r.Method == http.MethodGet || r.Method == http.MethodHead
		switch {
		case get && r.URL.Path == "/healthz":
			healthz.ServeHTTP(w, r)
		case get && strings.HasPrefix(r.URL.Path, "/static/"):
			static.ServeHTTP(w, r)
		default:
			app.ServeHTTP(w, r)
		}
	})
}

// serveRoutes serves router's routes. The router itself would put the
// route's variables (/lessons/{slug}) and the route in the request's
// context, two layers, each a copy of the request; here the variables go
// in the request's record instead (routeVar), and the matched handler (or
// the not-found or wrong-method answer) is called straight from the match.
// outsideSession has already cleaned the path, as the router would.
//
// A method and path the router gives to a route without variables (such
// as GET /api/state, which the panel asks after every page) come from
// fixedRoutes instead: the router's answer, looked up, not worked out
// again with its regular expressions and three allocations.
func serveRoutes(router *mux.Router) http.Handler {
	fixed := fixedRoutes(router)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rq := requestOf(r)
		if rq != nil {
			for _, f := range fixed[r.URL.Path] {
				if f.method == r.Method {
					f.handler.ServeHTTP(w, r)
					return
				}
			}
		}
		var match mux.RouteMatch
		if rq == nil || !router.Match(r, &match) {
			router.ServeHTTP(w, r)
			return
		}
		rq.vars = match.Vars
		match.Handler.ServeHTTP(w, r)
	})
}

// fixedRoute is the handler the router picks for one method on a path
// without variables.
type fixedRoute struct {
	method  string
	handler http.Handler
	route   *mux.Route // whose handler it is (for the test)
}

// fixedRoutes asks router, for each method of each route whose path has
// no variables, which handler it picks for that method and path, and
// keeps the answers that are that route's (not an earlier route's, not a
// not-found or wrong-method answer), by path. The answer stands for every
// request with that method and path because every route (router below)
// matches on method and path alone; TestFixedRoutesAreTheRouters checks
// both.
func fixedRoutes(router *mux.Router) map[string][]fixedRoute {
	fixed := map[string][]fixedRoute{}
	router.Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tpl, err := route.GetPathTemplate()
		if err != nil || strings.Contains(tpl, "{") {
			return nil
		}
		methods, _ := route.GetMethods()
		for _, method := range methods {
			var match mux.RouteMatch
			probe := &http.Request{Method: method, URL: &url.URL{Path: tpl}, Header: http.Header{}}
			if router.Match(probe, &match) && match.Route == route && match.MatchErr == nil {
				fixed[tpl] = append(fixed[tpl], fixedRoute{method, match.Handler, route})
			}
		}
		return nil
	})
	return fixed
}

// routeVar returns the named variable of the route r matched (mux.Vars).
func routeVar(r *http.Request, name string) string {
	if rq := requestOf(r); rq != nil && rq.vars != nil {
		return rq.vars[name]
	}
	return mux.Vars(r)[name]
}

// cleanPath is gorilla/mux's: p without . and .. elements or doubled
// slashes, its trailing slash kept.
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	if p[0] != '/' {
		p = "/" + p
	}
	np := path.Clean(p)
	if p[len(p)-1] == '/' && np != "/" {
		np += "/"
	}
	return np
}

// withSession wraps the application routes, from the outside in: the
// request's record (its cookies, the preference cookies, its trace),
// refusal of cross-origin writes, the action echo, the session, the
// current user.
func (s *Server) withSession(app http.Handler) http.Handler {
	h := s.auth.Middleware(app)
	h = bindTrace(h)
	h = s.sessions.Handler(h)
	h = withEcho(s.echoes, s.site.now, s.clientOf, h)
	h = refuseCrossOrigin(s.site, h)
	h = withRequest(h)
	return h
}

// router holds every application route. Each matches on method and path
// alone (no Host, Headers, Queries or MatcherFunc): fixedRoutes relies on it.
func (s *Server) router() *mux.Router {
	site, a := s.site, s.auth
	r := mux.NewRouter()
	r.NotFoundHandler = handleNotFound(site)
	r.MethodNotAllowedHandler = handleMethodNotAllowed(site, r)
	// Pages answer HEAD as well as GET (net/http drops the body).
	get := []string{http.MethodGet, http.MethodHead}

	// For everyone. The router tries routes in order, and no two of these
	// overlap: the two that every page view asks for come first.
	r.Handle("/lessons/{slug}", handleLesson(site, s.lessons, s.pages)).Methods(get...)
	r.Handle("/api/state", handleState(site.log, s.sessions, s.echoes, s.clientOf, site.now)).Methods(get...)
	r.Handle("/", handleIndex(site, s.lessons)).Methods(get...)
	r.Handle("/lessons", handleLessonList()).Methods(get...)
	r.Handle("/lessons/", handleLessonList()).Methods(get...)
	r.Handle("/login", handleLoginForm(site)).Methods(get...)
	r.Handle("/login", handleLogin(site, a)).Methods(http.MethodPost)
	r.Handle("/signup", handleSignupForm(site)).Methods(get...)
	r.Handle("/signup", handleSignup(site, a)).Methods(http.MethodPost)
	r.Handle("/logout", handleLogout(a)).Methods(http.MethodPost)
	r.Handle("/prefs", handlePrefs(site)).Methods(http.MethodPost)

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
