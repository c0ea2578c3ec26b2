package step

import (
	"html/template"
	"strings"
	"testing"
)

// alice is what an observer that sees everything knows right after logging
// in as alice on a lesson page.
func alice() *View {
	return &View{
		Sees:     SeesScript | SeesReceived | SeesJar | SeesSetCookie | SeesSession | SeesEvents | SeesPrev | SeesPage,
		Script:   []Pair{{"theme", "dark"}},
		Received: []Pair{{"theme", "dark"}, {"sessionid", "signed"}},
		Jar: []JarCookie{
			{Name: "theme", Value: "dark", Path: "/", HttpOnly: No, Secure: No, Persistent: Yes, SameSite: "Lax"},
			{Name: "sessionid", Value: "signed", Path: "/", HttpOnly: Yes, Secure: No, Persistent: Yes, SameSite: "Lax"},
			{Name: "lab_only", Value: "1", Path: "/lab", HttpOnly: No, Secure: No, Persistent: No},
		},
		SetCookie:     []SetLine{{Name: "sessionid", Op: OpSet}, {Name: "stale", Op: OpDelete}, {Name: "huge", Op: OpReject}},
		Session:       &Session{ID: "new-id", User: "alice", Data: map[string]string{"cart": "1", "note": "hello world"}},
		PrevSessionID: "old-id",
		Events:        []Event{{Kind: "rotated"}, {Kind: "rejected", Reason: "unknown"}},
		Page:          Page{URL: "/lessons/login?step=3", Text: "Hello, alice Log out Step 3", Greets: true, Greeting: "alice", Result: "HTTP 200\n\nCookie: (none)"},
	}
}

// nobody is the same observer after logging out.
func nobody() *View {
	v := alice()
	v.Received = v.Received[:1]
	v.Jar = v.Jar[:1]
	v.SetCookie = []SetLine{{Name: "sessionid", Op: OpDelete}}
	v.Session, v.PrevSessionID = nil, "new-id"
	v.Events = []Event{{Kind: "destroyed"}}
	v.Page.Greeting = ""
	return v
}

