//go:build !js

package e2e

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"

	"cookielab/e2e/browser"
	"cookielab/e2e/expect"
)

// The flows beyond the lessons: the login form, login-required pages,
// sign-up, several browsers, replayed and tampered cookies, preferences.

// genericLoginError is Django's message for wrong credentials.
const genericLoginError = "Please enter a correct username and password. Note that both fields may be case-sensitive."

// logIn fills in the login form on the current page, or on /login, and
// submits it. It returns where the action began in the network recording.
func (l *learner) logIn(t testing.TB, user, password string) int {
	t.Helper()
	var mark int
	l.do(t, "log in as "+user, func(ctx context.Context) error {
		p, err := l.probe(ctx, 0)
		if err != nil || pathOf(p.URL) != "/login" {
			if err := l.open(ctx, "/login"); err != nil {
				return err
			}
		}
		if err := l.fill(ctx, "form[data-login-form] [name=username]", user); err != nil {
			return err
		}
		if err := l.fill(ctx, "form[data-login-form] [name=password]", password); err != nil {
			return err
		}
		mark = l.tab.Net.Mark()
		return l.click(ctx, "form[data-login-form] [type=submit]", 0, nil)
	})
	return mark
}

// logOut presses the header's Log out button.
func (l *learner) logOut(t testing.TB) int {
	t.Helper()
	var mark int
	l.do(t, "log out", func(ctx context.Context) error {
		mark = l.tab.Net.Mark()
		return l.click(ctx, "header [data-logout]", 0, nil)
	})
	return mark
}

// openPage opens a page of the site and returns where that began.
func (l *learner) openPage(t testing.TB, path string) int {
	t.Helper()
	var mark int
	l.do(t, "open "+path, func(ctx context.Context) error {
		mark = l.tab.Net.Mark()
		return l.open(ctx, path)
	})
	return mark
}

// sessionCookie returns the session cookie in the tab's jar.
func (l *learner) sessionCookie(t testing.TB) *network.Cookie {
	t.Helper()
	var found *network.Cookie
	l.do(t, "read the jar", func(ctx context.Context) error {
		jar, err := l.tab.Jar(ctx)
		if err != nil {
			return err
		}
		for _, c := range jar {
			if c.Name == "sessionid" {
				found = c
				return nil
			}
		}
		return fmt.Errorf("the jar has no sessionid cookie")
	})
	return found
}

// plant writes a sessionid cookie into the jar as the server would have set
// it (HttpOnly, SameSite=Lax): what someone holding a copy would do.
func (l *learner) plant(t testing.TB, value string) {
	t.Helper()
	l.do(t, "plant a sessionid cookie", func(ctx context.Context) error {
		return l.tab.SetCookie(ctx, network.SetCookieParams{
			Name: "sessionid", Value: value, URL: l.base + "/", Path: "/",
			HTTPOnly: new(true), SameSite: network.CookieSameSiteLax,
		})
	})
}

func TestLoginWithAWrongPassword(t *testing.T) {
	t.Parallel()
	l := start(t).newLearner(t, "wrong-password")
	mark := l.logIn(t, "alice", "not-her-password")
	v := l.expect(t, "after a wrong password", mark,
		"url /login", "session none", "jar lacks sessionid", "user anonymous",
		"page shows "+genericLoginError)
	post := slices.IndexFunc(v.Browser.Action, func(x browser.Exchange) bool { return x.Method == "POST" && pathOf(x.URL) == "/login" })
	if post < 0 {
		t.Fatalf("DevTools saw no POST /login:\n%s", browser.Format(v.Browser.Action))
	}
	if x := v.Browser.Action[post]; x.Status != 200 {
		t.Errorf("POST /login with a wrong password answered %d, want 200 (the form again)", x.Status)
	}
	for _, x := range v.Browser.Action {
		for _, line := range x.SetCookie {
			if strings.HasPrefix(line, "sessionid=") {
				t.Errorf("%s %s set a session cookie after a failed login: %s", x.Method, pathOf(x.URL), line)
			}
		}
	}
	// The message says nothing about which field was wrong.
	for _, leak := range []string{"no such user", "unknown user", "wrong password", "incorrect password"} {
		if strings.Contains(strings.ToLower(v.Page.Text), leak) {
			t.Errorf("the page says %q", leak)
		}
	}
}

func TestLoginRequiredPageSendsYouBack(t *testing.T) {
	t.Parallel()
	l := start(t).newLearner(t, "login-required")
	mark := l.openPage(t, "/me")
	l.expect(t, "GET /me anonymously", mark, "url /login?next=%2Fme", "user anonymous", "session none")
	mark = l.logIn(t, "alice", "wonderland")
	l.expect(t, "after logging in", mark, "url /me", "user alice", "session user alice", "page shows alice",
		"set-cookie sets sessionid", "jar has sessionid httponly samesite=Lax persistent")
}

