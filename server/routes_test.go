package server

import (
	"net/http"
	"net/http/httptest"
	"testing"
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
