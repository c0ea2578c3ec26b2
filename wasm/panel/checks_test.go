package panel

import (
	"strings"
	"testing"

	"cookielab/lessons/step"
	"cookielab/wasm/state"
)

// TestChecksDecideOnWhatThePanelKnows: the checks of the step on screen,
// decided on the model after its action (a login) and before it.
func TestChecksDecideOnWhatThePanelKnows(t *testing.T) {
	sec := func(n int) Time { return t0.Add(Duration(n) * Second) }
	line := "sessionid=S2; HttpOnly; Max-Age=100; Path=/; SameSite=Lax"
	rotated := Event{Kind: state.Rotated, At: sec(1), ID: "id-2", PrevID: "id-1"}
	mark := &StepMark{Lesson: "login", Step: 3, SessionID: "id-1", Jar: Jar{Seq: 0}}
	in := Input{Lang: "en", Now: sec(2), Origin: local, PagePath: "/lessons/login", StoreOK: true, Mark: mark,
		Step:       StepContext{Lesson: "login", N: 3},
		ActionEcho: &Echo{Method: "POST", Path: "/login", Status: 303, Site: "same-origin", SetCookie: []string{line}, Events: []Event{rotated}, At: sec(1)},
		PageEcho:   &Echo{Method: "GET", Path: "/lessons/login", Status: 200, Site: "same-origin", Cookies: pairs("sessionid", "S2"), At: sec(1).Add(Millisecond)},
		State: &State{Authenticated: true, User: &User{Username: "alice"}, Cookies: pairs("sessionid", "S2"),
			Session: &Session{ID: "id-2", Data: map[string]string{"cart": "1"}}, Now: sec(2),
			Response: &Echo{Method: "GET", Path: "/api/state", Status: 200, Site: "same-origin", At: sec(2)}},
	}
	page := step.Page{URL: "/lessons/login?step=3", Text: "Log in Hello, alice", Greets: true, Greeting: "alice"}
	lines := []string{"set-cookie sets sessionid", "jar has sessionid httponly samesite=Lax persistent", "js-cookie lacks sessionid",
		"server-cookie has sessionid", "session user alice", "session data cart=1", "session-id changed", "timeline has rotated",
		"user alice", "page shows Hello", "url /lessons/login", "jar lacks flavour", "timeline has destroyed", "not a check"}
	want := "pass pass pass pass pass pass pass pass pass pass pass pass fail fail"
	m := Build(in)
	got, ok := DecideChecks(lines, m.CheckView(page, ""))
	if s := states(got); s != want || ok || !m.Settled() {
		t.Errorf("after the action: %s (ok=%v, settled=%v)\nwant %s\n%v", s, ok, m.Settled(), want, got)
	}
	if got[12].Mark != "✗" || got[0].Mark != "✓" || !strings.Contains(got[12].Saw, "rotated") {
		t.Errorf("marks and what was seen: %+v", got)
	}

	// The same step before its action ran: what the step's responses
	// did is not known yet; the rest is decided on what is there.
	in.Mark = &StepMark{Lesson: "login", Step: 2, SessionID: "id-1"}
	m = Build(in)
	got, _ = DecideChecks(lines[:8], m.CheckView(page, ""))
	if s := states(got); s != "undecided pass pass pass pass pass undecided undecided" || m.Settled() {
		t.Errorf("before the action: %s (settled=%v)", s, m.Settled())
	}
}

func states(rs []CheckResult) string {
	var out []string
	for _, r := range rs {
		out = append(out, r.State)
	}
	return strings.Join(out, " ")
}

// TestAwayIsDecidedOnceWhereTheActionLands: the step lesson.js kept when
// its action left the lesson page is decided by the first page that is
// not on the way (a press step's page with the button), only for the
// action last begun; its verdicts then belong to that step alone.
func TestAwayIsDecidedOnceWhereTheActionLands(t *testing.T) {
	a := DecodeAway(parseText(t, `{"lesson":"auth-system","step":4,"title":"4 Your record","lang":"en",
		"expect":["url /me","page shows alice"],"says":["the address is /me","the page shows alice"],"skip":0}`))
	if a == nil || a.Step != 4 || len(a.Expect) != 2 || a.Says[1] != "the page shows alice" {
		t.Fatalf("decoded %+v", a)
	}
	mark := &StepMark{Lesson: "auth-system", Step: 4}
	if !a.DecidesHere(mark) {
		t.Error("the page the action landed on does not decide")
	}
	if a.DecidesHere(&StepMark{Lesson: "auth-system", Step: 3}) || a.DecidesHere(nil) {
		t.Error("decides for an action that is not the last begun")
	}
	if (&Away{Lesson: "csrf", Step: 6, Skip: 1}).DecidesHere(&StepMark{Lesson: "csrf", Step: 6}) {
		t.Error("the page with the button to press decides")
	}
	if a.SeenFor(StepContext{Lesson: "auth-system", N: 4}) != nil {
		t.Error("verdicts before any page decided")
	}

	seen := DecodeAway(parseText(t, `{"lesson":"auth-system","step":4,"expect":["url /me","page shows alice"],
		"seen":{"url":"/me","ok":true,"results":[{"state":"pass","mark":"✓","saw":"the address is /me"},{"state":"pass","mark":"✓","saw":""}]}}`))
	if seen.DecidesHere(mark) {
		t.Error("a later page decides again")
	}
	if s := seen.SeenFor(StepContext{Lesson: "auth-system", N: 4}); s == nil || !s.OK || s.URL != "/me" || states(s.Results) != "pass pass" {
		t.Errorf("kept verdicts: %+v", s)
	}
	if seen.SeenFor(StepContext{Lesson: "auth-system", N: 5}) != nil || seen.SeenFor(StepContext{Lesson: "login", N: 4}) != nil {
		t.Error("verdicts shown on another step")
	}
	odd := DecodeAway(parseText(t, `{"lesson":"auth-system","step":4,"expect":["url /me"],"seen":{"url":"/me","ok":true,"results":[]}}`))
	if odd.SeenFor(StepContext{Lesson: "auth-system", N: 4}) != nil {
		t.Error("verdicts that do not match the step's checks are shown")
	}
	if states(PendingChecks(2)) != "pending pending" {
		t.Error("pending checks")
	}
}
