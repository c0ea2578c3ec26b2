package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"cookielab/server/session"
	"cookielab/wasm/state"
)

// TestLabClock: the learner's own session's clock moves back on the server;
// past the idle timeout (or, with active=1, the lifetime) the next request
// finds it expired, and another browser's session is untouched.
func TestLabClock(t *testing.T) {
	tests := []struct {
		name    string
		form    url.Values
		expired string // the reason of the next request's expired event; "" alive
	}{
		{name: "an hour", form: url.Values{"minutes": {"60"}}},
		{name: "past the idle timeout", form: url.Values{"minutes": {"120"}}, expired: state.ReasonIdle},
		{name: "28 days, idle first", form: url.Values{"minutes": {"40320"}}, expired: state.ReasonIdle},
		{name: "a day while active", form: url.Values{"minutes": {"1440"}, "active": {"1"}}},
		{name: "the lifetime while active", form: url.Values{"minutes": {"20160"}, "active": {"1"}}, expired: state.ReasonAbsolute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lab := newTestLab(t)
			learner, other := lab.browser(), lab.browser()
			learner.login("alice", "wonderland")
			other.login("alice", "wonderland")
			before, otherBefore := learner.state().Session, other.state().Session
			tt.form.Set("next", "/lessons/expiry?step=3")
			res := learner.post("/lab/clock", tt.form)
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/lessons/expiry?step=3" {
				t.Fatalf("POST /lab/clock: %d %s", res.StatusCode, res.body)
			}
			if line := res.setCookieLine("sessionid"); line != "" {
				t.Errorf("the clock sent a session cookie: %q (the browser keeps its own clock)", line)
			}
			page := learner.get("/lessons/cookies")
			if tt.expired != "" {
				if !hasEchoEvent(t, page, state.Expired, tt.expired) || !strings.Contains(page.setCookieLine("sessionid"), "Max-Age=0") {
					t.Errorf("the next request: no expired %s event, or the cookie kept: %q", tt.expired, page.setCookieLine("sessionid"))
				}
				if st := learner.state(); st.Session != nil || st.User != nil {
					t.Errorf("still a session after expiry: %+v", st.Session)
				}
			} else {
				st := learner.state()
				if st.Session == nil || st.Session.ID != before.ID || st.User == nil {
					t.Fatalf("the session ended: %+v", st.Session)
				}
				d := 60 * time.Minute
				if tt.form.Get("active") != "" {
					d = 24 * time.Hour
				}
				if want := before.AbsoluteExpires.Add(-d); !st.Session.AbsoluteExpires.Equal(want) {
					t.Errorf("absolute deadline %v, want %v", st.Session.AbsoluteExpires, want)
				}
			}
			if o := other.state().Session; o == nil || !o.Created.Equal(otherBefore.Created) || !o.AbsoluteExpires.Equal(otherBefore.AbsoluteExpires) {
				t.Errorf("another browser's session was touched: %+v", o)
			}
		})
	}
}

func TestLabClockRefusals(t *testing.T) {
	lab := newTestLab(t)
	b := lab.browser()
	if res := b.post("/lab/clock", url.Values{"minutes": {"60"}}); res.StatusCode != http.StatusBadRequest || !strings.Contains(res.body, "no session") {
		t.Errorf("without a session: %d", res.StatusCode)
	}
	b.post("/lab/session", url.Values{"key": {"k"}, "value": {"v"}})
	for _, form := range []url.Values{{"minutes": {"0"}}, {"minutes": {"40321"}}, {"minutes": {"1.5"}}, {}, {"minutes": {"5"}, "active": {"yes"}}} {
		if res := b.post("/lab/clock", form); res.StatusCode != http.StatusBadRequest {
			t.Errorf("%v: %d", form, res.StatusCode)
		}
	}
}

// TestRememberMe: checked or absent, the session cookie is persistent
// (Max-Age); unchecked, it is a browser-session cookie (Django's
// set_expiry(0), kept as _session_expiry = 0), whose record still ends at
// the idle timeout. The login page shows the box checked.
func TestRememberMe(t *testing.T) {
	tests := []struct {
		name       string
		remember   []string // nil: no field at all
		persistent bool
	}{
		{name: "absent", persistent: true},
		{name: "checked (the page's hidden field and the box)", remember: []string{"", "on"}, persistent: true},
		{name: "unchecked (the page's hidden field alone)", remember: []string{""}},
		{name: "off", remember: []string{"off"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lab := newTestLab(t)
			b := lab.browser()
			form := url.Values{"username": {"alice"}, "password": {"wonderland"}}
			if tt.remember != nil {
				form["remember"] = tt.remember
			}
			res := b.post("/login", form)
			lines := 0
			for _, l := range res.Header.Values("Set-Cookie") {
				if strings.HasPrefix(l, "sessionid=") {
					lines++
				}
			}
			line := res.setCookieLine("sessionid")
			if res.StatusCode != http.StatusSeeOther || lines != 1 {
				t.Fatalf("POST /login: %d with %d session cookie lines", res.StatusCode, lines)
			}
			if has := strings.Contains(line, "Max-Age=1209600") && strings.Contains(line, "Expires="); has != tt.persistent {
				t.Errorf("Set-Cookie %q: persistent = %v, want %v", line, has, tt.persistent)
			}
			st := b.state()
			if got := st.Session.Data[session.ExpiryKey]; (got == "0") == tt.persistent {
				t.Errorf("_session_expiry = %q", got)
			}
			if tt.persistent {
				return
			}
			// Still a browser-session cookie after a later write; the record
			// ends at the idle timeout all the same.
			if line := b.post("/lab/session", url.Values{"key": {"k"}, "value": {"v"}}).setCookieLine("sessionid"); strings.Contains(line, "Max-Age") {
				t.Errorf("a later write made it persistent: %q", line)
			}
			lab.clock.Advance(2 * time.Hour)
			if st := b.state(); st.User != nil {
				t.Error("a browser-session cookie's record outlived the idle timeout")
			}
		})
	}
	page := newTestLab(t).browser().get("/login").body
	if !strings.Contains(page, `<input type="hidden" name="remember" value="">`) || !strings.Contains(page, `name="remember" value="on" checked data-remember`) {
		t.Error("the login page lacks the remember-me box, checked")
	}
}
