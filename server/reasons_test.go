package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"cookielab/wasm/state"
)

// TestDestroyedSaysWhy: a session ended by a logout, by a login as another
// user, or by a password change elsewhere says which, in the events of the
// response that ended it (the echo and the Cookielab-Events header).
func TestDestroyedSaysWhy(t *testing.T) {
	lab := newTestLab(t)
	b := lab.browser()
	login := func(b *browser, user, password string) *response {
		return b.post("/login", url.Values{"username": {user}, "password": {password}})
	}
	events := func(res *response) string { return res.Header.Get(EventsHeader) }

	login(b, "alice", "wonderland")
	if got := events(login(b, "bob", "builder")); !strings.Contains(got, "destroyed "+state.ReasonOtherUser) {
		t.Errorf("login as bob over alice's session: %s = %q, want destroyed %s", EventsHeader, got, state.ReasonOtherUser)
	}
	if got := events(b.post("/logout", nil)); got != "destroyed "+state.ReasonLogout {
		t.Errorf("logout: %s = %q, want destroyed %s", EventsHeader, got, state.ReasonLogout)
	}

	// alice in two browsers; a password change in one ends the other's
	// session at its next request, saying why.
	other := lab.browser()
	login(b, "alice", "wonderland")
	login(other, "alice", "wonderland")
	res := b.post("/password", url.Values{"old_password": {"wonderland"}, "new_password1": {"looking-glass"}, "new_password2": {"looking-glass"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /password: %d %s", res.StatusCode, res.body)
	}
	if got := events(other.get("/")); got != "destroyed "+state.ReasonPasswordChanged {
		t.Errorf("the other browser after a password change: %s = %q, want destroyed %s", EventsHeader, got, state.ReasonPasswordChanged)
	}
}
