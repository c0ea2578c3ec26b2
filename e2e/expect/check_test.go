//go:build !js

package expect

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"

	"cookielab/e2e/browser"
	"cookielab/lessons/step"
	"cookielab/wasm/state"
)

// loggedIn is a view of a browser logged in as alice after POST /login, whose
// panel agrees with it.
func loggedIn() View {
	expires := time.Now().Add(14 * 24 * time.Hour).Truncate(time.Second).UTC()
	sid := &network.Cookie{Name: "sessionid", Value: "signed-new", Domain: "127.0.0.1", Path: "/", HTTPOnly: true, Size: 19,
		SameSite: network.CookieSameSiteLax, Priority: network.CookiePriorityMedium, Expires: float64(expires.Unix())}
	theme := &network.Cookie{Name: "theme", Value: "dark", Domain: "127.0.0.1", Path: "/", Session: true, Expires: -1, Size: 9,
		SameSite: network.CookieSameSiteLax, Priority: network.CookiePriorityMedium}
	cell := func(src, v string) PanelCell { return PanelCell{Source: src, Value: v} }
	jar := PanelJar{Present: true, Partial: "false", Cookies: []PanelJarCookie{
		{Name: "theme", Domain: "127.0.0.1", Path: "/", Cells: map[string]PanelCell{
			"value": cell("cookie-store", "dark"), "domain": cell("cookie-store", "127.0.0.1"), "path": cell("cookie-store", "/"),
			"expires": cell("cookie-store", "session"), "size": cell("cookie-store", "9"), "httponly": cell("cookie-store", "false"),
			"secure": cell("cookie-store", "false"), "samesite": cell("cookie-store", "lax-or-unset"),
			"partitioned": cell("cookie-store", "false"), "priority": cell("unknown", "")}},
		{Name: "sessionid", Domain: "127.0.0.1", Path: "/", Cells: map[string]PanelCell{
			"value": cell("set-cookie", "signed-new"), "domain": cell("set-cookie", "127.0.0.1"), "path": cell("set-cookie", "/"),
			"expires": cell("set-cookie", expires.Add(time.Second).Format(time.RFC3339Nano)), "size": cell("set-cookie", "19"),
			"httponly": cell("set-cookie", "true"), "secure": cell("set-cookie", "false"), "samesite": cell("set-cookie", "Lax"),
			"partitioned": cell("set-cookie", "false"), "priority": cell("set-cookie", "Medium")}},
	}}
	login := browser.Exchange{Method: "POST", URL: "http://127.0.0.1:1/login", Type: "Document",
		SentCookie: true, Cookie: "theme=dark; sessionid=signed-old", Responded: true, Status: 303,
		SetCookie: []string{"sessionid=signed-new; Path=/; Max-Age=1209600; HttpOnly; SameSite=Lax"}, Events: "rotated"}
	page := browser.Exchange{Method: "GET", URL: "http://127.0.0.1:1/lessons/login?step=3", Type: "Document",
		SentCookie: true, Cookie: "theme=dark; sessionid=signed-new", Responded: true, Status: 200}
	api := browser.Exchange{Method: "GET", URL: "http://127.0.0.1:1/api/state", Type: "Fetch",
		SentCookie: true, Cookie: "theme=dark; sessionid=signed-new", Responded: true, Status: 200}
	return View{
		Step: 3,
		Page: &Page{
			URL: "/lessons/login?step=3", HasUser: true, User: "alice", DocumentCookie: "theme=dark",
			Text: "Hello, Alice Log out Step 3 Log in as alice",
			Steps: []PageStep{{N: 3, Title: "Log in", Kind: "fetch", Result: "GET /lab/request HTTP/1.1 Cookie: theme=dark; sessionid=…",
				Shown: "GET /lab/request HTTP/1.1 Cookie: theme=dark; sessionid=…"}},
			Panel: Panel{
				Present:       true,
				Ready:         "2",
				JSCookies:     []PanelCookie{{Name: "theme", Value: "dark"}},
				ServerCookies: []PanelCookie{{Name: "theme", Value: "dark", HTTPOnly: "false"}, {Name: "sessionid", Value: "signed-new", HTTPOnly: "true"}},
				SetCookie:     []PanelSetLine{{Name: "sessionid", Op: "set"}},
				Session:       PanelSession{Present: true, State: "authenticated", ID: "new-id", User: "alice", Data: []DataRow{{Key: "cart", Value: "apple"}}},
				Timeline:      []PanelEvent{{Event: "rotated", ID: "new-id", At: "2026-11-25T09:00:05Z"}, {Event: "created", ID: "old-id", At: "2026-11-25T09:00:01Z"}},
				Jar:           jar,
			},
		},
		Browser: &Browser{
			URL:         "/lessons/login?step=3",
			Jar:         []*network.Cookie{theme, sid},
			LastRequest: &api,
			Action:      []browser.Exchange{login, page, api},
			History:     []browser.Exchange{login, page, api},
			State: &state.State{
				Authenticated: true,
				User:          &state.User{Username: "alice"},
				Cookies:       []state.Cookie{{Name: "theme", Value: "dark"}, {Name: "sessionid", Value: "signed-new"}},
				Session:       &state.Session{ID: "new-id", Data: map[string]string{"cart": "apple"}},
				Events:        []state.Event{{Kind: "created", ID: "old-id"}, {Kind: "rotated", ID: "new-id", PrevID: "old-id"}},
			},
		},
		Prev: Prev{PanelSessionID: "old-id", ServerSessionID: "old-id", ServerNow: time.Date(2026, 11, 25, 9, 0, 3, 0, time.UTC)},
	}
}

