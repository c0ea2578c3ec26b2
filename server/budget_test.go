package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestAnonymousSessionBudget: one client may start only so many anonymous
// sessions a minute; past that it gets a translated 429 with Retry-After,
// another client is not affected, and a login is never refused for it.
func TestAnonymousSessionBudget(t *testing.T) {
	lab := newTestLabOpts(t, labOptions{cfg: Config{AnonymousPerMinute: 3}})
	fresh := func(ip string) *browser { return lab.browserFrom(ip) }
	for i := range 3 {
		if res := fresh("127.0.0.7").post("/lab/session", url.Values{"key": {"k"}, "value": {"v"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("session %d: %d", i+1, res.StatusCode)
		}
	}
	b := fresh("127.0.0.7")
	b.setCookie("lang", "ko")
	res := b.post("/lab/session", url.Values{"key": {"k"}, "value": {"v"}})
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || !strings.Contains(res.body, "새 세션") {
		t.Errorf("the fourth new session from one client: %d, Retry-After %q, body has the Korean message: %v", res.StatusCode, res.Header.Get("Retry-After"), strings.Contains(res.body, "새 세션"))
	}
	if res := fresh("127.0.0.8").post("/lab/session", url.Values{"key": {"k"}, "value": {"v"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("another client: %d", res.StatusCode)
	}
	if res := fresh("127.0.0.7").post("/login", url.Values{"username": {"alice"}, "password": {"wonderland"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a login from the spent client: %d, want 303 (a login is not an anonymous session)", res.StatusCode)
	}
	lab.clock.Advance(time.Minute)
	if res := fresh("127.0.0.7").post("/lab/session", url.Values{"key": {"k"}, "value": {"v"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a minute later: %d", res.StatusCode)
	}
}
