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

// TestAnonymousSessionBudget: one client starts only so many anonymous
// sessions (cookielab-load's flood of cookieless writes filled the store
// in 30 s and evicted every other learner's anonymous session); beyond
// its budget it gets a translated 429 with Retry-After and nothing is
// stored, while its existing session, its logins and other clients go on.
func TestAnonymousSessionBudget(t *testing.T) {
	lab := newTestLabOpts(t, labOptions{cfg: Config{Throttle: auth.ThrottleOptions{Sessions: auth.Rule{Burst: 3, Every: time.Minute}}}})
	flooder := lab.browserFrom("127.0.0.66")
	kept := lab.browserFrom("127.0.0.66") // same address, a session of its own from before
	if res := kept.post("/lab/session", url.Values{"key": {"cart"}, "value": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first session: %d", res.StatusCode)
	}
	for i := range 2 {
		res := lab.browserFrom("127.0.0.66").post("/lab/session", url.Values{"key": {"k"}, "value": {"v"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("anonymous session %d of 3: %d", i+2, res.StatusCode)
		}
	}
	before := lab.store.Len()
	res := flooder.post("/lab/session", url.Values{"key": {"k"}, "value": {"v"}})
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" ||
		!strings.Contains(res.body, "Too many new sessions from your address") {
		t.Fatalf("a 4th anonymous session: %d, Retry-After %q\n%s", res.StatusCode, res.Header.Get("Retry-After"), res.body)
	}
	if flooder.cookie("sessionid") != "" || lab.store.Len() != before {
		t.Fatalf("the refused session was stored (%d records, %d before) or set a cookie", lab.store.Len(), before)
	}
	if res := kept.post("/lab/session", url.Values{"key": {"cart"}, "value": {"2"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a write to an existing session from the same address: %d", res.StatusCode)
	}
	if res := flooder.post("/login", url.Values{"username": {"alice"}, "password": {"wonderland"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a login from the same address: %d", res.StatusCode)
	}
	if res := lab.browserFrom("127.0.0.7").post("/lab/session", url.Values{"key": {"k"}, "value": {"v"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("another client's new session: %d", res.StatusCode)
	}
	lab.clock.Advance(time.Minute)
	if res := lab.browserFrom("127.0.0.66").post("/lab/session", url.Values{"key": {"k"}, "value": {"v"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("after waiting a minute: %d", res.StatusCode)
	}
}
