package server

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// attackerDo asks the learner's attacker to act and expects the 303 back.
func (b *browser) attackerDo(do string) *response {
	b.lab.t.Helper()
	res := b.post("/lab/attacker", url.Values{"do": {do}, "next": {"/lessons/session-fixation"}})
	if res.StatusCode != http.StatusSeeOther {
		b.lab.t.Fatalf("POST /lab/attacker do=%s: %d %s", do, res.StatusCode, res.body)
	}
	return res
}

// attackerSays returns the last line of GET /lab/attacker.
func (b *browser) attackerSays() string {
	b.lab.t.Helper()
	res := b.get("/lab/attacker")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
		b.lab.t.Fatalf("GET /lab/attacker: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	lines := strings.Split(strings.TrimSpace(res.body), "\n")
	return lines[len(lines)-1]
}

func (b *browser) login(username, password string) {
	b.lab.t.Helper()
	res := b.post("/login", url.Values{"username": {username}, "password": {password}})
	if res.StatusCode != http.StatusSeeOther {
		b.lab.t.Fatalf("POST /login as %s: %d", username, res.StatusCode)
	}
}

// TestSessionFixation performs lesson 11's attack for real: the attacker
// (a second client with its own jar, in the server) gets a session, plants
// its cookie in the learner's browser, the learner logs in, and the
// attacker visits with its copy. With rotation on (the default) the copy is
// worthless; with the learner's rotation switch off, the attacker is
// logged in as the learner. Another browser's logins rotate throughout.
func TestSessionFixation(t *testing.T) {
	lab := newTestLab(t)
	learner, other := lab.browser(), lab.browser()

	if got := learner.attackerSays(); got != "attacker: no requests yet" {
		t.Fatalf("before any action: %q", got)
	}
	if learner.cookie(attackerCookie) != "" || lab.app.attackers.Len() != 0 {
		t.Fatal("reading GET /lab/attacker made an attacker")
	}

	// Plant without a session is refused clearly.
	res := learner.post("/lab/attacker", url.Values{"do": {"plant"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(res.body, "get-session first") {
		t.Fatalf("plant before get-session: %d", res.StatusCode)
	}

	attack := func(t *testing.T) string {
		t.Helper()
		res := learner.attackerDo("get-session")
		if line := res.setCookieLine(attackerCookie); !strings.Contains(line, "Path=/lab") || !strings.Contains(line, "HttpOnly") {
			t.Errorf("attacker cookie %q", line)
		}
		if got := learner.attackerSays(); got != "attacker: anonymous" {
			t.Errorf("after get-session: %q", got)
		}
		planted := learner.attackerDo("plant")
		line := planted.setCookieLine("sessionid")
		for _, want := range []string{"HttpOnly", "Path=/", "SameSite=Lax", "Max-Age=1209600"} {
			if !strings.Contains(line, want) {
				t.Errorf("planted Set-Cookie %q lacks %s", line, want)
			}
		}
		st := learner.state()
		if st.Session == nil || st.Session.Data["attacker"] != "1" {
			t.Fatalf("the learner's browser does not carry the attacker's session: %+v", st.Session)
		}
		fixed := st.Session.ID
		learner.login("alice", "wonderland")
		learner.attackerDo("visit")
		return fixed
	}

	t.Run("rotation on", func(t *testing.T) {
		fixed := attack(t)
		if st := learner.state(); st.User == nil || st.Session.ID == fixed {
			t.Fatalf("login kept the planted id %s (user %+v)", fixed, st.User)
		}
		if got := learner.attackerSays(); got != "attacker: anonymous" {
			t.Errorf("the attacker's copy after the learner's login: %q, want anonymous", got)
		}
	})

	t.Run("rotation off", func(t *testing.T) {
		res := learner.post("/lab/switch", url.Values{"name": {"rotation"}, "on": {"0"}, "next": {"/"}})
		line := res.setCookieLine("lab_no_rotation")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(line, "lab_no_rotation=1; Path=/; HttpOnly; SameSite=Lax") ||
			strings.Contains(line, "Max-Age") {
			t.Fatalf("POST /lab/switch: %d %q", res.StatusCode, line)
		}
		if sw := learner.state().Switches; !slices.Equal(sw, []string{"rotation"}) {
			t.Errorf("/api/state switches = %q", sw)
		}
		if page := learner.get("/").body; !strings.Contains(page, `data-lab-switch="rotation"`) || !strings.Contains(page, `data-lab-switch-on="rotation"`) {
			t.Error("no banner with a way back on while the switch is off")
		}
		fixed := attack(t)
		if st := learner.state(); st.User == nil || st.Session.ID != fixed {
			t.Fatalf("with rotation off, login changed the id (or failed): %+v", st.Session)
		}
		if got := learner.attackerSays(); got != "attacker: logged in as alice" {
			t.Errorf("the attacker's copy with rotation off: %q, want logged in as alice", got)
		}

		// Only this browser: another one's login still rotates.
		other.post("/lab/session", url.Values{"key": {"k"}, "value": {"v"}})
		before := other.state().Session.ID
		other.login("bob", "builder")
		if after := other.state().Session.ID; after == before {
			t.Error("another browser's login kept its id: the switch is server-wide")
		}
		if sw := other.state().Switches; len(sw) != 0 {
			t.Errorf("another browser reports switches %q", sw)
		}

		// A session of another user is still flushed (a new id), as Django does.
		id := learner.state().Session.ID
		learner.login("bob", "builder")
		if st := learner.state(); st.User.Username != "bob" || st.Session.ID == id {
			t.Errorf("logging in as bob over alice's session kept its id")
		}
	})

	t.Run("back on", func(t *testing.T) {
		res := learner.post("/lab/switch", url.Values{"name": {"rotation"}, "on": {"1"}})
		if !strings.Contains(res.setCookieLine("lab_no_rotation"), "Max-Age=0") {
			t.Fatalf("on=1 does not delete the switch: %q", res.setCookieLine("lab_no_rotation"))
		}
		if sw := learner.state().Switches; len(sw) != 0 {
			t.Errorf("switches after on=1: %q", sw)
		}
		if strings.Contains(learner.get("/").body, "data-lab-switch=") {
			t.Error("the banner stays after the switch is back on")
		}
	})

	t.Run("reset", func(t *testing.T) {
		learner.post("/lab/switch", url.Values{"name": {"rotation"}, "on": {"0"}})
		learner.post("/lab/reset", url.Values{})
		if learner.cookie("lab_no_rotation") != "" || learner.cookie(attackerCookie) != "" {
			t.Error("a reset left the switch or the attacker cookie")
		}
		if lab.app.attackers.Len() != 0 {
			t.Errorf("%d attackers kept after the reset", lab.app.attackers.Len())
		}
	})
}

// TestAttackerSteal: steal copies the learner's own session cookie into the
// attacker's jar: while the learner is logged in the attacker is too, and
// after the learner logs out the copy is worthless (the record is gone).
func TestAttackerSteal(t *testing.T) {
	lab := newTestLab(t)
	learner := lab.browser()
	res := learner.post("/lab/attacker", url.Values{"do": {"steal"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(res.body, "nothing to steal") {
		t.Fatalf("steal with no cookie: %d", res.StatusCode)
	}
	learner.login("alice", "wonderland")
	learner.attackerDo("steal")
	learner.attackerDo("visit")
	text := learner.get("/lab/attacker").body
	if !strings.HasSuffix(strings.TrimSpace(text), "attacker: logged in as alice") {
		t.Errorf("after steal and visit:\n%s", text)
	}
	for _, want := range []string{"jar: sessionid=", "GET /me → 200 OK", "GET /api/state → 200 OK", "  Cookie: sessionid="} {
		if !strings.Contains(text, want) {
			t.Errorf("GET /lab/attacker lacks %q:\n%s", want, text)
		}
	}
	learner.post("/logout", url.Values{})
	learner.attackerDo("visit")
	if got := learner.attackerSays(); got != "attacker: anonymous" {
		t.Errorf("the stolen copy after logout: %q", got)
	}
	text = learner.get("/lab/attacker").body
	if !strings.Contains(text, "GET /me → 302 Found") {
		t.Errorf("the attacker's GET /me after logout is not a redirect to log in:\n%s", text)
	}
}

// TestAttackerBounds: the attackers are bounded per client and in total,
// and an unknown do is a 400.
func TestAttackerBounds(t *testing.T) {
	lab := newTestLab(t)
	for range maxAttackersPerClient + 3 {
		b := lab.browser() // a fresh jar each time: a new attacker each time
		b.attackerDo("get-session")
	}
	if n := lab.app.attackers.Len(); n != maxAttackersPerClient {
		t.Errorf("%d attackers from one client, want at most %d", n, maxAttackersPerClient)
	}
	res := lab.browser().post("/lab/attacker", url.Values{"do": {"fly"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("do=fly: %d", res.StatusCode)
	}
}

// TestAttackerCountsAgainstItsLearner: the attacker's new sessions are
// counted against the learner it acts for, not against this server's own
// address, which every attacker shares: one learner spending their budget
// leaves another learner's attacker working.
func TestAttackerCountsAgainstItsLearner(t *testing.T) {
	lab := newTestLabOpts(t, labOptions{cfg: Config{AnonymousPerMinute: 2}})
	for range 2 {
		lab.browserFrom("127.0.0.2").attackerDo("get-session")
	}
	res := lab.browserFrom("127.0.0.2").post("/lab/attacker", url.Values{"do": {"get-session"}})
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Errorf("a third attacker session from one learner in a minute: %d, want 429 with Retry-After", res.StatusCode)
	}
	lab.browserFrom("127.0.0.3").attackerDo("get-session")

	// The header that says so is worth nothing unless this process made it.
	req, _ := http.NewRequest(http.MethodGet, lab.srv.URL, nil)
	req.Header.Set(onBehalfHeader, "127.0.0.9 forged")
	if c, ok := lab.app.attackers.onBehalfOf(req); ok {
		t.Errorf("a forged %s header was believed: %q", onBehalfHeader, c)
	}
}
