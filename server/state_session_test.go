package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"cookielab/wasm/state"
)

// TestStateAfterPasswordChangeElsewhere: when another browser of the same
// user changed the password, this browser's next GET /api/state ends its
// session (the auth hash no longer matches) and must say so consistently:
// the cookie is expired and the body reports no session, never the record
// the same response deleted.
func TestStateAfterPasswordChangeElsewhere(t *testing.T) {
	lab := newTestLab(t)
	laptop, phone := lab.browser(), lab.browser()
	for _, b := range []*browser{laptop, phone} {
		b.post("/login", url.Values{"username": {"alice"}, "password": {"wonderland"}})
	}
	before := phone.state()
	old := before.Session
	if old == nil || before.User == nil {
		t.Fatalf("after logging in: session %+v, user %+v", old, before.User)
	}
	if rec, err := lab.store.Get(t.Context(), old.ID); err != nil || rec.UserID != before.User.ID {
		t.Fatalf("the stored session belongs to %q (%v), want the user's id %q", rec.UserID, err, before.User.ID)
	}
	res := laptop.post("/password", url.Values{"old_password": {"wonderland"}, "new_password1": {"looking-glass"}, "new_password2": {"looking-glass"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /password: %d", res.StatusCode)
	}

	res = phone.get("/api/state")
	var st state.State
	if err := json.Unmarshal([]byte(res.body), &st); err != nil {
		t.Fatalf("GET /api/state: %v in %s", err, res.body)
	}
	if line := res.setCookieLine("sessionid"); !strings.Contains(line, "Max-Age=0") {
		t.Fatalf("want the session cookie expired, got %q", line)
	}
	if st.Session != nil || st.Authenticated {
		t.Fatalf("the response expires the cookie yet reports session %+v (authenticated=%v)", st.Session, st.Authenticated)
	}
	if !hasEvent(st.Events, state.Destroyed, "") {
		t.Fatalf("no destroyed event in %+v", st.Events)
	}
	if _, err := lab.store.Get(t.Context(), old.ID); err == nil {
		t.Fatal("the old record is still stored")
	}
}
