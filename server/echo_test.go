package server

import (
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"cookielab/wasm/state"
)

func nonceN(i int) string { return fmt.Sprintf("%032x", i) }

func hasEcho(b *browser, nonce string) bool {
	return strings.Contains(b.get("/api/state?echo="+nonce).body, `"echo":`)
}

// TestEchoGoesOnlyToWhoMadeIt: an echo is bound to the session the
// response left, or for an anonymous response to the client; knowing the
// nonce is not enough.
func TestEchoGoesOnlyToWhoMadeIt(t *testing.T) {
	lab := newTestLab(t)
	t.Run("session", func(t *testing.T) {
		learner, other := lab.browser(), lab.browser() // the same address, other sessions
		learner.post("/lab/session", url.Values{"key": {"k"}, "value": {"v"}, "_echo": {nonceN(1)}})
		other.post("/lab/session", url.Values{"key": {"k"}, "value": {"v"}})
		if hasEcho(other, nonceN(1)) || hasEcho(lab.browser(), nonceN(1)) {
			t.Fatal("another session (or nobody's) collected the echo")
		}
		if !hasEcho(learner, nonceN(1)) {
			t.Error("the session that made it cannot collect its echo after others tried")
		}
	})
	t.Run("anonymous", func(t *testing.T) {
		learner, other := lab.browserFrom("127.0.0.2"), lab.browserFrom("127.0.0.3")
		learner.post("/prefs", url.Values{"lang": {"ko"}, "_echo": {nonceN(2)}}) // sets a cookie, no session
		if hasEcho(other, nonceN(2)) {
			t.Fatal("another client collected an anonymous echo")
		}
		if !hasEcho(learner, nonceN(2)) {
			t.Error("the client that made it cannot collect it")
		}
	})
}

// TestEchoFloodEvictsOnlyTheFloodersOwn: one client posting with a new
// session each time (no cookie jar) cannot push out another learner's echo.
func TestEchoFloodEvictsOnlyTheFloodersOwn(t *testing.T) {
	// The flood starts more sessions than one client's budget allows (see
	// TestAnonymousSessionBudget): this test is about the echoes alone.
	lab := newTestLabOpts(t, labOptions{cfg: Config{AnonymousPerMinute: 1000}})
	learner := lab.browserFrom("127.0.0.2")
	learner.post("/lab/session", url.Values{"key": {"k"}, "value": {"v"}, "_echo": {nonceN(1)}})

	flooder := lab.browserFrom("127.0.0.66")
	for i := range 300 {
		flooder.jar, _ = cookiejar.New(nil) // every request a new session
		flooder.c.Jar = flooder.jar
		res := flooder.post("/lab/session", url.Values{"key": {"k"}, "value": {"v"}, "_echo": {nonceN(1000 + i)}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("flood request %d: %d", i, res.StatusCode)
		}
	}
	if !hasEcho(learner, nonceN(1)) {
		t.Error("the learner's echo was evicted by another client's flood")
	}
	if n := lab.app.echoes.Len(); n > 64 {
		t.Errorf("%d echoes kept, want at most the flooder's 64 (the learner collected its own)", n)
	}
}

func TestEchoStoreBounds(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	s := newEchoStore(clk.Now, time.Minute, 4, 2)
	for i := range 3 {
		s.put(nonceN(i), echoOwner("", "a"), "a", state.Echo{})
	}
	if _, ok := s.take(nonceN(0), "", "a"); ok {
		t.Error("client a's oldest echo survived its third")
	}
	for i := range 4 {
		s.put(nonceN(10+i), echoOwner("", fmt.Sprint("c", i)), fmt.Sprint("c", i), state.Echo{})
	}
	if n := s.Len(); n > 4 {
		t.Errorf("%d echoes kept, want at most 4", n)
	}
	s.put(nonceN(20), echoOwner("sid", "x"), "x", state.Echo{Path: "/mine"})
	s.put(nonceN(20), echoOwner("", "y"), "y", state.Echo{Path: "/theirs"})
	if e, ok := s.take(nonceN(20), "sid", "x"); !ok || e.Path != "/mine" {
		t.Errorf("a nonce reused by another client replaced the owner's echo: %+v %v", e, ok)
	}
	s.put(nonceN(21), echoOwner("", "a"), "a", state.Echo{})
	clk.Advance(time.Minute)
	if _, ok := s.take(nonceN(21), "", "a"); ok {
		t.Error("an expired echo was handed out")
	}
}

// TestEchoOfAPlantedCookie: a response that sets the session cookie itself
// (lesson 11's plant) leaves its echo for the client, since the browser
// next presents the planted session, not the one the request came with;
// the panel then sees the Set-Cookie it caused.
func TestEchoOfAPlantedCookie(t *testing.T) {
	lab := newTestLab(t)
	learner := lab.browser()
	learner.login("alice", "wonderland")
	learner.attackerDo("get-session")
	before := learner.cookie("sessionid")
	learner.post("/lab/attacker", url.Values{"do": {"plant"}, "_echo": {nonceN(7)}})
	if learner.cookie("sessionid") == before {
		t.Fatal("plant did not replace the session cookie")
	}
	st := learner.get("/api/state?echo=" + nonceN(7)).body
	if !strings.Contains(st, `"echo":`) || !strings.Contains(st, `sessionid=`) {
		t.Errorf("the planted browser cannot collect the plant's echo: %s", st)
	}
}

// TestEchoOfATamperedCookie: lesson 12's tamper sets the session cookie
// itself; the next request presents no session the server knows, and
// the echo is still collected by the browser that made it.
func TestEchoOfATamperedCookie(t *testing.T) {
	lab := newTestLab(t)
	learner := lab.browser()
	learner.post("/lab/session", url.Values{"key": {"note"}, "value": {"1"}})
	learner.post("/lab/tamper", url.Values{"_echo": {nonceN(8)}})
	st := learner.get("/api/state?echo=" + nonceN(8)).body
	if !strings.Contains(st, `"echo":`) || !strings.Contains(st, `sessionid=`) {
		t.Errorf("the tampered browser cannot collect the tamper's echo: %s", st)
	}
}