// loggedOut is the view right after POST /logout.
func loggedOut() View {
	v := loggedIn()
	v.Browser.Jar = v.Browser.Jar[:1]
	logout := browser.Exchange{Method: "POST", URL: "http://127.0.0.1:1/logout", Type: "Document",
		SentCookie: true, Cookie: "theme=dark; sessionid=signed-new", Responded: true, Status: 303,
		SetCookie: []string{"sessionid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; SameSite=Lax"}, Events: "destroyed"}
	api := browser.Exchange{Method: "GET", URL: "http://127.0.0.1:1/api/state", Type: "Fetch",
		SentCookie: true, Cookie: "theme=dark", Responded: true, Status: 200}
	v.Browser.Action = []browser.Exchange{logout, api}
	v.Browser.History = append(v.Browser.History, logout, api)
	v.Browser.LastRequest = &api
	v.Browser.State = &state.State{Cookies: []state.Cookie{{Name: "theme", Value: "dark"}}}
	v.Page.HasUser, v.Page.User = true, ""
	v.Page.Panel.ServerCookies = v.Page.Panel.ServerCookies[:1]
	v.Page.Panel.SetCookie = []PanelSetLine{{Name: "sessionid", Op: "delete"}}
	v.Page.Panel.Session = PanelSession{Present: true, State: "none"}
	v.Page.Panel.Jar.Cookies = v.Page.Panel.Jar.Cookies[:1]
	v.Page.Panel.Jar.Removed = []string{"sessionid"}
	v.Page.Panel.Timeline = append([]PanelEvent{{Event: "destroyed", ID: "new-id", At: "2026-11-25T09:00:09Z"}}, v.Page.Panel.Timeline...)
	v.Prev = Prev{PanelSessionID: "new-id", ServerSessionID: "new-id", ServerNow: time.Date(2026, 11, 25, 9, 0, 7, 0, time.UTC)}
	return v
}

