package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// TestOperatorViewFollowsTheStore: the live session count and size rise
// with logins and fall back to zero after the logouts; the learners'
// routes do not serve it.
func TestOperatorViewFollowsTheStore(t *testing.T) {
	lab := newTestLab(t)
	debug := httptest.NewServer(lab.app.DebugHandler())
	t.Cleanup(debug.Close)
	stats := func() DebugStats {
		t.Helper()
		res, err := http.Get(debug.URL + "/debug/stats")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var st DebugStats
		if err := json.NewDecoder(res.Body).Decode(&st); err != nil {
			t.Fatal(err)
		}
		if st.Sessions == nil {
			t.Fatal("no session figures from the memory store")
		}
		return st
	}
	if st := stats(); st.Sessions.Count != 0 || st.Users != 2 {
		t.Fatalf("at start: %+v sessions, %d users; want 0 and the 2 demo users", *st.Sessions, st.Users)
	}
	var bs []*browser
	for range 3 {
		b := lab.browser()
		b.post("/login", url.Values{"username": {"alice"}, "password": {"wonderland"}})
		bs = append(bs, b)
	}
	st := stats()
	if st.Sessions.Count != 3 || st.Sessions.Bytes <= 0 || st.Hashing.Hashed == 0 {
		t.Errorf("after 3 logins: %+v, hashed %d; want 3 sessions, some bytes, some hashes", *st.Sessions, st.Hashing.Hashed)
	}
	for _, b := range bs {
		b.post("/logout", url.Values{})
	}
	if st := stats(); st.Sessions.Count != 0 || st.Sessions.Bytes != 0 {
		t.Errorf("after the logouts: %+v, want none", *st.Sessions)
	}
	if res := lab.browser().get("/debug/stats"); res.StatusCode != http.StatusNotFound {
		t.Errorf("the application serves /debug/stats: %d", res.StatusCode)
	}
}