func TestChecks(t *testing.T) {
	tests := []struct {
		line string
		view func() *View
		want State
		saw  string // part of what the check says it saw
	}{
		{"js-cookie has theme", alice, Pass, `document.cookie has "theme"`},
		{"js-cookie has sessionid", alice, Fail, `document.cookie has no "sessionid" (names: theme)`},
		{"js-cookie has theme=dark", alice, Pass, "document.cookie has theme=dark"},
		{"js-cookie has theme=da*", alice, Pass, ""},
		{"js-cookie has theme=light", alice, Fail, "document.cookie has theme=dark, not light"},
		{"js-cookie has theme=darker*", alice, Fail, ""},
		{"js-cookie has theme=dar", alice, Fail, ""},
		{"js-cookie has sessionid=signed", alice, Fail, `document.cookie has no "sessionid" (names: theme)`},
		{"js-cookie lacks sessionid", alice, Pass, ""},
		{"js-cookie lacks theme", alice, Fail, ""},
		{"server-cookie has sessionid", alice, Pass, ""},
		{"server-cookie has sessionid", nobody, Fail, `did not carry "sessionid" (Cookie: theme)`},
		{"server-cookie lacks sessionid", nobody, Pass, ""},
		{"server-cookie lacks theme", nobody, Fail, ""},
		{"jar has sessionid httponly samesite=lax persistent path=/", alice, Pass, ""},
		{"jar has lab_only path=/lab session", alice, Pass, ""},
		{"jar has sessionid session", alice, Fail, "not session"},
		{"jar has sessionid secure", alice, Fail, "not secure"},
		{"jar has sessionid samesite=Strict", alice, Fail, "not samesite=Strict"},
		{"jar has flavour", alice, Fail, `no cookie "flavour" (jar: theme, sessionid, lab_only)`},
		{"jar lacks flavour", alice, Pass, ""},
		{"jar lacks sessionid", alice, Fail, "the jar has sessionid=signed"},
		{"jar lacks sessionid", nobody, Pass, ""},
		{"set-cookie sets sessionid", alice, Pass, ""},
		{"set-cookie sets stale", alice, Fail, "sessionid (set), stale (delete), huge (reject)"},
		{"set-cookie sets huge", alice, Fail, ""},
		{"set-cookie rejects huge", alice, Pass, ""},
		{"set-cookie rejects sessionid", alice, Fail, ""},
		{"set-cookie deletes stale", alice, Pass, ""},
		{"set-cookie deletes sessionid", nobody, Pass, ""},
		{"session none", nobody, Pass, ""},
		{"session none", alice, Fail, "a session new-id of alice"},
		{"session anonymous", alice, Fail, ""},
		{"session user alice", alice, Pass, ""},
		{"session user *", alice, Pass, ""},
		{"session user bob", alice, Fail, "of alice"},
		{"session user alice", nobody, Fail, "no session"},
		{"session data cart=1", alice, Pass, ""},
		{"session data note=hello world", alice, Pass, ""},
		{"session data cart", alice, Pass, ""},
		{"session data cart=2", alice, Fail, "has no cart=2 (data: cart=1, note=hello world)"},
		{"session data cart", nobody, Fail, "no session"},
		{"session lacks _auth_user_id", alice, Pass, ""},
		{"session lacks cart", alice, Fail, ""},
		{"session lacks cart", nobody, Pass, ""},
		{"session-id changed", alice, Pass, "(was old-id, now new-id)"},
		{"session-id same", alice, Fail, ""},
		{"session-id changed", nobody, Pass, "now none"},
		{"timeline has rotated", alice, Pass, ""},
		{"timeline has rejected unknown", alice, Pass, ""},
		{"timeline has rejected bad-signature", alice, Fail, "this step caused rotated, rejected unknown"},
		{"timeline has created", alice, Fail, ""},
		{"timeline has destroyed", nobody, Pass, ""},
		{"user alice", alice, Pass, ""},
		{"user *", alice, Pass, ""},
		{"user bob", alice, Fail, "greets alice"},
		{"user anonymous", nobody, Pass, ""},
		{"user anonymous", alice, Fail, ""},
		{"page shows Step 3", alice, Pass, ""},
		{"page shows bob", alice, Fail, `does not show "bob"`},
		{"result shows Cookie: (none)", alice, Pass, ""},
		{"result shows sessionid", alice, Fail, ""},
		{"url /lessons/login?step=3", alice, Pass, ""},
		{"url /lessons/login", alice, Pass, ""},
		{"url /lessons/login?step=2", alice, Fail, "the address is /lessons/login?step=3"},
		{"url /me", alice, Fail, ""},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			e, err := ParseExpectation(tt.line)
			if err != nil {
				t.Fatal(err)
			}
			covered[e.Check] = true
			d := Decide(e, tt.view())
			if d.State != tt.want || !strings.Contains(d.Saw, tt.saw) {
				t.Errorf("Decide(%q) = %v %q, want %v and a message with %q", tt.line, d.State, d.Saw, tt.want, tt.saw)
			}
		})
	}
	for _, c := range Checks {
		if !covered[c.Words] {
			t.Errorf("check %q has no case in TestChecks", c.Words)
		}
	}
}