// TestCheck: Check decides each expectation on what the browser holds and
// on what the panel shows, and says which disagrees.
func TestCheck(t *testing.T) {
	tests := []struct {
		name   string
		view   func() View
		edit   func(*View)
		line   string
		fails  bool
		reason string // a part of Reason() when it fails
	}{
		{name: "jar has httponly lax persistent", view: loggedIn, line: "jar has sessionid httponly samesite=Lax persistent"},
		{name: "jar has a session cookie", view: loggedIn, line: "jar has theme session"},
		{name: "jar has, wrong attribute", view: loggedIn, line: "jar has sessionid session", fails: true,
			reason: "browser: the jar has sessionid=signed-new; Path=/; HttpOnly; SameSite=Lax; persistent, not session"},
		{name: "jar has, missing", view: loggedIn, line: "jar has flavour", fails: true,
			reason: `browser: the jar has no cookie "flavour" (jar: theme, sessionid)`},
		{name: "jar has path elsewhere: a partial panel cannot tell", view: loggedIn, line: "jar has visits path=/lab",
			edit: func(v *View) {
				v.Browser.Jar = append(v.Browser.Jar, &network.Cookie{Name: "visits", Value: "1", Path: "/lab", Session: true})
				v.Page.Panel.Jar.Partial = "true"
			}},
		{name: "jar has path elsewhere: a whole jar without it is wrong", view: loggedIn, line: "jar has visits path=/lab", fails: true,
			edit: func(v *View) {
				v.Browser.Jar = append(v.Browser.Jar, &network.Cookie{Name: "visits", Value: "1", Path: "/lab", Session: true})
			},
			reason: `panel: the jar has no cookie "visits" (jar: theme, sessionid) — yet browser: the jar has visits=1; Path=/lab`},
		{name: "panel misses httponly", view: loggedIn, line: "jar has sessionid httponly", fails: true,
			edit: func(v *View) {
				v.Page.Panel.Jar.Cookies[1].Cells["httponly"] = PanelCell{Source: "set-cookie", Value: "false"}
			},
			reason: "panel: the jar has sessionid=signed-new; Path=/; SameSite=Lax; persistent, not httponly"},
		{name: "panel does not know httponly", view: loggedIn, line: "jar has sessionid httponly",
			edit: func(v *View) { v.Page.Panel.Jar.Cookies[1].Cells["httponly"] = PanelCell{Source: "unknown"} }},
		{name: "jar lacks", view: loggedOut, line: "jar lacks sessionid"},
		{name: "jar lacks, but there", view: loggedIn, line: "jar lacks sessionid", fails: true,
			reason: "browser: the jar has sessionid=signed-new"},
		{name: "js-cookie lacks httponly", view: loggedIn, line: "js-cookie lacks sessionid"},
		{name: "js-cookie has", view: loggedIn, line: "js-cookie has theme"},
		{name: "panel shows an HttpOnly cookie to JavaScript", view: loggedIn, line: "js-cookie lacks sessionid", fails: true,
			edit:   func(v *View) { v.Page.Panel.JSCookies = append(v.Page.Panel.JSCookies, PanelCookie{Name: "sessionid"}) },
			reason: `panel: document.cookie has "sessionid" (names: theme, sessionid) — yet browser: document.cookie has no "sessionid"`},
		{name: "server-cookie has", view: loggedIn, line: "server-cookie has sessionid"},
		{name: "server-cookie lacks after logout", view: loggedOut, line: "server-cookie lacks sessionid"},
		{name: "server-cookie has, not sent", view: loggedOut, line: "server-cookie has sessionid", fails: true,
			reason: `browser: the last request did not carry "sessionid" (Cookie: theme)`},
		{name: "set-cookie sets", view: loggedIn, line: "set-cookie sets sessionid"},
		{name: "set-cookie deletes", view: loggedOut, line: "set-cookie deletes sessionid"},
		{name: "set-cookie deletes, but it set", view: loggedIn, line: "set-cookie deletes sessionid", fails: true,
			reason: "browser: this step's Set-Cookie lines: sessionid (set)"},
		{name: "session user", view: loggedIn, line: "session user alice"},
		{name: "session user any", view: loggedIn, line: "session user *"},
		{name: "session user bob", view: loggedIn, line: "session user bob", fails: true, reason: "browser: a session new-id of alice"},
		{name: "session none after logout", view: loggedOut, line: "session none"},
		{name: "session none, but the jar still has the cookie", view: loggedOut, line: "session none", fails: true,
			edit:   func(v *View) { v.Browser.Jar = loggedIn().Browser.Jar },
			reason: "browser: no session, yet the jar holds sessionid=signed-new"},
		{name: "session anonymous, logged in", view: loggedIn, line: "session anonymous", fails: true},
		{name: "session data", view: loggedIn, line: "session data cart=apple"},
		{name: "session data key", view: loggedIn, line: "session data cart"},
		{name: "session data, wrong value", view: loggedIn, line: "session data cart=pear", fails: true,
			reason: "browser: the session data has no cart=pear (data: cart=apple)"},
		{name: "session lacks", view: loggedIn, line: "session lacks _auth_user_id"},
		{name: "session-id changed", view: loggedIn, line: "session-id changed"},
		{name: "session-id same fails", view: loggedIn, line: "session-id same", fails: true, reason: "changed (was old-id, now new-id)"},
		{name: "timeline rotated", view: loggedIn, line: "timeline has rotated"},
		{name: "timeline created: an earlier step's", view: loggedIn, line: "timeline has created", fails: true,
			reason: "browser: this step caused rotated; panel: this step caused rotated"},
		{name: "timeline destroyed", view: loggedOut, line: "timeline has destroyed"},
		{name: "timeline rejected, neither", view: loggedOut, line: "timeline has rejected unknown", fails: true,
			reason: "panel: this step caused destroyed"},
		{name: "user", view: loggedIn, line: "user alice"},
		{name: "user anonymous", view: loggedOut, line: "user anonymous"},
		{name: "user, header disagrees", view: loggedIn, line: "user alice", fails: true,
			edit:   func(v *View) { v.Page.User = "" },
			reason: "the header offers Log in; the server knows alice"},
		// On the lesson page, the step's result area; the lesson's own
		// words (the step's title, the page around it) do not count.
		{name: "page shows, in the step's result", view: loggedIn, line: "page shows HTTP/1.1  Cookie"},
		{name: "page shows, the lesson's words", view: loggedIn, line: "page shows Log in as alice", fails: true, reason: `the page does not show "Log in as alice"`},
		// On a page the action led to, that page.
		{name: "page shows, away", view: loggedIn, line: "page shows Hello,  Alice", edit: func(v *View) { v.Page.Steps = nil }},
		{name: "page shows, not there", view: loggedIn, line: "page shows bob", fails: true, reason: `the page does not show "bob"`},
		{name: "result shows", view: loggedIn, line: "result shows Cookie: theme=dark"},
		{name: "url with query", view: loggedIn, line: "url /lessons/login?step=3"},
		{name: "url path only", view: loggedIn, line: "url /lessons/login"},
		{name: "url elsewhere", view: loggedIn, line: "url /me", fails: true, reason: "browser: the address is /lessons/login?step=3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.view()
			if tt.edit != nil {
				tt.edit(&v)
			}
			e, err := step.ParseExpectation(tt.line)
			if err != nil {
				t.Fatal(err)
			}
			r := Check(e, v)
			if r.Failed() != tt.fails {
				t.Fatalf("Check(%q).Failed() = %v, want %v; findings: %+v", tt.line, r.Failed(), tt.fails, r.Findings)
			}
			if tt.fails && !strings.Contains(r.Reason(), tt.reason) {
				t.Errorf("Reason() = %q\nwant it to contain %q", r.Reason(), tt.reason)
			}
		})
	}
}

