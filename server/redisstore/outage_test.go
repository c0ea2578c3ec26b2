package redisstore_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"cookielab/server"
	"cookielab/server/auth"
	"cookielab/server/redisstore"
	"cookielab/server/redisstore/redistest"
	"cookielab/server/session"
)

// learner is a browser: a cookie jar, redirects not followed, so every
// response's own Set-Cookie lands in the jar.
type learner struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newLearner(t *testing.T, base string) *learner {
	jar, _ := cookiejar.New(nil)
	return &learner{t: t, base: base, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (l *learner) do(method, path string, form url.Values) (*http.Response, string) {
	l.t.Helper()
	req, err := http.NewRequest(method, l.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		l.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := l.c.Do(req)
	if err != nil {
		l.t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(body)
}

// user is who /api/state says is logged in, "" for no one.
func (l *learner) user() string {
	l.t.Helper()
	res, body := l.do(http.MethodGet, "/api/state", nil)
	if res.StatusCode != http.StatusOK {
		l.t.Fatalf("GET /api/state: %d %s", res.StatusCode, body)
	}
	var st struct{ User *struct{ Username string } }
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		l.t.Fatal(err)
	}
	if st.User == nil {
		return ""
	}
	return st.User.Username
}

// TestOutageMidClass: Cookie Lab on Redis, and Redis killed mid-class.
// Requests that need the store get the translated 503 with Retry-After
// (and keep their cookie: nothing can be judged); pages that need no
// session still load. When Redis is back every session it had is back,
// and a session logged out before the kill stays logged out.
func TestOutageMidClass(t *testing.T) {
	srv := redistest.Start(t)
	store := open(t, srv, redisstore.Options{})
	users, err := auth.NewSeededUsers(auth.UsersOptions{Cost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	h, err := server.New(server.Config{}, server.Deps{Sessions: store, Users: users})
	if err != nil {
		t.Fatal(err)
	}
	web := httptest.NewServer(h)
	t.Cleanup(web.Close)

	alice, bob := newLearner(t, web.URL), newLearner(t, web.URL)
	for _, l := range []struct {
		*learner
		name, password string
	}{{alice, "alice", "wonderland"}, {bob, "bob", "builder"}} {
		if res, body := l.do(http.MethodPost, "/login", url.Values{"username": {l.name}, "password": {l.password}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("login %s: %d %s", l.name, res.StatusCode, body)
		}
	}
	bobsCookies := bob.c.Jar.Cookies(mustParse(t, web.URL))
	bob.do(http.MethodPost, "/logout", url.Values{})
	if who := bob.user(); who != "" {
		t.Fatalf("bob after logout: %q", who)
	}

	srv.Kill()
	res, body := alice.do(http.MethodGet, "/api/state", nil)
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") != session.RetryUnavailable {
		t.Fatalf("GET /api/state during the outage: %d, Retry-After %q: %s", res.StatusCode, res.Header.Get("Retry-After"), body)
	}
	if strings.Contains(strings.Join(res.Header.Values("Set-Cookie"), "\n"), "sessionid=") {
		t.Fatalf("the outage touched the session cookie: %q", res.Header.Values("Set-Cookie"))
	}
	if res, _ := alice.do(http.MethodPost, "/lab/session", url.Values{"key": {"cart"}, "value": {"1"}}); res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("a session write during the outage: %d, want 503", res.StatusCode)
	}
	stranger := newLearner(t, web.URL)
	if res, _ := stranger.do(http.MethodGet, "/", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("a page that needs no session during the outage: %d, want 200", res.StatusCode)
	}

	srv.Restart()
	if who := alice.user(); who != "alice" {
		t.Fatalf("after Redis came back alice is %q, want still logged in", who)
	}
	replay := newLearner(t, web.URL)
	replay.c.Jar.SetCookies(mustParse(t, web.URL), bobsCookies)
	if who := replay.user(); who != "" {
		t.Fatalf("bob's logged-out session came back after the restart: %q", who)
	}
	if recs, err := store.ByUser(context.Background(), users.All()[1].ID); err != nil || len(recs) != 0 {
		t.Fatalf("bob's sessions after the restart: %d, %v", len(recs), err)
	}
}

func mustParse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
