package server

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"cookielab/lessons"
	"cookielab/server/auth"
	"cookielab/server/session"
)

// TestFullStoreGetsTheTranslatedPage: the session middleware's own failures
// go through the server's one error path: a translated page, with
// Retry-After on a 503, never the session package's plain text.
func TestFullStoreGetsTheTranslatedPage(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	store := session.NewMemoryStore(session.MemoryOptions{MaxRecords: 1, Now: clk.Now})
	users, err := auth.NewSeededUsers(auth.UsersOptions{Cost: bcrypt.MinCost, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := lessons.LoadFS(fixtureLessons)
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{}, Deps{Sessions: store, Users: users, Lessons: cat, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	lab := &testLab{t: t, srv: srv, store: store, users: users, clock: clk}

	first := lab.browser() // a logged-in session, which is never evicted
	if res := first.post("/login", url.Values{"username": {"alice"}, "password": {"wonderland"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first session: %d", res.StatusCode)
	}
	second := lab.browser()
	second.setCookie("lang", "ko")
	res := second.post("/lab/session", url.Values{"key": {"a"}, "value": {"1"}})
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") != session.RetryFull {
		t.Fatalf("full store: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || !strings.Contains(res.body, "세션 수가 가득 찼습니다") {
		t.Fatalf("want the Korean error page, got %s %q", res.Header.Get("Content-Type"), res.body)
	}
	if second.cookie("sessionid") != "" {
		t.Fatal("a refused session set a cookie")
	}
}