func TestSignUpLogOutLogIn(t *testing.T) {
	t.Parallel()
	l := start(t).newLearner(t, "signup")
	n, _ := rand.Int(rand.Reader, big.NewInt(1e9))
	user, password := fmt.Sprintf("e2e%d", n), "correct-Horse-battery-42"
	var mark int
	l.do(t, "sign up", func(ctx context.Context) error {
		if err := l.open(ctx, "/signup"); err != nil {
			return err
		}
		for name, value := range map[string]string{"username": user, "display_name": "E2E Learner", "password1": password, "password2": password} {
			if err := l.fill(ctx, "form[data-signup-form] [name="+name+"]", value); err != nil {
				return err
			}
		}
		mark = l.tab.Net.Mark()
		return l.click(ctx, "form[data-signup-form] [type=submit]", 0, nil)
	})
	l.expect(t, "after signing up", mark, "session user "+user, "user "+user, "set-cookie sets sessionid",
		"jar has sessionid httponly", "timeline has created")
	mark = l.logOut(t)
	l.expect(t, "after logging out", mark, "session none", "user anonymous", "set-cookie deletes sessionid",
		"jar lacks sessionid", "timeline has destroyed", "session-id changed")
	mark = l.logIn(t, user, password)
	l.expect(t, "after logging in with the new account", mark, "session user "+user, "user "+user,
		"set-cookie sets sessionid", "session-id changed")
}

func TestTwoBrowsersTwoSessions(t *testing.T) {
	t.Parallel()
	s := start(t)
	a, b := s.newLearner(t, "two-browsers-a"), s.newLearner(t, "two-browsers-b")
	va := a.expect(t, "browser A logged in", a.logIn(t, "alice", "wonderland"), "session user alice")
	vb := b.expect(t, "browser B logged in", b.logIn(t, "alice", "wonderland"), "session user alice")
	if va.Browser.State.Session.ID == vb.Browser.State.Session.ID {
		t.Fatalf("two browsers logged in as alice share the session %s", va.Browser.State.Session.ID)
	}
	a.expect(t, "browser A logged out", a.logOut(t), "session none", "user anonymous")
	b.expect(t, "browser B after A logged out", b.openPage(t, "/"), "session user alice", "user alice", "session-id same")
}

func TestOldCookieAfterLogoutIsRefused(t *testing.T) {
	t.Parallel()
	l := start(t).newLearner(t, "replayed-cookie")
	l.logIn(t, "alice", "wonderland")
	old := l.sessionCookie(t)
	l.expect(t, "logged out", l.logOut(t), "session none", "jar lacks sessionid")
	l.plant(t, old.Value)
	l.expect(t, "the old cookie sent again", l.openPage(t, "/"),
		"timeline has rejected unknown", "session none", "user anonymous", "set-cookie deletes sessionid", "jar lacks sessionid")
}

func TestTamperedCookieIsRefused(t *testing.T) {
	t.Parallel()
	l := start(t).newLearner(t, "tampered-cookie")
	l.logIn(t, "alice", "wonderland")
	l.plant(t, tamper(l.sessionCookie(t).Value))
	l.expect(t, "a tampered cookie", l.openPage(t, "/"),
		"timeline has rejected bad-signature", "session none", "user anonymous", "set-cookie deletes sessionid", "jar lacks sessionid")
}

// tamper changes one character in the middle of a signed value, keeping it
// valid base64, so that only the signature can tell.
func tamper(v string) string {
	b := []byte(v)
	i := len(b) / 2
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

func TestLanguageAndThemeSurviveNavigation(t *testing.T) {
	t.Parallel()
	s := start(t)
	l := s.newLearner(t, "preferences")
	slug := s.catalog.Lessons()[0].Slug
	l.openPage(t, "/lessons/"+slug+"?step=2")
	l.do(t, "switch to Korean", func(ctx context.Context) error {
		return l.click(ctx, "header [data-switch=lang]", 0, nil)
	})
	l.do(t, "switch to the dark theme", func(ctx context.Context) error {
		return l.click(ctx, "header [data-switch=theme]", 0, nil)
	})
	v := l.expect(t, "after switching", 0, "url /lessons/"+slug+"?step=2", "jar has lang", "jar has theme")
	assertPrefs(t, "the lesson page after switching", v.Page, "ko", "dark")
	for _, path := range []string{"/", "/login", "/lessons/" + slug} {
		v := l.expect(t, "open "+path, l.openPage(t, path), "server-cookie has lang", "server-cookie has theme")
		assertPrefs(t, path, v.Page, "ko", "dark")
	}
	l.do(t, "switch back to English", func(ctx context.Context) error {
		return l.click(ctx, "header [data-switch=lang]", 0, nil)
	})
	v = l.expect(t, "after switching back", 0, "jar has lang")
	assertPrefs(t, "after switching back", v.Page, "en", "dark")
	v = l.expect(t, "open /me", l.openPage(t, "/me"), "url /login?next=%2Fme")
	assertPrefs(t, "/login?next=%2Fme", v.Page, "en", "dark")
}

func assertPrefs(t *testing.T, where string, p *expect.Page, lang, theme string) {
	t.Helper()
	if p.Lang != lang || p.Panel.Lang != lang || p.Theme != theme {
		t.Errorf("%s: <html lang=%q data-theme=%q>, #panel[data-lang=%q]; want lang %s, theme %s", where, p.Lang, p.Theme, p.Panel.Lang, lang, theme)
	}
	if lang == "ko" && !hasHangul(p.Panel.Text) {
		t.Errorf("%s: the panel's labels are not Korean: %q", where, clip(p.Panel.Text, 200))
	}
}