// TestPanelUndecided: a check the panel cannot decide is reported as
// such, and the browser's verdict stands: the Cookie Store API says "lax"
// for Lax and for no SameSite alike.
func TestPanelUndecided(t *testing.T) {
	e, _ := step.ParseExpectation("jar has theme samesite=Lax")
	r := Check(e, loggedIn())
	if r.Failed() {
		t.Fatalf("failed: %s", r.Reason())
	}
	if f := r.Findings[1]; f.Where != OnPanel || f.State != step.Undecided && f.State != step.Fail {
		t.Errorf("panel finding = %+v, want it undecided: it cannot see SameSite", f)
	}
}

// TestPartialJarLacks: on a jar the panel knows only in part, `jar lacks`
// of a cookie it does not list is undecided there (it may be held for a
// path the page cannot see); DevTools' whole jar still decides, both ways.
func TestPartialJarLacks(t *testing.T) {
	// A cookie the panel does not list may be in a jar it knows in part,
	// for a path this page's requests do not reach: undecided there.
	e, _ := step.ParseExpectation("jar lacks flavour")
	for _, tt := range []struct {
		name    string
		view    func() View
		browser step.State
	}{{"gone", loggedOut, step.Pass}, {"still held, for /lab only", func() View {
		v := loggedOut()
		v.Browser.Jar = append(v.Browser.Jar, &network.Cookie{Name: "flavour", Value: "x", Path: "/lab", Session: true})
		return v
	}, step.Fail}} {
		v := tt.view()
		v.Page.Panel.Jar.Partial = "true"
		r := Check(e, v)
		if b, p := r.Findings[0], r.Findings[1]; b.Where != InBrowser || b.State != tt.browser || p.Where != OnPanel || p.State != step.Undecided {
			t.Errorf("%s: findings %+v, want the browser's %v and the panel undecided", tt.name, r.Findings, tt.browser)
		}
	}
	// The session cookie lives at Path=/ only, sent on every request: the
	// Cookie header the server received without it decides, partial or not.
	v := loggedOut()
	v.Page.Panel.Jar.Partial = "true"
	e, _ = step.ParseExpectation("jar lacks sessionid")
	if r := Check(e, v); r.Findings[0].State != step.Pass || r.Findings[1].State != step.Pass {
		t.Errorf("jar lacks sessionid on a partial jar, none received: findings %+v, want both to pass", r.Findings)
	}
}

