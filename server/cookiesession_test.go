package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// cookieSessionSays returns GET /lab/cookie-session's text.
func (b *browser) cookieSessionSays() string {
	b.lab.t.Helper()
	res := b.get("/lab/cookie-session")
	if res.StatusCode != http.StatusOK {
		b.lab.t.Fatalf("GET /lab/cookie-session: %d", res.StatusCode)
	}
	return res.body
}

// TestCookieSession: a session kept in a signed cookie holds its data
// itself, on its own cookie (sessionid is never touched), and is logged in
// by signing the user into it; an edited copy is refused.
func TestCookieSession(t *testing.T) {
	lab := newTestLab(t)
	b := lab.browser()
	if body := b.cookieSessionSays(); !strings.Contains(body, "cookie_session: (none)") || !strings.HasSuffix(body, "cookie session: anonymous\n") {
		t.Errorf("no cookie yet:\n%s", body)
	}
	res := b.post("/lab/cookie-session", url.Values{"key": {"note"}, "value": {"hi"}, "next": {"/lessons/signing-and-tampering?step=5"}})
	line := res.setCookieLine(cookieSessionCookie)
	for _, want := range []string{"Path=/", "Max-Age=1209600", "HttpOnly", "SameSite=Lax"} {
		if !strings.Contains(line, want) {
			t.Errorf("cookie_session Set-Cookie %q lacks %s", line, want)
		}
	}
	if res.StatusCode != http.StatusOK || !strings.Contains(res.body, "fits: the browser keeps this cookie") ||
		!strings.Contains(res.body, `href="/lessons/signing-and-tampering?step=5"`) || !strings.Contains(res.body, `id="panel"`) {
		t.Errorf("the answer page: %d, no size line, way back or panel", res.StatusCode)
	}
	body := b.cookieSessionSays()
	for _, want := range []string{"signature: valid", "data: note=hi", "cookie session: anonymous"} {
		if !strings.Contains(body, want) {
			t.Errorf("GET /lab/cookie-session lacks %q:\n%s", want, body)
		}
	}
	if res := b.post("/lab/cookie-session/login", url.Values{"username": {"alice"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", res.StatusCode)
	}
	if body := b.cookieSessionSays(); !strings.HasSuffix(body, "cookie session: logged in as alice\n") || !strings.Contains(body, "data: note=hi") {
		t.Errorf("after signing in as alice:\n%s", body)
	}
	if b.cookie("sessionid") != "" || lab.store.Len() != 0 {
		t.Error("the cookie session touched sessionid or the store")
	}
	if st := b.state(); st.User != nil {
		t.Errorf("the server-side session thinks it is %s", st.User.Username)
	}

	// A copy edited by one character is refused and holds no data.
	good := b.cookie(cookieSessionCookie)
	b.setCookie(cookieSessionCookie, tamper(good))
	if body := b.cookieSessionSays(); !strings.Contains(body, signatureMismatch) || !strings.HasSuffix(body, "cookie session: anonymous\n") || strings.Contains(body, "data:") {
		t.Errorf("an edited cookie session:\n%s", body)
	}
	b.setCookie(cookieSessionCookie, good)

	for name, form := range map[string]url.Values{
		"auth key":     {"key": {"_auth_user_id"}, "value": {"1"}},
		"no key":       {"key": {""}, "value": {"1"}},
		"long value":   {"key": {"k"}, "value": {strings.Repeat("x", 1025)}},
		"unknown user": {"username": {"mallory"}},
	} {
		path := "/lab/cookie-session"
		if form.Has("username") {
			path += "/login"
		}
		if res := b.post(path, form); res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", name, res.StatusCode)
		}
	}
}

// TestCookieSessionOutgrowsTheBrowser: the cookie grows with the data; the
// server sends it anyway, and its answer says when a browser refuses it.
func TestCookieSessionOutgrowsTheBrowser(t *testing.T) {
	lab := newTestLab(t)
	b := lab.browser()
	var res *response
	for i := range 4 {
		res = b.post("/lab/cookie-session", url.Values{"key": {"k" + string(rune('a'+i))}, "value": {strings.Repeat("x", 1000)}})
		if i < 2 && !strings.Contains(res.body, "fits: the browser keeps this cookie") {
			t.Errorf("%d KB: does not fit?", i+1)
		}
	}
	size := len(res.setCookieLine(cookieSessionCookie)[:strings.Index(res.setCookieLine(cookieSessionCookie), ";")])
	if size <= 4096 {
		t.Fatalf("4 keys of 1000 bytes make a %d-byte cookie", size)
	}
	if !strings.Contains(res.body, "too large: the browser refuses this cookie") || !strings.Contains(res.body, "cookie_session: "+strconv.Itoa(size)+" bytes (limit 4096)") {
		t.Errorf("a %d-byte cookie: the answer does not say a browser refuses it", size)
	}
}

// TestCookieSessionFill: fill=N stores N characters the server makes, so
// one small form passes the browser's limit; a bad fill is a clear 400.
func TestCookieSessionFill(t *testing.T) {
	lab := newTestLab(t)
	b := lab.browser()
	b.post("/lab/cookie-session", url.Values{"key": {"cart"}, "value": {"apples"}})
	kept := b.cookie(cookieSessionCookie)
	res := b.post("/lab/cookie-session", url.Values{"key": {"big"}, "fill": {"3000"}})
	line := res.setCookieLine(cookieSessionCookie)
	if size := strings.Index(line, ";"); size <= 4096 || res.StatusCode != http.StatusOK || !strings.Contains(res.body, "too large: the browser refuses this cookie") {
		t.Errorf("fill=3000: %d, a %d-byte cookie, answer %q", res.StatusCode, size, res.body)
	}
	b.setCookie(cookieSessionCookie, kept) // as the browser does: it refused the large one
	for name, form := range map[string]url.Values{
		"not a number":     {"key": {"big"}, "fill": {"lots"}},
		"zero":             {"key": {"big"}, "fill": {"0"}},
		"past the limit":   {"key": {"big"}, "fill": {"4097"}},
		"and a value, too": {"key": {"big"}, "fill": {"10"}, "value": {"x"}},
	} {
		if res := b.post("/lab/cookie-session", form); res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", name, res.StatusCode)
		}
	}
	if body := b.cookieSessionSays(); !strings.Contains(body, "data: cart=apples") || strings.Contains(body, "data: big=") {
		t.Errorf("after the refused cookie and the bad fills:\n%s", body)
	}
}

