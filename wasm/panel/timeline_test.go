package panel

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"cookielab/wasm/contract"
	"cookielab/wasm/state"
)

func ev(kind string, sec int, id string) Event {
	return Event{Kind: kind, At: t0.Add(Duration(sec) * Second), ID: id}
}

func TestMergeTimeline(t *testing.T) {
	many := make([]Event, TimelineLimit+5)
	for i := range many {
		many[i] = ev(state.Created, i, "x")
	}
	tests := []struct {
		name   string
		stored []Event
		fresh  [][]Event
		want   []Event
	}{
		{name: "nothing", want: nil},
		{
			name:  "fresh only, newest first",
			fresh: [][]Event{{ev(state.Created, 1, "a"), ev(state.Rotated, 2, "b")}},
			want:  []Event{ev(state.Rotated, 2, "b"), ev(state.Created, 1, "a")},
		},
		{
			name:   "dedupe across stored, state and echoes",
			stored: []Event{ev(state.Rotated, 2, "b"), ev(state.Created, 1, "a")},
			fresh: [][]Event{
				{ev(state.Created, 1, "a"), ev(state.Rotated, 2, "b")},
				{ev(state.Destroyed, 3, "b")},
				{ev(state.Destroyed, 3, "b")},
			},
			want: []Event{ev(state.Destroyed, 3, "b"), ev(state.Rotated, 2, "b"), ev(state.Created, 1, "a")},
		},
		{
			name:  "same time: later listed first; same kind and time, other id kept",
			fresh: [][]Event{{ev(state.Rejected, 5, "old"), ev(state.Created, 5, "new"), ev(state.Created, 5, "other")}},
			want:  []Event{ev(state.Created, 5, "other"), ev(state.Created, 5, "new"), ev(state.Rejected, 5, "old")},
		},
		{
			name:  "kindless events dropped",
			fresh: [][]Event{{{At: t0}, ev(state.Created, 1, "a")}},
			want:  []Event{ev(state.Created, 1, "a")},
		},
		{
			name:  "bounded, oldest dropped",
			fresh: [][]Event{many},
			want: func() []Event {
				var w []Event
				for i := len(many) - 1; len(w) < TimelineLimit; i-- {
					w = append(w, many[i])
				}
				return w
			}(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := MergeTimeline(tt.stored, tt.fresh...)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestLife(t *testing.T) {
	anon := &State{Session: &Session{ID: "a"}}
	authed := &State{Authenticated: true, User: &User{Username: "alice"}, Session: &Session{ID: "b"}}
	nobody := &State{}
	tests := []struct {
		name           string
		st             *State
		timeline       []Event
		wantSession    string
		wantLife, want string
	}{
		{name: "no state", st: nil, wantSession: LifeNone, wantLife: LifeNone},
		{name: "nobody", st: nobody, wantSession: LifeNone, wantLife: LifeNone},
		{name: "anonymous", st: anon, timeline: []Event{ev(state.Destroyed, 1, "")}, wantSession: LifeAnonymous, wantLife: LifeAnonymous},
		{name: "authenticated", st: authed, wantSession: LifeAuthenticated, wantLife: LifeAuthenticated},
		{name: "logged out", st: nobody, timeline: []Event{ev(state.Destroyed, 2, ""), ev(state.Rotated, 1, "")},
			wantSession: LifeNone, wantLife: LifeEnded, want: EndedByLogout},
		{name: "expired", st: nobody, timeline: []Event{ev(state.Expired, 2, "")}, wantSession: LifeNone, wantLife: LifeEnded, want: EndedByExpiry},
		{name: "rejected", st: nobody, timeline: []Event{ev(state.Rejected, 2, "")}, wantSession: LifeNone, wantLife: LifeEnded, want: EndedByRejection},
		{name: "created then gone without an end event", st: nobody, timeline: []Event{ev(state.Created, 2, "")}, wantSession: LifeNone, wantLife: LifeNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SessionState(tt.st); got != tt.wantSession {
				t.Errorf("SessionState = %q, want %q", got, tt.wantSession)
			}
			life, by := Life(tt.st, tt.timeline)
			if life != tt.wantLife || by != tt.want {
				t.Errorf("Life = %q, %q; want %q, %q", life, by, tt.wantLife, tt.want)
			}
		})
	}
}

func TestNextTransition(t *testing.T) {
	created, rotated, destroyed := ev(state.Created, 1, "a"), ev(state.Rotated, 2, "b"), ev(state.Destroyed, 3, "b")
	login := Transition{From: LifeAnonymous, To: LifeAuthenticated, Via: state.Rotated, At: rotated.At}
	tests := []struct {
		name         string
		prev         *Snapshot
		prevTimeline []Event
		timeline     []Event
		life         string
		want         Transition
	}{
		{name: "first render, nothing happened", life: LifeNone, want: Transition{}},
		{name: "first render after a login", timeline: []Event{rotated, created}, life: LifeAuthenticated, want: login},
		{name: "first render after sign-up", timeline: []Event{created}, life: LifeAuthenticated,
			want: Transition{From: LifeNone, To: LifeAuthenticated, Via: state.Created, At: created.At}},
		{name: "first render after an expiry: from unknown", timeline: []Event{ev(state.Expired, 4, "b")}, life: LifeEnded,
			want: Transition{To: LifeEnded, Via: state.Expired, At: t0.Add(4 * Second)}},
		{name: "login", prev: &Snapshot{Life: LifeAnonymous}, prevTimeline: []Event{created},
			timeline: []Event{rotated, created}, life: LifeAuthenticated, want: login},
		{name: "nothing new keeps the last one", prev: &Snapshot{Life: LifeAuthenticated, Transition: login},
			prevTimeline: []Event{rotated, created}, timeline: []Event{rotated, created}, life: LifeAuthenticated, want: login},
		{name: "logout", prev: &Snapshot{Life: LifeAuthenticated, Transition: login}, prevTimeline: []Event{rotated},
			timeline: []Event{destroyed, rotated}, life: LifeEnded,
			want: Transition{From: LifeAuthenticated, To: LifeEnded, Via: state.Destroyed, At: destroyed.At}},
		{name: "re-login as someone else stays logged in", prev: &Snapshot{Life: LifeAuthenticated, Transition: login},
			prevTimeline: []Event{rotated}, timeline: []Event{ev(state.Rotated, 9, "c"), rotated}, life: LifeAuthenticated,
			want: Transition{From: LifeAuthenticated, To: LifeAuthenticated, Via: state.Rotated, At: t0.Add(9 * Second)}},
		{name: "state changed with no event", prev: &Snapshot{Life: LifeAnonymous}, life: LifeNone,
			want: Transition{From: LifeAnonymous, To: LifeNone}},
		{name: "snapshot without a state counts as none", prev: &Snapshot{}, timeline: []Event{created}, life: LifeAnonymous,
			want: Transition{From: LifeNone, To: LifeAnonymous, Via: state.Created, At: created.At}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NextTransition(tt.prev, tt.prevTimeline, tt.timeline, tt.life)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestDiff(t *testing.T) {
	c := func(kv ...string) []Cookie {
		var out []Cookie
		for i := 0; i+1 < len(kv); i += 2 {
			out = append(out, Cookie{Name: kv[i], Value: kv[i+1]})
		}
		return out
	}
	cookies := []struct {
		name      string
		prev, cur []Cookie
		hasPrev   bool
		want      []CookieRow
	}{
		{name: "first render marks nothing", cur: c("a", "1"), want: []CookieRow{{Name: "a", Value: "1"}}},
		{name: "added, changed, removed, kept", hasPrev: true, prev: c("keep", "1", "chg", "1", "gone", "x"), cur: c("keep", "1", "chg", "2", "new", "y"),
			want: []CookieRow{{Name: "keep", Value: "1"}, {Name: "chg", Value: "2", Change: Changed}, {Name: "new", Value: "y", Change: Added},
				{Name: "gone", Value: "x", Change: Removed}}},
		{name: "second of a name", hasPrev: true, prev: c("a", "1"), cur: c("a", "1", "a", "2"),
			want: []CookieRow{{Name: "a", Value: "1"}, {Name: "a", Value: "2", Change: Added}}},
	}
	for _, tt := range cookies {
		t.Run("cookies/"+tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, DiffCookies(tt.prev, tt.cur, tt.hasPrev)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	data := DiffData(map[string]string{"b": "1", "c": "1", "z": "gone"}, map[string]string{"c": "2", "b": "1", "a": "new"}, true)
	want := []DataRow{{Key: "a", Value: "new", Change: Added}, {Key: "b", Value: "1"}, {Key: "c", Value: "2", Change: Changed}, {Key: "z", Value: "gone", Change: Removed}}
	if diff := cmp.Diff(want, data); diff != "" {
		t.Errorf("DiffData (-want +got):\n%s", diff)
	}
	values := []struct {
		name, prev, cur string
		hasPrev         bool
		want            string
	}{
		{"no prev", "a", "b", false, ""}, {"same", "a", "a", true, ""}, {"added", "", "a", true, Added},
		{"removed", "a", "", true, Removed}, {"changed", "a", "b", true, Changed},
	}
	for _, tt := range values {
		if got := DiffValue(tt.prev, tt.cur, tt.hasPrev); got != tt.want {
			t.Errorf("DiffValue %s = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestEventWords: the timeline, the exchange's store changes and the last
// transition name events in package contract's words, in both languages,
// and nothing else: a session destroyed by another user's login does not
// read "logged out".
func TestEventWords(t *testing.T) {
	events := []Event{
		{Kind: state.Created, At: t0, ID: "a"},
		{Kind: state.Destroyed, At: t0.Add(Second), ID: "a", Reason: state.ReasonOtherUser},
		{Kind: state.Rejected, At: t0.Add(2 * Second), ID: "b", Reason: state.ReasonBadSignature},
	}
	for _, lang := range []string{"en", "ko"} {
		b := &browser{t: t}
		b.render(Input{Lang: lang, State: &State{}})
		_, root := b.render(Input{Lang: lang, State: &State{Events: events},
			ActionEcho: &Echo{Method: "POST", Path: "/login", Status: 303, Events: events, At: t0}})
		for _, sec := range []string{"timeline", "exchange"} {
			rows := one(t, root, "data-panel", sec).Find("data-event", "*")
			if len(rows) != len(events) {
				t.Fatalf("%s %s: %d events shown, want %d", lang, sec, len(rows), len(events))
			}
			for _, li := range rows {
				kind, reason := attrOf(t, li, "data-event"), attrOf(t, li, "data-reason")
				want := contract.EventWord(kind, lang)
				if reason != "" {
					want += " " + contract.ReasonWord(reason, lang)
				}
				var got []string
				for _, e := range li.Find("class", "*") {
					if c := attrOf(t, e, "class"); strings.HasPrefix(c, "cl-event") || c == "cl-reason" {
						got = append(got, strings.TrimSuffix(e.Text, ":"))
					}
				}
				if g := strings.ReplaceAll(strings.Join(got, " "), ": ", " "); g != want {
					t.Errorf("%s %s: event %s %s reads %q, want %q", lang, sec, kind, reason, g, want)
				}
			}
		}
		caption := one(t, root, "class", "cl-transition").TextContent()
		if want := contract.EventWord(state.Rejected, lang) + ": " + contract.ReasonWord(state.ReasonBadSignature, lang); !strings.Contains(caption, want) {
			t.Errorf("%s: last transition %q does not say %q", lang, caption, want)
		}
		if txt := one(t, root, "data-panel", "timeline").TextContent(); strings.Contains(txt, contract.ReasonWord(state.ReasonLogout, lang)) {
			t.Errorf("%s: the timeline says %q of sessions no one logged out of: %q", lang, contract.ReasonWord(state.ReasonLogout, lang), txt)
		}
	}
}

// TestTransitionLine: the last transition says what is known, and no "?"
// where the state it left is not: a tab's first look after an expiry.
func TestTransitionLine(t *testing.T) {
	expired := Event{Kind: state.Expired, At: t0, ID: "a", Reason: state.ReasonIdle}
	for _, tt := range []struct {
		lang, want string
	}{
		{"en", "Last transition: to Ended (via expired: idle timeout)"},
		{"ko", "마지막 전이: 종료됨 상태로 (원인 만료됨: 유휴 시간 초과)"},
	} {
		m := Build(Input{Lang: tt.lang, State: &State{Events: []Event{expired}}})
		if m.Transition.From != "" {
			t.Fatalf("from %q: the test wants a transition from an unknown state", m.Transition.From)
		}
		root := &El{Children: Render(&m)}
		if got := one(t, root, "class", "cl-transition").TextContent(); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.lang, got, tt.want)
		}
	}
	// A from that is no state (a snapshot kept by another version, edited)
	// is not shown either.
	m := Build(Input{Lang: "en", State: &State{Session: &Session{ID: "a"}}, Prev: &Snapshot{Life: LifeAnonymous, Transition: Transition{From: "?", To: LifeAnonymous}}})
	if got := one(t, &El{Children: Render(&m)}, "class", "cl-transition").TextContent(); got != "Last transition: to Anonymous session" {
		t.Errorf("an unknown from: %q", got)
	}
}