func TestAgreement(t *testing.T) {
	if d := Agreement(loggedIn()); len(d) != 0 {
		t.Errorf("Agreement(loggedIn) = %q, want none", d)
	}
	if d := Agreement(loggedOut()); len(d) != 0 {
		t.Errorf("Agreement(loggedOut) = %q, want none", d)
	}
	v := loggedIn()
	v.Page.Panel.JSCookies = nil
	v.Page.Panel.ServerCookies[1].HTTPOnly = "false"
	v.Page.Panel.Session.User = "bob"
	got := strings.Join(Agreement(v), "\n")
	for _, want := range []string{
		"panel js-cookies show [] but document.cookie holds [theme]",
		`panel server-cookies mark "sessionid" data-httponly="false" but the jar has sessionid=signed-new; Path=/; HttpOnly`,
		"panel session shows data-state=authenticated id new-id user bob but the server says a session new-id of alice",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Agreement() = %s\nwant it to contain %q", got, want)
		}
	}
	v = loggedIn()
	v.Page.Panel.Jar.Cookies[0].Cells["value"] = PanelCell{Source: "cookie-store", Value: "light"}
	v.Page.Panel.Jar.Cookies[1].Cells["priority"] = PanelCell{Source: "set-cookie", Value: "High"}
	v.Browser.Jar = append(v.Browser.Jar, &network.Cookie{Name: "lab_only", Value: "1", Path: "/lab", Session: true})
	got = strings.Join(Agreement(v), "\n")
	for _, want := range []string{
		"panel jar shows theme (Path=/) but the browser holds no such cookie",
		`panel jar sessionid (Path=/): priority "High" (from set-cookie) but DevTools has "Medium"`,
		"the browser holds lab_only=1; Path=/lab; session, which the panel's jar (not partial) does not show",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Agreement() = %s\nwant it to contain %q", got, want)
		}
	}
	v = loggedIn()
	v.Page.Panel.Present = false
	if d := Agreement(v); len(d) != 1 || d[0] != "the page has no #panel" {
		t.Errorf("Agreement(no panel) = %q", d)
	}
}

