package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

const (
	chromeUA  = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"
	firefoxUA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0"
)

// handles returns the session handles of GET /me/sessions, this one's
// first.
func (b *browser) handles() (this string, others []string, body string) {
	b.lab.t.Helper()
	res := b.get("/me/sessions")
	if res.StatusCode != http.StatusOK {
		b.lab.t.Fatalf("GET /me/sessions: %d", res.StatusCode)
	}
	for _, m := range regexp.MustCompile(`data-session-row="([^"]+)"( data-this)?`).FindAllStringSubmatch(res.body, -1) {
		if m[2] != "" {
			this = m[1]
		} else {
			others = append(others, m[1])
		}
	}
	return this, others, res.body
}

func (b *browser) signup(username string) {
	b.lab.t.Helper()
	res := b.post("/signup", url.Values{"username": {username}, "display_name": {""}, "password1": {"correct horse"}, "password2": {"correct horse"}})
	if res.StatusCode != http.StatusSeeOther {
		b.lab.t.Fatalf("sign up %s: %d", username, res.StatusCode)
	}
}

// TestYourSessions: two browsers of one user, listed with their browsers
// and which is this one, never an id or a cookie value; ending the other
// one makes it anonymous, and this one's handle is refused.
func TestYourSessions(t *testing.T) {
	lab := newTestLab(t)
	one, two := lab.browser(), lab.browser()
	one.ua, two.ua = firefoxUA, chromeUA
	one.signup("carol")
	two.login("carol", "correct horse")

	this, others, body := one.handles()
	if this == "" || len(others) != 1 {
		t.Fatalf("this %q, others %q: want this one and one other", this, others)
	}
	for _, want := range []string{"Firefox 140 on Windows", "Chrome 156 on Linux", "data-end-others"} {
		if !strings.Contains(body, want) {
			t.Errorf("the list lacks %q", want)
		}
	}
	for name, secret := range map[string]string{
		"one's id": one.state().Session.ID, "two's id": two.state().Session.ID,
		"one's cookie": one.cookie("sessionid"), "two's cookie": two.cookie("sessionid"),
	} {
		if strings.Contains(body, secret) {
			t.Errorf("the page shows %s", name)
		}
	}
	if res := one.post("/me/sessions/end", url.Values{"session": {this}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("ending this session by its handle: %d, want 400", res.StatusCode)
	}
	for _, h := range []string{"", "nonsense", strings.Repeat("A", sessionHandleLen)} {
		if res := one.post("/me/sessions/end", url.Values{"session": {h}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("handle %q: %d, want 404", h, res.StatusCode)
		}
	}
	// Another user's session is not this user's to end.
	dave := lab.browser()
	dave.signup("dave")
	if res := dave.post("/me/sessions/end", url.Values{"session": {others[0]}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("another user's handle: %d, want 404", res.StatusCode)
	}
	if two.state().User == nil {
		t.Fatal("dave ended carol's session")
	}

	res := one.post("/me/sessions/end", url.Values{"session": {others[0]}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/me/sessions?ended=1" {
		t.Fatalf("ending the other session: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if st := two.state(); st.User != nil || st.Session != nil {
		t.Errorf("the ended browser is still %+v", st.User)
	}
	if st := one.state(); st.User == nil || st.User.Username != "carol" {
		t.Error("ending the other session ended this one")
	}
	if _, others, _ := one.handles(); len(others) != 0 {
		t.Errorf("still listed: %q", others)
	}
	if !strings.Contains(one.get("/me").body, `href="/me/sessions"`) {
		t.Error("/me does not link to /me/sessions")
	}
	if res := lab.browser().get("/me/sessions"); res.StatusCode != http.StatusFound || !strings.HasPrefix(res.Header.Get("Location"), "/login?next=") {
		t.Errorf("anonymous GET /me/sessions: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
}

// TestEndOtherSessions: end-others deletes every other session of this user
// and keeps this one; a password change already leaves the others off the
// list.
func TestEndOtherSessions(t *testing.T) {
	lab := newTestLab(t)
	me := lab.browser()
	me.signup("erin")
	var rest []*browser
	for range 3 {
		b := lab.browser()
		b.login("erin", "correct horse")
		rest = append(rest, b)
	}
	if _, others, _ := me.handles(); len(others) != 3 {
		t.Fatalf("%d others listed, want 3", len(others))
	}
	res := me.post("/me/sessions/end-others", url.Values{})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/me/sessions?ended=3" {
		t.Fatalf("end-others: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	for i, b := range rest {
		if b.state().User != nil {
			t.Errorf("browser %d still logged in", i)
		}
	}
	if me.state().User == nil {
		t.Fatal("end-others ended this session")
	}
	if body := me.get("/me/sessions?ended=3").body; !strings.Contains(body, `data-sessions-ended="3"`) || !strings.Contains(body, "data-no-others") {
		t.Error("the list does not say what was ended")
	}

	other := lab.browser()
	other.login("erin", "correct horse")
	res = me.post("/password", url.Values{"old_password": {"correct horse"}, "new_password1": {"battery staple"}, "new_password2": {"battery staple"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("password change: %d", res.StatusCode)
	}
	if _, others, _ := me.handles(); len(others) != 0 {
		t.Errorf("after a password change %d others are listed", len(others))
	}
}

// TestDemoAccountSessionsAreThisClients: a demo account is shared by a
// class, so the list and end-others reach only the sessions that logged in
// from this client.
func TestDemoAccountSessionsAreThisClients(t *testing.T) {
	lab := newTestLab(t)
	mine, mine2, theirs := lab.browserFrom("127.0.0.2"), lab.browserFrom("127.0.0.2"), lab.browserFrom("127.0.0.3")
	for _, b := range []*browser{mine, mine2, theirs} {
		b.login("alice", "wonderland")
	}
	_, others, body := mine.handles()
	if len(others) != 1 || !strings.Contains(body, "data-sessions-shared") {
		t.Fatalf("%d others listed for a demo account from one client, want 1 (and the note)", len(others))
	}
	mine.post("/me/sessions/end-others", url.Values{})
	if mine2.state().User != nil {
		t.Error("the same client's other session survived")
	}
	if theirs.state().User == nil {
		t.Error("end-others on a demo account logged out another learner")
	}
}

func TestBrowserName(t *testing.T) {
	for ua, want := range map[string]string{
		chromeUA:  "Chrome 156 on Linux",
		firefoxUA: "Firefox 140 on Windows",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Safari/605.1.15":                   "Safari 18 on macOS",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Mobile/15E148 Safari/604.1": "Safari 18 on iOS",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 Edg/140.0.0.0":           "Edge 140 on Windows",
		"Mozilla/5.0 (Linux; Android 15) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36":                            "Chrome 140 on Android",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36":                           "Headless Chrome 156 on Linux",
		"curl/8.5.0":            "curl/8.5.0",
		strings.Repeat("x", 70): strings.Repeat("x", 60) + "…",
		"":                      "",
	} {
		if got := browserName(ua); got != want {
			t.Errorf("browserName(%.40q) = %q, want %q", ua, got, want)
		}
	}
}

// TestLoginKeepsTheBrowser: login stores the User-Agent, at most 200
// characters of it, under an auth-owned key.
func TestLoginKeepsTheBrowser(t *testing.T) {
	b := newTestLab(t).browser()
	b.ua = strings.Repeat("ü", 300)
	b.login("alice", "wonderland")
	if got := b.state().Session.Data["_auth_user_agent"]; got != strings.Repeat("ü", 200) {
		t.Errorf("_auth_user_agent holds %d characters, want the first 200", len([]rune(got)))
	}
}

// TestYourSessionsCounts: the heading counts the sessions in a form both
// languages share ("(2)"), which lesson 15 checks; each other session's
// button is one a lesson's press step presses.
func TestYourSessionsCounts(t *testing.T) {
	lab := newTestLab(t)
	one, two := lab.browser(), lab.browser()
	one.signup("erin")
	two.login("erin", "correct horse")
	for _, lang := range []string{"en", "ko"} {
		one.setCookie("lang", lang)
		_, _, body := one.handles()
		if !regexp.MustCompile(`<h1>[^<]*\(2\)</h1>`).MatchString(body) || strings.Contains(body, "(1)") {
			t.Errorf("%s: the heading does not count 2 sessions, or another (1) is on the page", lang)
		}
		if n := strings.Count(body, "data-press-button"); n != 1 {
			t.Errorf("%s: %d buttons to press, want one (the other session's)", lang, n)
		}
	}
	one.post("/me/sessions/end-others", url.Values{})
	if _, _, body := one.handles(); !regexp.MustCompile(`<h1>[^<]*\(1\)</h1>`).MatchString(body) {
		t.Error("after end-others the heading does not count 1 session")
	}
}
