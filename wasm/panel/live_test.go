package panel

import (
	"slices"
	"strconv"
	"testing"
	"time"
)

const (
	nonceA = "0123456789abcdef0123456789abcdef"
	nonceB = "fedcba9876543210fedcba9876543210"
)

func TestLiveEchoHandOff(t *testing.T) {
	wall := tm(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	page := &Echo{Method: "GET", Path: "/"}

	t.Run("the arrival nonce is collected once, then forgotten", func(t *testing.T) {
		l := NewLive(page, nonceA)
		f := l.Begin("", "a=1")
		if f.URL != "/api/state?echo="+nonceA {
			t.Fatalf("first refresh fetches %q", f.URL)
		}
		act := &Echo{Method: "POST", Path: "/login", Status: 303}
		if !l.Done(f, &State{Echo: act}, wall, nonceA) {
			t.Error("the stored nonce is still the arrival one: Done should forget it")
		}
		if f := l.Begin("", "a=1"); f.URL != "/api/state" {
			t.Errorf("second refresh fetches %q; the echo is handed over once", f.URL)
		}
		in := l.Input(Input{Lang: "en"}, wall)
		if in.PageEcho != page || in.ActionEcho != act || in.Lang != "en" {
			t.Errorf("Input = %+v", in)
		}
	})
	t.Run("a failed fetch keeps the nonce for the next", func(t *testing.T) {
		l := NewLive(nil, nonceA)
		l.Begin("", "")
		if f := l.Begin("", ""); f.URL != "/api/state?echo="+nonceA {
			t.Errorf("after a failure the refresh fetches %q", f.URL)
		}
	})
	t.Run("a newer form's nonce in storage stays", func(t *testing.T) {
		l := NewLive(nil, nonceA)
		f := l.Begin("", "")
		if l.Done(f, &State{}, wall, nonceB) {
			t.Error("Done would remove the nonce of a form submitted since")
		}
		if f := l.Begin("", ""); f.URL != "/api/state" {
			t.Errorf("arrival nonce not forgotten: %q", f.URL)
		}
	})
	t.Run("an event's nonce wins and supersedes the arrival one", func(t *testing.T) {
		l := NewLive(nil, nonceA)
		f := l.Begin(nonceB, "")
		if f.URL != "/api/state?echo="+nonceB {
			t.Fatalf("refresh with an event's nonce fetches %q", f.URL)
		}
		if !l.Done(f, &State{}, wall, nonceA) {
			t.Error("the superseded arrival nonce stays in storage")
		}
		if f := l.Begin("", ""); f.URL != "/api/state" {
			t.Errorf("the older echo would be collected after the newer: %q", f.URL)
		}
	})
	t.Run("no pending nonce: nothing to forget", func(t *testing.T) {
		l := NewLive(nil, "")
		f := l.Begin("", "")
		if l.Done(f, &State{}, wall, "") {
			t.Error("Done asks to remove a nonce nobody stored")
		}
	})
	t.Run("the last echo stays when a refresh brings none", func(t *testing.T) {
		l := NewLive(nil, "")
		act := &Echo{Path: "/logout"}
		l.Done(l.Begin(nonceA, ""), &State{Echo: act}, wall, "")
		l.Done(l.Begin("", ""), &State{}, wall, "")
		if got := l.Input(Input{}, wall).ActionEcho; got != act {
			t.Errorf("ActionEcho = %+v, want the last one collected", got)
		}
	})
	t.Run("an invalid nonce is never put in the URL", func(t *testing.T) {
		l := NewLive(nil, "&x=1")
		if f := l.Begin("", ""); f.URL != "/api/state" {
			t.Errorf("URL = %q", f.URL)
		}
	})
}

func TestLiveClock(t *testing.T) {
	wall := tm(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	l := NewLive(nil, "")
	if got := l.Now(wall); !got.Equal(wall) {
		t.Errorf("before any fetch Now = %v, want the wall clock", got)
	}
	l.Done(l.Begin("", ""), &State{Now: wall.Add(90 * Second)}, wall, "")
	if got := l.Now(wall.Add(Second)); !got.Equal(wall.Add(91 * Second)) {
		t.Errorf("Now = %v, want the wall clock corrected by the server's (+90s)", got)
	}
	l.Done(l.Begin("", ""), &State{}, wall, "") // a state without now keeps the skew
	if got := l.Now(wall); !got.Equal(wall.Add(90 * Second)) {
		t.Errorf("after a state without now, Now = %v", got)
	}
	if got := l.Input(Input{}, wall).Now; !got.Equal(wall.Add(90 * Second)) {
		t.Errorf("Input.Now = %v", got)
	}
}

func TestLiveTick(t *testing.T) {
	wall := tm(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	soon := wall.Add(5 * Second).String()
	past := wall.Add(-Second).String()
	other := wall.Add(-Minute).String()

	t.Run("countdowns", func(t *testing.T) {
		l := NewLive(nil, "")
		l.Begin("", "a=1")
		tk := l.Tick("a=1", []string{soon, "not a time", wall.String()}, wall, "ko")
		want := []CountdownState{{OK: true, Text: "5초"}, {}, {OK: true, Text: "0초", Expired: true}}
		if len(tk.Countdowns) != len(want) {
			t.Fatalf("Countdowns = %+v", tk.Countdowns)
		}
		for i := range want {
			if tk.Countdowns[i] != want[i] {
				t.Errorf("countdown %d = %+v, want %+v", i, tk.Countdowns[i], want[i])
			}
		}
		if !tk.Refresh {
			t.Error("a countdown at zero does not re-fetch")
		}
	})
	t.Run("document.cookie changed", func(t *testing.T) {
		l := NewLive(nil, "")
		l.Begin("", "a=1")
		if tk := l.Tick("a=1", []string{soon}, wall, "en"); tk.Refresh {
			t.Error("refresh with nothing changed")
		}
		if tk := l.Tick("a=1; b=2", []string{soon}, wall, "en"); !tk.Refresh {
			t.Error("no refresh after document.cookie changed")
		}
		l.Begin("", "a=1; b=2")
		if tk := l.Tick("a=1; b=2", []string{soon}, wall, "en"); tk.Refresh {
			t.Error("refresh again after the refresh saw the change")
		}
	})
	t.Run("retries: 3 per deadline, 2 s apart", func(t *testing.T) {
		l := NewLive(nil, "")
		var refreshed []int // seconds after wall
		for s := 0; s < 20; s++ {
			if l.Tick("", []string{past}, wall.Add(Duration(s)*Second), "en").Refresh {
				refreshed = append(refreshed, s)
			}
		}
		if want := []int{0, 2, 4}; !slices.Equal(refreshed, want) {
			t.Errorf("refreshes at %v s, want %v", refreshed, want)
		}
	})
	t.Run("a second deadline has its own tries but keeps the spacing", func(t *testing.T) {
		l := NewLive(nil, "")
		var got []string
		for s := 0; s < 20; s++ {
			tk := l.Tick("", []string{past, other}, wall.Add(Duration(s)*Second), "en")
			if tk.Refresh {
				got = append(got, strconv.Itoa(s))
			}
		}
		if want := []string{"0", "2", "4", "6", "8", "10"}; !slices.Equal(got, want) {
			t.Errorf("refreshes at %v s, want %v", got, want)
		}
	})
	t.Run("the server's clock decides", func(t *testing.T) {
		l := NewLive(nil, "")
		// The browser's clock is 10 s behind: the deadline 5 s ahead by it
		// has passed by the server's.
		l.Done(l.Begin("", ""), &State{Now: wall.Add(10 * Second)}, wall, "")
		if tk := l.Tick("", []string{soon}, wall, "en"); !tk.Refresh || !tk.Countdowns[0].Expired {
			t.Errorf("Tick = %+v, want the deadline expired by the server's clock", tk)
		}
	})
}

func TestSubmitTarget(t *testing.T) {
	tests := []struct {
		name                 string
		method, action       string
		sub                  Submitter
		wantMethod, wantPath string
	}{
		{"form's own", "post", "/login", Submitter{}, "post", "/login"},
		{"submitter's formmethod", "get", "/search", Submitter{Method: "post", HasMethod: true}, "post", "/search"},
		{"submitter's formaction", "post", "/a", Submitter{Action: "/b", HasAction: true}, "post", "/b"},
		{"empty formaction is present", "post", "/a", Submitter{HasAction: true}, "post", ""},
		{"both", "get", "/a", Submitter{Method: "POST", Action: "/b", HasMethod: true, HasAction: true}, "POST", "/b"},
	}
	for _, tt := range tests {
		m, a := SubmitTarget(tt.method, tt.action, tt.sub)
		if m != tt.wantMethod || a != tt.wantPath {
			t.Errorf("%s: SubmitTarget = %q, %q; want %q, %q", tt.name, m, a, tt.wantMethod, tt.wantPath)
		}
	}
}