// TestUndecided: what an observer cannot see, a check does not guess.
func TestUndecided(t *testing.T) {
	for _, c := range Checks {
		v := alice()
		v.Sees &^= c.Needs
		e := Expectation{Raw: c.Words, Check: c.Words, Args: []string{"x", "y"}}
		if d := Decide(e, v); d.State != Undecided || !strings.Contains(d.Saw, "cannot see") {
			t.Errorf("%s without %s: %v %q, want undecided", c.Words, c.Needs, d.State, d.Saw)
		}
	}
	// A jar that only holds what the page sees cannot tell of other paths,
	// nor of attributes nobody reported.
	v := alice()
	v.Jar, v.JarPartial = []JarCookie{{Name: "sessionid", HttpOnly: Yes, SameSiteUnknown: true}}, true
	for line, want := range map[string]State{
		"jar has lab_only":                  Undecided,
		"jar has sessionid httponly":        Pass,
		"jar has sessionid samesite=Lax":    Undecided,
		"jar has sessionid path=/":          Undecided,
		"jar has sessionid persistent":      Undecided,
		"jar has sessionid httponly secure": Undecided,
		// The converse is as cautious: a cookie it does not list may be
		// there, for a path this page cannot see.
		"jar lacks lab_only":  Undecided,
		"jar lacks sessionid": Fail,
	} {
		decideWants(t, "partial jar", v, line, want)
	}
	// The session cookie lives at Path=/ only, sent on every request: a
	// last request without it shows that the jar lacks it, partial or
	// not. Any other cookie may still be at a path that request missed.
	v = alice()
	v.Jar, v.JarPartial = []JarCookie{{Name: "theme", Value: "dark"}}, true
	v.Received = []Pair{{Name: "theme", Value: "dark"}, {Name: "leftover", Value: "x"}}
	for line, want := range map[string]State{
		"jar lacks sessionid": Pass,
		"jar has sessionid":   Fail,
		"jar lacks lab_only":  Undecided,
		"jar has lab_only":    Undecided,
	} {
		decideWants(t, "partial jar, no session cookie received", v, line, want)
	}
	// Without the Cookie header the server received, it stays undecided.
	v.Sees &^= SeesReceived
	decideWants(t, "partial jar, Cookie header unseen", v, "jar lacks sessionid", Undecided)
}

// decideWants fails t unless line decides as want on v.
func decideWants(t *testing.T, label string, v *View, line string, want State) {
	t.Helper()
	e, err := ParseExpectation(line)
	if err != nil {
		t.Fatal(err)
	}
	if d := Decide(e, v); d.State != want {
		t.Errorf("%s: Decide(%q) = %v %q, want %v", label, line, d.State, d.Saw, want)
	}
}

// TestSay: every check reads in both languages, with its arguments.
func TestSay(t *testing.T) {
	for _, c := range Checks {
		if c.Say == nil {
			t.Errorf("%s: no Say", c.Words)
			continue
		}
		args := []string{"ARG0", "ARG1"}
		for _, lang := range []string{"en", "ko"} {
			s := c.Say(args).In(lang)
			if s == "" || strings.Contains(s, "{") {
				t.Errorf("%s (%s): Say = %q", c.Words, lang, s)
			}
			if c.Parse != nil && c.Words != "timeline has" && !strings.Contains(s, "ARG0") && !strings.Contains(s, "logged-in") && !strings.Contains(s, "로그인한") {
				t.Errorf("%s (%s): Say = %q does not name its argument", c.Words, lang, s)
			}
		}
		if c.Say(args).Ko == c.Say(args).En {
			t.Errorf("%s: Korean Say is the English one", c.Words)
		}
	}
}

// TestActionTemplates: every kind's controls parse as a template, and a
// kind with a control carries data-action-button, which the suite clicks.
func TestActionTemplates(t *testing.T) {
	for _, k := range Actions {
		if k.Template == "" {
			if k.Button || k.Drive != DriveNone {
				t.Errorf("%s: has a button or is driven, but draws nothing", k.Name)
			}
			continue
		}
		if _, err := template.New(k.Name).Parse(k.Template); err != nil {
			t.Errorf("%s: %v", k.Name, err)
		}
		if k.Button != strings.Contains(k.Template, "data-action-button") {
			t.Errorf("%s: Button=%v but data-action-button in template=%v", k.Name, k.Button, !k.Button)
		}
		if k.Label.En == "" && k.Button || k.Label.Ko == k.Label.En && k.Button {
			t.Errorf("%s: label %+v", k.Name, k.Label)
		}
	}
}

func TestURLMatches(t *testing.T) {
	for _, tt := range []struct {
		got, want string
		ok        bool
	}{
		{"/a?x=1&y=2", "/a?y=2&x=1", true},
		{"/a?x=1", "/a", true},
		{"/a", "/a?x=1", false},
		{"/b?x=1", "/a?x=1", false},
		{"/login?next=%2Fme", "/login?next=%2Fme", true},
	} {
		if got := URLMatches(tt.got, tt.want); got != tt.ok {
			t.Errorf("URLMatches(%q, %q) = %v", tt.got, tt.want, got)
		}
	}
}