// TestCookieSessionLogoutCannotRevoke: the lesson's replay. A copy of a
// cookie session still works after the learner logs out of it; a copy of a
// server-side session does not.
func TestCookieSessionLogoutCannotRevoke(t *testing.T) {
	lab := newTestLab(t)
	learner := lab.browser()
	learner.login("alice", "wonderland")
	learner.post("/lab/cookie-session/login", url.Values{"username": {"alice"}})
	learner.attackerDo("steal")

	learner.post("/logout", url.Values{})
	res := learner.post("/lab/cookie-session/logout", url.Values{})
	if !strings.Contains(res.setCookieLine(cookieSessionCookie), "Max-Age=0") || learner.cookie(cookieSessionCookie) != "" {
		t.Fatalf("the cookie session logout did not expire the cookie: %q", res.setCookieLine(cookieSessionCookie))
	}
	if body := learner.cookieSessionSays(); !strings.HasSuffix(body, "cookie session: anonymous\n") {
		t.Errorf("the learner after logging out of the cookie session:\n%s", body)
	}

	learner.attackerDo("visit")
	learner.attackerDo("visit-cookie-session")
	text := learner.get("/lab/attacker").body
	if !strings.Contains(text, "attacker's cookie session: logged in as alice\n") {
		t.Errorf("the copied cookie session stopped working at logout:\n%s", text)
	}
	if !strings.HasSuffix(text, "\nattacker: anonymous\n") {
		t.Errorf("the copied server-side session still works after logout:\n%s", text)
	}
}
