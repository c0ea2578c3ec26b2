package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A password change, a sign-up and a login either happen entirely or not
// at all: when the session that records them cannot be stored, the user
// store is left as it was and the page says what did not happen.

// fillWithLogins logs alice in from n browsers, which fills a store bound
// to n sessions with sessions nobody may evict (they are logged in).
func fillWithLogins(t *testing.T, lab *testLab, n int) []*browser {
	t.Helper()
	var bs []*browser
	for range n {
		b := lab.browser()
		if res := b.post("/login", url.Values{"username": {"alice"}, "password": {"wonderland"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("filling the store: login %d", res.StatusCode)
		}
		bs = append(bs, b)
	}
	return bs
}

func wantRefusedFull(t *testing.T, res *response, notDone string) {
	t.Helper()
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Fatalf("status %d Retry-After %q, want 503 with Retry-After", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if !strings.Contains(res.body, notDone) {
		t.Errorf("the page does not say %q", notDone)
	}
}

func TestPasswordChangeOnAFullStoreChangesNothing(t *testing.T) {
	lab := newTestLabOpts(t, labOptions{maxSessions: 2})
	bs := fillWithLogins(t, lab, 2)
	laptop, phone := bs[0], bs[1]
	before := laptop.state().Session.ID

	res := laptop.post("/password", url.Values{"old_password": {"wonderland"}, "new_password1": {"looking-glass"}, "new_password2": {"looking-glass"}})
	wantRefusedFull(t, res, "Your password was not changed")
	if _, err := lab.users.Authenticate(context.Background(), "alice", "wonderland"); err != nil {
		t.Errorf("the old password no longer works: %v", err)
	}
	if _, err := lab.users.Authenticate(context.Background(), "alice", "looking-glass"); err == nil {
		t.Error("the new password took effect")
	}
	if st := laptop.state(); !st.Authenticated || st.Session.ID != before {
		t.Errorf("the changing session: authenticated=%v, same id=%v; want it as it was", st.Authenticated, st.Session != nil && st.Session.ID == before)
	}
	if !phone.state().Authenticated {
		t.Error("the other session ended although the password did not change")
	}

	// With room again, the same change goes through, all of it.
	phone.post("/logout", url.Values{})
	res = laptop.post("/password", url.Values{"old_password": {"wonderland"}, "new_password1": {"looking-glass"}, "new_password2": {"looking-glass"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("with room: %d", res.StatusCode)
	}
	if _, err := lab.users.Authenticate(context.Background(), "alice", "looking-glass"); err != nil {
		t.Errorf("the new password does not work: %v", err)
	}
	if st := laptop.state(); !st.Authenticated {
		t.Error("the changing session was logged out")
	}
}

func TestSignupOnAFullStoreCreatesNoAccount(t *testing.T) {
	lab := newTestLabOpts(t, labOptions{maxSessions: 1})
	filler := fillWithLogins(t, lab, 1)[0]
	form := url.Values{"username": {"carol"}, "password1": {"carols-secret"}, "password2": {"carols-secret"}}
	b := lab.browser()
	wantRefusedFull(t, b.post("/signup", form), "No account was created")
	if _, ok := lab.users.ByUsername("carol"); ok {
		t.Fatal("the account exists although the sign-up answered 503")
	}
	if b.cookie("sessionid") != "" {
		t.Error("the refused sign-up left a session cookie")
	}

	filler.post("/logout", url.Values{})
	if res := b.post("/signup", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("with room, the same sign-up: %d, want 303 (the name is free)", res.StatusCode)
	}
	if st := b.state(); !st.Authenticated || st.User.Username != "carol" {
		t.Error("signed up but not logged in")
	}
}

func TestLoginOnAFullStoreLeavesTheUserAlone(t *testing.T) {
	lab := newTestLabOpts(t, labOptions{maxSessions: 1})
	fillWithLogins(t, lab, 1)
	bob, _ := lab.users.ByUsername("bob")
	b := lab.browser()
	wantRefusedFull(t, b.post("/login", url.Values{"username": {"bob"}, "password": {"builder"}}), "You are not logged in")
	if after, _ := lab.users.ByUsername("bob"); !after.LastLogin.Equal(bob.LastLogin) {
		t.Errorf("last login moved to %v for a login that did not happen", after.LastLogin)
	}
	if st := b.state(); st.Authenticated {
		t.Error("logged in although the session could not be stored")
	}
}
