package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"cookielab/lessons"
	"cookielab/server/auth"
	"cookielab/wasm/state"
)

// TestDjangoFlow walks the life cycle the lessons teach, through a real
// cookie jar against the real handler: anonymous → session created lazily →
// login rotates the id and keeps the data → templates show the user →
// logout deletes the record and expires the cookie → the old id replayed is
// anonymous.
func TestDjangoFlow(t *testing.T) {
	lab := newTestLab(t)
	b := lab.browser()

	// Reading pages creates nothing.
	for _, path := range []string{"/", "/lessons/cookies", "/login", "/api/state"} {
		res := b.get(path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d", path, res.StatusCode)
		}
		if sc := res.Header.Values("Set-Cookie"); len(sc) != 0 {
			t.Fatalf("GET %s set cookies %q; reading must create nothing", path, sc)
		}
	}
	if n := lab.store.Len(); n != 0 {
		t.Fatalf("store holds %d sessions after reading pages, want 0", n)
	}
	if body := b.get("/").body; !strings.Contains(body, `href="/login"`) {
		t.Fatalf("anonymous header has no Log in link")
	}

	// The first write creates the session.
	res := b.post("/lab/session", url.Values{"key": {"cart"}, "value": {"apple"}, "next": {"/lessons/sessions?step=2"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/lessons/sessions?step=2" {
		t.Fatalf("POST /lab/session: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	line := res.setCookieLine("sessionid")
	for _, want := range []string{"Path=/", "Max-Age=1209600", "HttpOnly", "SameSite=Lax"} {
		if !strings.Contains(line, want) {
			t.Errorf("session Set-Cookie %q lacks %s", line, want)
		}
	}
	for _, unwanted := range []string{"Domain=", "Secure"} {
		if strings.Contains(line, unwanted) {
			t.Errorf("session Set-Cookie %q has %s (host-only, plain HTTP)", line, unwanted)
		}
	}
	st := b.state()
	if st.Session == nil || st.Session.Data["cart"] != "apple" || st.Authenticated {
		t.Fatalf("after /lab/session: %+v", st)
	}
	anonID, anonCookie := st.Session.ID, b.cookie("sessionid")
	if !hasEvent(st.Events, state.Created, "") {
		t.Errorf("events lack created: %+v", st.Events)
	}

	// Login: the id changes, anonymous data stays, the old record goes.
	res = b.post("/login", url.Values{"username": {"alice"}, "password": {"wonderland"}, "next": {"/me"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/me" {
		t.Fatalf("POST /login: %d to %q: %s", res.StatusCode, res.Header.Get("Location"), res.body)
	}
	st = b.state()
	switch {
	case !st.Authenticated || st.User == nil || st.User.Username != "alice":
		t.Fatalf("after login: not alice: %+v", st)
	case st.Session.ID == anonID:
		t.Fatalf("login kept the session id %s; it must change", anonID)
	case st.Session.Data["cart"] != "apple":
		t.Errorf("login lost the anonymous data: %v", st.Session.Data)
	case st.Session.Data[auth.SessionUserKey] != st.User.ID || st.Session.Data[auth.SessionHashKey] == "":
		t.Errorf("session lacks the auth keys: %v", st.Session.Data)
	case !hasEvent(st.Events, state.Rotated, ""):
		t.Errorf("events lack rotated: %+v", st.Events)
	}
	if n := lab.store.Len(); n != 1 {
		t.Errorf("store holds %d sessions after login, want 1 (the old one deleted)", n)
	}
	loggedInCookie := b.cookie("sessionid")

	// Templates know the user.
	if body := b.get("/").body; !strings.Contains(body, "Hello, alice") || !strings.Contains(body, `action="/logout"`) {
		t.Errorf("logged-in header lacks the greeting or the logout form")
	}
	if res := b.get("/me"); res.StatusCode != http.StatusOK || !strings.Contains(res.body, "$2a$") {
		t.Errorf("GET /me: %d; want 200 with the stored hash", res.StatusCode)
	}

	// Logout: record deleted, cookie expired in the same response.
	res = b.post("/logout", url.Values{})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /logout: %d", res.StatusCode)
	}
	line = res.setCookieLine("sessionid")
	if !strings.Contains(line, "Max-Age=0") || !strings.Contains(line, "Expires=Thu, 01 Jan 1970") {
		t.Errorf("logout Set-Cookie %q does not expire the cookie", line)
	}
	if n := lab.store.Len(); n != 0 {
		t.Errorf("store holds %d sessions after logout, want 0", n)
	}
	if c := b.cookie("sessionid"); c != "" {
		t.Errorf("jar still holds sessionid after logout")
	}

	// Replaying either old cookie gets an anonymous visitor, and the cookie is cleared.
	for name, old := range map[string]string{"anonymous": anonCookie, "logged-in": loggedInCookie} {
		b.setCookie("sessionid", old)
		res := b.get("/api/state")
		if !strings.Contains(res.setCookieLine("sessionid"), "Max-Age=0") {
			t.Errorf("replayed %s cookie was not cleared", name)
		}
		st := b.state()
		if st.Authenticated || st.Session != nil {
			t.Errorf("replayed %s cookie was accepted: %+v", name, st)
		}
	}
	if n := lab.store.Len(); n != 0 {
		t.Errorf("replays created %d sessions", n)
	}
}

func TestRejectedCookies(t *testing.T) {
	lab := newTestLab(t)
	owner := lab.browser()
	owner.post("/login", url.Values{"username": {"bob"}, "password": {"builder"}})
	good := owner.cookie("sessionid")
	if good == "" {
		t.Fatal("login set no cookie")
	}
	tampered := []byte(good)
	tampered[len(tampered)/2] ^= 0x01

	tests := []struct {
		name, value, reason string
	}{
		{"tampered", string(tampered), state.ReasonBadSignature},
		{"invented", "abc123", state.ReasonBadSignature},
		{"oversized", strings.Repeat("A", 5000), state.ReasonBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := lab.browser()
			b.setCookie("sessionid", tt.value)
			res := b.get("/")
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET / with a %s cookie: %d, want 200 (never an error page)", tt.name, res.StatusCode)
			}
			if !strings.Contains(res.setCookieLine("sessionid"), "Max-Age=0") {
				t.Errorf("the %s cookie was not cleared", tt.name)
			}
			// The page's own echo tells the panel why.
			if !strings.Contains(res.body, "rejected") || !strings.Contains(res.body, tt.reason) {
				t.Errorf("page echo lacks rejected/%s", tt.reason)
			}
			if strings.Contains(res.body, "Hello, bob") {
				t.Errorf("a %s cookie logged the visitor in as bob", tt.name)
			}
		})
	}
}

func TestExpiry(t *testing.T) {
	tests := []struct {
		name    string
		advance []time.Duration // after each, the state is read, then a page viewed (activity)
		reason  string
	}{
		{"idle", []time.Duration{3 * time.Hour}, state.ReasonIdle},
		{"absolute", repeat(time.Hour, 14*24+1), state.ReasonAbsolute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lab := newTestLab(t)
			b := lab.browser()
			b.post("/login", url.Values{"username": {"alice"}, "password": {"wonderland"}})
			var st state.State
			for _, d := range tt.advance {
				lab.clock.Advance(d)
				st = b.state()
				if st.Session == nil {
					break
				}
				b.get("/")
			}
			if st.Authenticated || st.Session != nil {
				t.Fatalf("session survived: %+v", st.Session)
			}
			if !hasEvent(st.Events, state.Expired, tt.reason) {
				t.Errorf("events %+v lack expired/%s", st.Events, tt.reason)
			}
		})
	}
}

// TestWatchingDoesNotKeepASessionAlive: the panel polls GET /api/state;
// that must not move the idle clock, or a page left open would keep its
// session for ever. A page view does move it.
func TestWatchingDoesNotKeepASessionAlive(t *testing.T) {
	lab := newTestLab(t)
	b := lab.browser()
	b.post("/login", url.Values{"username": {"alice"}, "password": {"wonderland"}})

	lab.clock.Advance(90 * time.Minute)
	if st := b.state(); !st.Authenticated {
		t.Fatal("logged out after 90 idle minutes; the idle timeout is 2h")
	}
	lab.clock.Advance(40 * time.Minute) // 130 minutes since the last activity
	if st := b.state(); st.Authenticated || !hasEvent(st.Events, state.Expired, state.ReasonIdle) {
		t.Fatalf("asking /api/state kept the session alive: %+v", st.Session)
	}

	b.post("/login", url.Values{"username": {"alice"}, "password": {"wonderland"}})
	lab.clock.Advance(90 * time.Minute)
	b.get("/") // a page view is activity
	lab.clock.Advance(40 * time.Minute)
	if st := b.state(); !st.Authenticated {
		t.Fatal("a page view did not move the idle clock")
	}
}

func repeat(d time.Duration, n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = d
	}
	return out
}

func TestLoginErrors(t *testing.T) {
	lab := newTestLab(t)
	if _, err := lab.users.SetActive("2", false); err != nil { // bob
		t.Fatal(err)
	}
	tests := []struct {
		name, username, password, want string
	}{
		{"wrong password", "alice", "nope", "Please enter a correct username and password. Note that both fields may be case-sensitive."},
		{"unknown user", "mallory", "wonderland", "Please enter a correct username and password. Note that both fields may be case-sensitive."},
		{"case matters", "Alice", "wonderland", "Please enter a correct username and password."},
		{"empty password", "alice", "", "This field is required."},
		{"inactive", "bob", "builder", "This account is inactive."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := lab.browser()
			res := b.post("/login", url.Values{"username": {tt.username}, "password": {tt.password}})
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d, want 200 (form re-shown)", res.StatusCode)
			}
			if !strings.Contains(res.body, tt.want) {
				t.Errorf("page lacks %q", tt.want)
			}
			if tt.username != "" && !strings.Contains(res.body, `value="`+tt.username+`"`) {
				t.Errorf("username not kept in the form")
			}
			if tt.password != "" && strings.Contains(res.body, `value="`+tt.password+`"`) {
				t.Errorf("password re-shown")
			}
			if len(res.Header.Values("Set-Cookie")) != 0 || lab.store.Len() != 0 {
				t.Errorf("a failed login created a session")
			}
		})
	}
}