func TestIsDeletion(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		line string
		want bool
	}{
		{"sessionid=; Max-Age=0", true},
		{"sessionid=; Max-Age=-1", true},
		{"sessionid=x; Max-Age=1209600", false},
		{"sessionid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT", true},
		{"sessionid=x; Expires=Thu, 01 Jan 2037 00:00:00 GMT", false},
		{"sessionid=x; Max-Age=10; Expires=Thu, 01 Jan 1970 00:00:00 GMT", false}, // Max-Age wins
		{"flavour=chocolate", false},
	}
	for _, tt := range tests {
		c, err := http.ParseSetCookie(tt.line)
		if err != nil {
			t.Fatal(err)
		}
		if got := IsDeletion(c, now); got != tt.want {
			t.Errorf("IsDeletion(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
}

// TestMarkAgreement: the panel's mark on each check of the step's list is
// compared with the browser's verdict on that check.
func TestMarkAgreement(t *testing.T) {
	v := loggedIn()
	v.Page.Steps[0].Checks = []PageCheck{
		{N: 0, Raw: "session user alice", State: "pass", Mark: "✓"},
		{N: 1, Raw: "jar lacks sessionid", State: "pass", Mark: "✓", Saw: "the jar has no cookie"},
		{N: 2, Raw: "url /me", State: "fail", Mark: "✗"},
	}
	got := MarkAgreement(v, 3)
	if len(got) != 1 || !strings.Contains(got[0], `"jar lacks sessionid": the panel marks it pass "✓"`) || !strings.Contains(got[0], "the browser's verdict is fail") {
		t.Errorf("MarkAgreement = %q, want one disagreement, on jar lacks sessionid", got)
	}
	// A step whose action led away: the marks are those of the list the
	// panel shows on the page it led to; a page without one disagrees.
	if got := MarkAgreement(v, 9); len(got) != 1 || !strings.Contains(got[0], "shows no list of its checks") {
		t.Errorf("a step not on the page, no list of its checks: %q", got)
	}
	v.Page.Away = &AwayStep{Lesson: "login", N: 9, Checks: []PageCheck{
		{N: 0, Raw: "url /lessons/login?step=3", State: "pass", Mark: "✓"},
		{N: 1, Raw: "user alice", State: "pending", Mark: "·"},
	}}
	if got := MarkAgreement(v, 9); len(got) != 1 || !strings.Contains(got[0], `"user alice": the panel marks it pending`) {
		t.Errorf("the list on the page the step led to: %q", got)
	}
	back := PageStep{N: 9, Checks: []PageCheck{v.Page.Away.Checks[0], {N: 1, Raw: "user alice", State: "pass", Mark: "✓"}}}
	if got := SeenAgreement(*v.Page.Away, back); len(got) != 2 {
		t.Errorf("back on the lesson, one mark differs and no word of where: %q", got)
	}
	back.Checks[1], back.When = v.Page.Away.Checks[1], "seen on /me"
	if got := SeenAgreement(*v.Page.Away, back); got != nil {
		t.Errorf("back on the lesson, the same marks: %q", got)
	}
	v.Page.Away, v.Page.Panel.Present = nil, false
	if got := MarkAgreement(v, 9); got != nil {
		t.Errorf("a page without the panel: %q", got)
	}
	// A "?" where the browser decides is a disagreement, even on a
	// partial jar: it keeps the learner from finishing the step. (A request
	// to /lab makes the panel's jar whole again; TestRealPath, from a
	// dirty start, holds every step's marks to this.)
	for _, partial := range []string{"true", "false"} {
		v := loggedOut()
		v.Page.Panel.Jar.Partial = partial
		v.Page.Steps[0].Checks = []PageCheck{{N: 0, Raw: "jar lacks sessionid", State: "undecided", Mark: "?"}}
		if got := MarkAgreement(v, 3); len(got) != 1 {
			t.Errorf("partial=%s: a ? on jar lacks: MarkAgreement = %q", partial, got)
		}
	}
}
