package server

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/gorilla/mux"
)

// TestOutsideSession: the health check and the static files are answered
// outside the session middleware (no session cookie is read or cleared),
// only for GET and HEAD; every other request reaches the application; and
// a path that is not clean is redirected to the clean one first, query
// kept, as the router that used to sit here did.
func TestOutsideSession(t *testing.T) {
	lab := newTestLab(t)
	h := lab.app.Handler()
	tests := []struct {
		name, method, target string
		status               int
		location             string
		clearsCookie         bool // the session middleware ran: the forged cookie is cleared
	}{
		{"health check", http.MethodGet, "/healthz", http.StatusOK, "", false},
		{"health check, HEAD", http.MethodHead, "/healthz", http.StatusOK, "", false},
		{"static file", http.MethodGet, "/static/site.css", http.StatusOK, "", false},
		{"POST to the health check is the application's", http.MethodPost, "/healthz", http.StatusNotFound, "", true},
		{"a page", http.MethodGet, "/api/state", http.StatusOK, "", true},
		{"doubled slash", http.MethodGet, "/static//site.css", http.StatusMovedPermanently, "/static/site.css", false},
		{"dot-dot out of static", http.MethodGet, "/static/../healthz?x=1", http.StatusMovedPermanently, "/healthz?x=1", false},
		{"dot in a page's path", http.MethodGet, "/lessons/./sessions?step=2", http.StatusMovedPermanently, "/lessons/sessions?step=2", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.target, nil)
			req.Header.Set("Cookie", "sessionid=forged")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.status {
				t.Fatalf("%s %s: %d, want %d", tt.method, tt.target, rec.Code, tt.status)
			}
			if got := rec.Header().Get("Location"); got != tt.location {
				t.Errorf("Location %q, want %q", got, tt.location)
			}
			if cleared := rec.Header().Get("Set-Cookie") != ""; cleared != tt.clearsCookie {
				t.Errorf("Set-Cookie %q: the session middleware ran = %v, want %v", rec.Header().Values("Set-Cookie"), cleared, tt.clearsCookie)
			}
			if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("no security headers: %v", rec.Header())
			}
		})
	}
}

// TestLessonListRedirects: /lessons, the address a learner guesses from a
// lesson's (/lessons/SLUG), is the index's, permanently; a missing lesson
// is still a 404, and POST is not a page.
func TestLessonListRedirects(t *testing.T) {
	lab := newTestLab(t)
	b := lab.browser()
	tests := []struct {
		name, method, target string
		status               int
		location             string
	}{
		{"the list", http.MethodGet, "/lessons", http.StatusMovedPermanently, "/"},
		{"with a trailing slash", http.MethodGet, "/lessons/", http.StatusMovedPermanently, "/"},
		{"HEAD", http.MethodHead, "/lessons", http.StatusMovedPermanently, "/"},
		{"query kept", http.MethodGet, "/lessons?lang=ko", http.StatusMovedPermanently, "/?lang=ko"},
		{"no such lesson", http.MethodGet, "/lessons/no-such-lesson", http.StatusNotFound, ""},
		{"POST", http.MethodPost, "/lessons", http.StatusMethodNotAllowed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, lab.srv.URL+tt.target, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			res := b.do(req)
			if res.StatusCode != tt.status {
				t.Fatalf("%s %s: %d, want %d", tt.method, tt.target, res.StatusCode, tt.status)
			}
			if got := res.Header.Get("Location"); got != tt.location {
				t.Errorf("Location %q, want %q", got, tt.location)
			}
		})
	}
	if res := b.get("/"); res.StatusCode != http.StatusOK {
		t.Errorf("GET / (where /lessons leads): %d", res.StatusCode)
	}
}

// TestFixedRoutesAreTheRouters: serveRoutes answers a method and path
// without variables from fixedRoutes, which holds only if every route
// matches on method and path alone (a path matcher and a method matcher,
// nothing else) and fixedRoutes says what the router says, for every
// method on every route's path.
func TestFixedRoutesAreTheRouters(t *testing.T) {
	lab := newTestLab(t)
	_, router := lab.app.handler()
	fixed := fixedRoutes(router)
	methods := []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions}
	var paths []string
	router.Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		// mux keeps a route's matchers unexported; two are a path and methods.
		matchers := reflect.ValueOf(route).Elem().FieldByName("matchers")
		if !matchers.IsValid() {
			t.Fatal("gorilla/mux's Route no longer has the matchers field this test counts")
		}
		tpl, _ := route.GetPathTemplate()
		if _, err := route.GetMethods(); err != nil || matchers.Len() != 2 {
			t.Errorf("route %q has %d matchers (methods: %v): fixedRoutes needs a path and methods alone", tpl, matchers.Len(), err)
		}
		paths = append(paths, tpl)
		return nil
	})
	paths = append(paths, "/lessons/sessions", "/no-such-page", "/api/state/")
	hits := 0
	for _, p := range paths {
		for _, method := range methods {
			var match mux.RouteMatch
			req := httptest.NewRequest(method, p, nil)
			routed := router.Match(req, &match) && match.MatchErr == nil
			var got *fixedRoute
			for i, f := range fixed[p] {
				if f.method == method {
					got = &fixed[p][i]
				}
			}
			switch {
			case got == nil && routed && !strings.Contains(routeTemplate(match.Route), "{"):
				t.Errorf("%s %s: the router has route %q, fixedRoutes none", method, p, routeTemplate(match.Route))
			case got != nil && (!routed || got.route != match.Route):
				t.Errorf("%s %s: fixedRoutes has route %q, the router %q (%v)", method, p, routeTemplate(got.route), routeTemplate(match.Route), match.MatchErr)
			case got != nil:
				hits++
			}
		}
	}
	if hits == 0 || len(fixed["/api/state"]) != 2 {
		t.Fatalf("fixedRoutes answers %d of the probes, GET /api/state as %+v", hits, fixed["/api/state"])
	}
}

func routeTemplate(r *mux.Route) string {
	if r == nil {
		return ""
	}
	tpl, _ := r.GetPathTemplate()
	return tpl
}
