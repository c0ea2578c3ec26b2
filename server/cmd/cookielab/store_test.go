package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// instance is one run of the command, serving until stop.
type instance struct {
	url  string // http://127.0.0.1:PORT/
	stop func()
}

// startRun runs the command with args on a free port and waits for
// /healthz; stop ends it the way SIGINT does and expects a clean exit.
func startRun(t *testing.T, env map[string]string, args ...string) instance {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdoutR, stdoutW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0", "-bcrypt-cost", "4"}, args...), func(k string) string { return env[k] }, stdoutW, io.Discard)
		stdoutW.Close()
	}()
	line, err := bufio.NewReader(stdoutR).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("reading the start line: %v (run: %v)", err, <-done)
	}
	base := strings.TrimSpace(line[strings.Index(line, "http://"):])
	go io.Copy(io.Discard, stdoutR)
	var res *http.Response
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if res, err = http.Get(base + "healthz"); err == nil {
			res.Body.Close()
			break
		}
	}
	if err != nil {
		cancel()
		t.Fatalf("GET /healthz: %v", err)
	}
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run returned %v after shutdown, want nil", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("run did not return after the context ended")
		}
	}
	t.Cleanup(stop)
	return instance{url: base, stop: stop}
}

// browser is a client with a cookie jar that does not follow redirects,
// so each response's own Set-Cookie lands in the jar.
type browser struct {
	t *testing.T
	c *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) post(u string, form url.Values) int {
	b.t.Helper()
	res, err := b.c.PostForm(u, form)
	if err != nil {
		b.t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// apiState is the part of GET /api/state these tests read.
type apiState struct {
	Authenticated bool
	User          *struct{ Username string }
	Session       *struct {
		ID   string
		Data map[string]string
	}
}

func (b *browser) state(base string) apiState {
	b.t.Helper()
	res, err := b.c.Get(base + "api/state")
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b.t.Fatalf("GET /api/state: %s", res.Status)
	}
	var st apiState
	if err := json.NewDecoder(res.Body).Decode(&st); err != nil {
		b.t.Fatal(err)
	}
	return st
}

// TestRestartOnSQLiteKeepsSignUpsAndSessions: with -store sqlite:PATH and
// the same -session-keys, a restart keeps the accounts made by sign-up and
// the sessions, logged in or not; a session ended by a logout stays ended.
func TestRestartOnSQLiteKeepsSignUpsAndSessions(t *testing.T) {
	env := map[string]string{"COOKIELAB_SESSION_KEYS": strings.Repeat("cd", 32)}
	store := "sqlite:" + filepath.Join(t.TempDir(), "cookielab.db")

	first := startRun(t, env, "-store", store)
	carol := newBrowser(t)
	if code := carol.post(first.url+"signup", url.Values{"username": {"carol"}, "display_name": {"Carol"}, "password1": {"correct horse"}, "password2": {"correct horse"}}); code != http.StatusSeeOther {
		t.Fatalf("sign-up: %d", code)
	}
	if code := carol.post(first.url+"lab/session", url.Values{"key": {"cart"}, "value": {"3"}}); code != http.StatusSeeOther {
		t.Fatalf("POST /lab/session: %d", code)
	}
	anon := newBrowser(t)
	anon.post(first.url+"lab/session", url.Values{"key": {"theme"}, "value": {"plum"}})
	gone := newBrowser(t)
	gone.post(first.url+"login", url.Values{"username": {"alice"}, "password": {"wonderland"}})
	goneCookies := gone.c.Jar.Cookies(mustURL(t, first.url))
	if st := gone.state(first.url); !st.Authenticated {
		t.Fatal("alice is not logged in")
	}
	gone.post(first.url+"logout", nil)
	before := carol.state(first.url)
	first.stop()

	// Cookies do not separate by port: the jars send them to the new one.
	second := startRun(t, env, "-store", store)
	after := carol.state(second.url)
	if !after.Authenticated || after.User == nil || after.User.Username != "carol" {
		t.Fatalf("after the restart carol's session is not logged in: %+v", after)
	}
	if after.Session == nil || after.Session.ID != before.Session.ID || after.Session.Data["cart"] != "3" {
		t.Fatalf("after the restart: session %+v, want %+v", after.Session, before.Session)
	}
	if st := anon.state(second.url); st.Session == nil || st.Session.Data["theme"] != "plum" {
		t.Fatalf("the anonymous session did not survive the restart: %+v", st.Session)
	}
	// The cookie alice's logout expired, replayed: no session.
	replay := newBrowser(t)
	replay.c.Jar.SetCookies(mustURL(t, second.url), goneCookies)
	if st := replay.state(second.url); st.Session != nil || st.Authenticated {
		t.Fatalf("a session ended by logout came back after the restart: %+v", st)
	}
	// The account itself survived: a fresh browser can log in with it.
	fresh := newBrowser(t)
	if code := fresh.post(second.url+"login", url.Values{"username": {"carol"}, "password": {"correct horse"}}); code != http.StatusSeeOther {
		t.Fatalf("login with the signed-up account after the restart: %d", code)
	}
	if st := fresh.state(second.url); !st.Authenticated || st.User.Username != "carol" {
		t.Fatalf("login after the restart: %+v", st)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestRunRejectsBadStores: a -store or -users the command cannot use is
// an error at start that says what it takes.
func TestRunRejectsBadStores(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown store", []string{"-store", "postgres://x"}, "want memory, sqlite:PATH or redis://"},
		{"sqlite without a path", []string{"-store", "sqlite:"}, "-store: want"},
		{"unwritable sqlite file", []string{"-store", "sqlite:" + filepath.Join(dir, "missing", "x.db")}, "cannot write the database file"},
		{"unknown users", []string{"-users", "ldap://x"}, "-users: want memory or sqlite:PATH"},
		{"redis without -users", []string{"-store", "redis://127.0.0.1:1/0"}, "needs -users"},
		{"redis not there", []string{"-store", "redis://127.0.0.1:1/0", "-users", "memory"}, "is redis-server running?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(context.Background(), append([]string{"-addr", "127.0.0.1:0"}, tt.args...), func(string) string { return "" }, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}