func TestNext(t *testing.T) {
	tests := []struct {
		name, next, want string
	}{
		{"local path", "/me", "/me"},
		{"path and query", "/lessons/login?step=3", "/lessons/login?step=3"},
		{"empty", "", "/"},
		{"scheme-relative", "//evil.example/", "/"},
		{"backslash", `/\evil.example`, "/"},
		{"absolute", "https://evil.example/", "/"},
		{"javascript", "javascript:alert(1)", "/"},
		{"relative", "me", "/"},
		{"control character", "/me\n", "/"},
	}
	lab := newTestLab(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := lab.browser()
			res := b.post("/login", url.Values{"username": {"alice"}, "password": {"wonderland"}, "next": {tt.next}})
			if got := res.Header.Get("Location"); got != tt.want {
				t.Errorf("next %q: Location %q, want %q", tt.next, got, tt.want)
			}
		})
	}
}

func TestRequireLoginRoundTrip(t *testing.T) {
	lab := newTestLab(t)
	b := lab.browser()
	res := b.get("/me?tab=1")
	if res.StatusCode != http.StatusFound || res.Header.Get("Location") != "/login?next=%2Fme%3Ftab%3D1" {
		t.Fatalf("GET /me anonymous: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	loc, _ := url.Parse(res.Header.Get("Location"))
	form := b.get(loc.RequestURI())
	if !strings.Contains(form.body, `name="next" value="/me?tab=1"`) {
		t.Fatalf("login form does not carry next")
	}
	res = b.post("/login", url.Values{"username": {"alice"}, "password": {"wonderland"}, "next": {"/me?tab=1"}})
	if res.Header.Get("Location") != "/me?tab=1" {
		t.Fatalf("login went to %q", res.Header.Get("Location"))
	}
	if res := b.get("/me?tab=1"); res.StatusCode != http.StatusOK {
		t.Fatalf("GET /me after login: %d", res.StatusCode)
	}
}

func TestSignup(t *testing.T) {
	tests := []struct {
		name   string
		form   url.Values
		errors []string
	}{
		{"taken", url.Values{"username": {"alice"}, "password1": {"longenough"}, "password2": {"longenough"}}, []string{"A user with that username already exists."}},
		{"mismatch", url.Values{"username": {"carol"}, "password1": {"longenough"}, "password2": {"different1"}}, []string{"The two password fields didn’t match."}},
		{"short", url.Values{"username": {"carol"}, "password1": {"short"}, "password2": {"short"}}, []string{"This password is too short. It must contain at least 8 characters."}},
		{"invalid name", url.Values{"username": {"car ol"}, "password1": {"longenough"}, "password2": {"longenough"}}, []string{"Enter a valid username."}},
		{"empty", url.Values{}, []string{"This field is required."}},
	}
	lab := newTestLab(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := lab.browser().post("/signup", tt.form)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d, want 200", res.StatusCode)
			}
			for _, e := range tt.errors {
				if !strings.Contains(res.body, e) {
					t.Errorf("page lacks %q", e)
				}
			}
		})
	}

	b := lab.browser()
	res := b.post("/signup", url.Values{"username": {"carol"}, "display_name": {"Carol C."}, "password1": {"longenough"}, "password2": {"longenough"}, "next": {"/me"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/me" {
		t.Fatalf("sign-up: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if body := b.get("/").body; !strings.Contains(body, "Hello, Carol C.") {
		t.Errorf("header does not greet the display name")
	}
	b.post("/logout", url.Values{})
	res = b.post("/login", url.Values{"username": {"carol"}, "password": {"longenough"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login with the new account: %d", res.StatusCode)
	}
}

// TestPasswordChangeEndsOtherSessions: the session auth hash follows the
// password hash, so a change on /password keeps this session (with a new
// id) and ends the user's others.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	lab := newTestLab(t)
	laptop, phone := lab.browser(), lab.browser()
	for _, b := range []*browser{laptop, phone} {
		b.post("/login", url.Values{"username": {"alice"}, "password": {"wonderland"}})
	}
	before := laptop.state().Session.ID

	tests := []struct {
		name string
		form url.Values
		want string
	}{
		{"wrong old password", url.Values{"old_password": {"nope"}, "new_password1": {"looking-glass"}, "new_password2": {"looking-glass"}}, "Your old password was entered incorrectly."},
		{"mismatch", url.Values{"old_password": {"wonderland"}, "new_password1": {"looking-glass"}, "new_password2": {"looking-glas"}}, "The two password fields didn’t match."},
		{"short", url.Values{"old_password": {"wonderland"}, "new_password1": {"short"}, "new_password2": {"short"}}, "This password is too short."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := laptop.post("/password", tt.form)
			if res.StatusCode != http.StatusOK || !strings.Contains(res.body, tt.want) {
				t.Errorf("status %d, want 200 with %q", res.StatusCode, tt.want)
			}
		})
	}
	if !phone.state().Authenticated {
		t.Fatal("a refused change ended the other session")
	}

	res := laptop.post("/password", url.Values{"old_password": {"wonderland"}, "new_password1": {"looking-glass"}, "new_password2": {"looking-glass"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/me?password=changed" {
		t.Fatalf("POST /password: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	st := laptop.state()
	if !st.Authenticated || st.Session.ID == before {
		t.Errorf("the changing session: authenticated=%v, id changed=%v; want true, true", st.Authenticated, st.Session.ID != before)
	}
	if st := phone.state(); st.Authenticated {
		t.Errorf("the other session survived the password change")
	}
	if _, err := lab.users.Authenticate(context.Background(), "alice", "looking-glass"); err != nil {
		t.Errorf("the new password does not work: %v", err)
	}
	if res := lab.browser().post("/password", url.Values{}); res.StatusCode != http.StatusFound {
		t.Errorf("anonymous POST /password: %d, want a redirect to log in", res.StatusCode)
	}
}

func TestMethodsAndUnknownRoutes(t *testing.T) {
	lab := newTestLab(t)
	b := lab.browser()
	res := b.get("/logout")
	if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "POST" {
		t.Errorf("GET /logout: %d Allow %q, want 405 Allow POST", res.StatusCode, res.Header.Get("Allow"))
	}
	if !strings.Contains(res.body, "POST") {
		t.Errorf("405 page does not explain")
	}
	if res := b.get("/no/such/page"); res.StatusCode != http.StatusNotFound || !strings.Contains(res.body, "There is no page at this address.") {
		t.Errorf("unknown route: %d", res.StatusCode)
	}
	if res := b.get("/lessons/no-such-lesson"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown lesson: %d", res.StatusCode)
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	lab := newTestLab(t)
	// The lesson the 403 page links is a real one.
	if cat, err := lessons.Load(); err != nil {
		t.Fatal(err)
	} else if _, ok := cat.Lesson("csrf"); !ok {
		t.Fatal("the 403 page links /lessons/csrf, and there is no such lesson")
	}
	tests := []struct {
		name, header, value string
		want                int
	}{
		{"cross-site fetch metadata", "Sec-Fetch-Site", "cross-site", http.StatusForbidden},
		{"foreign origin", "Origin", "http://evil.example", http.StatusForbidden},
		{"same origin", "Sec-Fetch-Site", "same-origin", http.StatusSeeOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := lab.browser()
			req, _ := http.NewRequest(http.MethodPost, lab.srv.URL+"/login", strings.NewReader("username=alice&password=wonderland"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set(tt.header, tt.value)
			res := b.do(req)
			if res.StatusCode != tt.want {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.want)
			}
			if tt.want == http.StatusForbidden {
				if !strings.Contains(res.body, "sent from another site") {
					t.Errorf("403 page does not explain")
				}
				if !strings.Contains(res.body, `href="/lessons/csrf"`) {
					t.Errorf("403 page does not link the lesson that explains it")
				}
				if b.cookie("sessionid") != "" {
					t.Errorf("a refused request logged in")
				}
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	lab := newTestLab(t)
	tests := []struct {
		name string
		path string
		form url.Values
		want int
		text string
	}{
		{"auth key", "/lab/session", url.Values{"key": {"_auth_user_id"}, "value": {"1"}}, 400, "belong to the auth system"},
		{"empty key", "/lab/session", url.Values{"key": {""}, "value": {"x"}}, 400, "Fill in a key"},
		{"long value", "/lab/session", url.Values{"key": {"k"}, "value": {strings.Repeat("v", 2000)}}, 400, "Fill in a key"},
		{"session cookie", "/lab/cookie", url.Values{"name": {"sessionid"}, "value": {"x"}}, 400, "only the session manager sets it"},
		{"cookie name", "/lab/cookie", url.Values{"name": {"a b"}, "value": {"x"}}, 400, "A cookie name is"},
		{"cookie value", "/lab/cookie", url.Values{"name": {"a"}, "value": {"x;y"}}, 400, "A cookie value is"},
		{"max-age", "/lab/cookie", url.Values{"name": {"a"}, "value": {"x"}, "max_age": {"-5"}}, 400, "Max-Age is"},
		{"path", "/lab/cookie", url.Values{"name": {"a"}, "value": {"x"}, "path": {"lab"}}, 400, "Path must start with /"},
		{"samesite", "/lab/cookie", url.Values{"name": {"a"}, "value": {"x"}, "samesite": {"Sometimes"}}, 400, "SameSite is"},
		{"prefs", "/prefs", url.Values{"lang": {"fr"}}, 400, "Language is en or ko"},
		{"oversized body", "/lab/session", url.Values{"key": {"k"}, "value": {strings.Repeat("v", 100<<10)}}, 413, "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := lab.browser().post(tt.path, tt.form)
			if res.StatusCode != tt.want || !strings.Contains(res.body, tt.text) {
				t.Errorf("status %d, want %d with %q; body: %.300s", res.StatusCode, tt.want, tt.text, res.body)
			}
		})
	}
	if n := lab.store.Len(); n != 0 {
		t.Errorf("bad input created %d sessions", n)
	}

	// A malformed form body and odd headers never reach a 500.
	b := lab.browser()
	req, _ := http.NewRequest(http.MethodPost, lab.srv.URL+"/lab/session", strings.NewReader("key=%zz&value=1"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if res := b.do(req); res.StatusCode != http.StatusBadRequest {
		t.Errorf("malformed form: %d, want 400", res.StatusCode)
	}
	req, _ = http.NewRequest(http.MethodGet, lab.srv.URL+"/", nil)
	req.Header.Set("Cookie", "sessionid=%%%; ;;=; lang=xx; theme=\"dark")
	req.Header.Set("Accept-Language", "ko;q=abc, en;q=2, ,;;")
	if res := b.do(req); res.StatusCode != http.StatusOK {
		t.Errorf("odd cookie header: %d, want 200", res.StatusCode)
	}
}

func TestSecurityHeaders(t *testing.T) {
	lab := newTestLab(t)
	for _, path := range []string{"/", "/api/state", "/static/site.css", "/no/such"} {
		res := lab.browser().get(path)
		csp := res.Header.Get("Content-Security-Policy")
		for _, want := range []string{"'wasm-unsafe-eval'", "frame-ancestors 'none'", "script-src 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %s", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows inline code", path)
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", path)
		}
	}
	res := lab.browser().get("/api/state")
	if res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("/api/state: Cache-Control %q, ACAO %q", res.Header.Get("Cache-Control"), res.Header.Get("Access-Control-Allow-Origin"))
	}
}

// TestActionEcho: a POST that carries a nonce leaves its Set-Cookie lines
// and events for the panel to collect once, as the panel does: on the page
// the POST led to.
func TestActionEcho(t *testing.T) {
	lab := newTestLab(t)
	b := lab.browser()
	const nonce, nonce2 = "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"
	collect := func(nonce, kind, cookieAttr string) {
		t.Helper()
		st := b.get("/api/state?echo=" + nonce)
		if !strings.Contains(st.body, `"echo":`) || !strings.Contains(st.body, `"kind":"`+kind+`"`) || !strings.Contains(st.body, cookieAttr) {
			t.Errorf("echo %s: %s", nonce, st.body)
		}
		if again := b.get("/api/state?echo=" + nonce); strings.Contains(again.body, `"echo":`) {
			t.Errorf("echo %s handed out twice", nonce)
		}
	}
	b.post("/login", url.Values{"username": {"alice"}, "password": {"wonderland"}, "_echo": {nonce}})
	collect(nonce, state.Created, "HttpOnly")
	b.post("/logout", url.Values{"_echo": {nonce2}})
	// Only the panel's nonce form is kept: anything else is no nonce.
	b.post("/lab/session", url.Values{"key": {"k"}, "value": {"v"}, "_echo": {"n0nce-0123456789abcdef"}})
	if st := b.get("/api/state?echo=n0nce-0123456789abcdef"); strings.Contains(st.body, `"echo":`) {
		t.Errorf("an echo was kept under a nonce the panel never makes: %s", st.body)
	}
	collect(nonce2, state.Destroyed, "Max-Age=0")
}

func TestPreferences(t *testing.T) {
	lab := newTestLab(t)
	b := lab.browser()
	req, _ := http.NewRequest(http.MethodGet, lab.srv.URL+"/", nil)
	req.Header.Set("Accept-Language", "ko-KR,ko;q=0.9,en;q=0.8")
	if res := b.do(req); !strings.Contains(res.body, `<html lang="ko"`) {
		t.Errorf("Accept-Language ko did not choose Korean")
	}
	res := b.post("/prefs", url.Values{"lang": {"ko"}, "theme": {"dark"}, "next": {"/lessons/cookies?step=2"}})
	if res.Header.Get("Location") != "/lessons/cookies?step=2" {
		t.Errorf("prefs went to %q, want back to the step", res.Header.Get("Location"))
	}
	if res := b.get("/lessons/cookies?step=2"); !strings.Contains(res.body, `<html lang="ko" data-theme="dark">`) {
		t.Errorf("preference cookies not honoured")
	}
	if lab.store.Len() != 0 {
		t.Errorf("preferences created a session")
	}

	// Tracking: opt in, then every page view counts.
	b.post("/lab/tracking", url.Values{"on": {"1"}})
	for want := 1; want <= 3; want++ {
		b.get("/")
		if got := b.cookie("visits"); got != strconv.Itoa(want) {
			t.Fatalf("visits = %q after %d views", got, want)
		}
	}
	b.post("/lab/tracking", url.Values{"on": {"0"}})
	if b.cookie("visits") != "" {
		t.Errorf("tracking off left the cookie")
	}
}

func TestHealthz(t *testing.T) {
	lab := newTestLab(t)
	if res := lab.browser().get("/healthz"); res.StatusCode != 200 || res.body != "ok\n" {
		t.Errorf("healthz: %d %q", res.StatusCode, res.body)
	}
}
