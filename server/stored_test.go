package server

import (
	"net/url"
	"strings"
	"testing"
)

// TestLabStored: /lab/stored shows this browser's own record as the store
// keeps it, and after a logout nothing; never another browser's.
func TestLabStored(t *testing.T) {
	lab := newTestLab(t)
	b, other := lab.browser(), lab.browser()
	if got := b.get("/lab/stored").body; !strings.Contains(got, "backend: memory\nstored: no\n") {
		t.Errorf("no session yet:\n%s", got)
	}
	b.post("/lab/session", url.Values{"key": {"cart"}, "value": {"1"}})
	other.post("/lab/session", url.Values{"key": {"secret"}, "value": {"theirs"}})
	got := b.get("/lab/stored").body
	if !strings.Contains(got, "stored: yes") || !strings.Contains(got, "cart") || strings.Contains(got, "theirs") {
		t.Errorf("with a session:\n%s", got)
	}
	b.post("/logout", nil)
	if got := b.get("/lab/stored").body; !strings.Contains(got, "stored: no") {
		t.Errorf("after logout:\n%s", got)
	}
}
