package session

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"cookielab/wasm/state"
)

// TestShift: the session's clock moves back on the server, through the
// store, and the next request judges the deadlines by it; the shift sends
// no cookie (the browser keeps its own clock) and touches no other record.
func TestShift(t *testing.T) {
	tests := []struct {
		name   string
		d      time.Duration
		start  bool   // ShiftStart: only the start moves; else Shift
		reason string // the next request finds it expired so; "" alive
	}{
		{name: "short of the idle timeout", d: 119 * time.Minute},
		{name: "past the idle timeout", d: 2 * time.Hour, reason: state.ReasonIdle},
		{name: "start only, short of the lifetime", d: 24 * time.Hour, start: true},
		{name: "start only, past the lifetime", d: DefaultLifetime, start: true, reason: state.ReasonAbsolute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{})
			other := h.getWith("/put?o=1").view
			id := h.get("/put?k=v").view.ID
			created := h.clock.Now()
			h.clock.Advance(time.Minute)
			path := "/shift?d=" + tt.d.String()
			if tt.start {
				path += "&start=1"
			}
			res := h.get(path)
			if res.status != http.StatusOK {
				t.Fatalf("%s: %d %s", path, res.status, res.body)
			}
			wantNoCookie(t, res)
			rec, err := h.store.Get(context.Background(), id)
			if err != nil && tt.reason == "" {
				t.Fatalf("the shifted record: %v", err)
			}
			lastSeen := h.clock.Now()
			if !tt.start {
				lastSeen = lastSeen.Add(-tt.d)
			}
			if !rec.Created.Equal(created.Add(-tt.d)) || !rec.LastSeen.Equal(lastSeen) {
				t.Errorf("stored times: created %v, last seen %v; want %v, %v", rec.Created, rec.LastSeen, created.Add(-tt.d), lastSeen)
			}
			if o, err := h.store.Get(context.Background(), other.ID); err != nil || !o.Created.Equal(created) || !o.LastSeen.Equal(created) {
				t.Errorf("another session was touched: %+v %v", o, err)
			}
			next := h.get("/get")
			if tt.reason == "" {
				if next.view.ID != id {
					t.Fatalf("the session ended: %+v", next.view)
				}
				if want := created.Add(-tt.d).Add(DefaultLifetime); !next.view.Desc.AbsoluteExpires.Equal(want) {
					t.Errorf("absolute deadline %v, want %v", next.view.Desc.AbsoluteExpires, want)
				}
				return
			}
			wantCleared(t, next)
			if diff := cmp.Diff([]string{"expired/" + tt.reason}, kinds(next.view.Events)); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBrowserSession: with _session_expiry = 0 the cookie has neither
// Max-Age nor Expires, on every later write too, until it is persistent
// again; the record keeps its deadlines either way.
func TestBrowserSession(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.get("/put?k=v")
	res := h.get("/browser-session?on=1")
	c := oneCookie(t, res)
	if c.MaxAge != 0 || !c.Expires.IsZero() || strings.Contains(c.Raw, "Max-Age") || strings.Contains(c.Raw, "Expires") || !c.HttpOnly {
		t.Fatalf("browser-session cookie %q", c.Raw)
	}
	if res.view.Data[ExpiryKey] != "0" || res.view.Desc.Expires.IsZero() {
		t.Errorf("data %v, record deadline %v", res.view.Data, res.view.Desc.Expires)
	}
	if c := oneCookie(t, h.get("/put?k=w")); strings.Contains(c.Raw, "Max-Age") {
		t.Errorf("a later write made it persistent: %q", c.Raw)
	}
	if c := oneCookie(t, h.get("/browser-session?on=0")); c.MaxAge != int(DefaultLifetime/time.Second) {
		t.Errorf("persistent again: %q", c.Raw)
	}
}
