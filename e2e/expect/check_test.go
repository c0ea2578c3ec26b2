//go:build !js

package expect

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"

	"cookielab/e2e/browser"
	"cookielab/wasm/state"
)

// loggedIn is a view of a browser logged in as alice after POST /login, whose
// panel agrees with it.
func loggedIn() View {
	sid := &network.Cookie{Name: "sessionid", Value: "signed-new", Path: "/", HTTPOnly: true,
		SameSite: network.CookieSameSiteLax, Expires: float64(time.Now().Add(14 * 24 * time.Hour).Unix())}
	theme := &network.Cookie{Name: "theme", Value: "dark", Path: "/", Session: true, Expires: -1}
	login := browser.Exchange{Method: "POST", URL: "http://127.0.0.1:1/login", Type: "Document",
		SentCookie: true, Cookie: "theme=dark; sessionid=signed-old", Responded: true, Status: 303,
		SetCookie: []string{"sessionid=signed-new; Path=/; Max-Age=1209600; HttpOnly; SameSite=Lax"}}
	page := browser.Exchange{Method: "GET", URL: "http://127.0.0.1:1/lessons/login?step=3", Type: "Document",
		SentCookie: true, Cookie: "theme=dark; sessionid=signed-new", Responded: true, Status: 200}
	api := browser.Exchange{Method: "GET", URL: "http://127.0.0.1:1/api/state", Type: "Fetch",
		SentCookie: true, Cookie: "theme=dark; sessionid=signed-new", Responded: true, Status: 200}
	return View{
		Step: 3,
		Page: &Page{
			URL: "/lessons/login?step=3", HasUser: true, User: "alice", DocumentCookie: "theme=dark",
			Text:  "Hello, Alice Log out Step 3 Log in as alice",
			Steps: []PageStep{{N: 3, Title: "Log in", Kind: "fetch", Result: "GET /lab/request HTTP/1.1 Cookie: theme=dark; sessionid=…"}},
			Panel: Panel{
				Present:       true,
				Ready:         "2",
				JSCookies:     []PanelCookie{{Name: "theme", Value: "dark"}},
				ServerCookies: []PanelCookie{{Name: "theme", Value: "dark", HTTPOnly: "false"}, {Name: "sessionid", Value: "signed-new", HTTPOnly: "true"}},
				SetCookie:     []PanelSetLine{{Name: "sessionid", Op: "set"}},
				Session:       PanelSession{Present: true, State: "authenticated", ID: "new-id", User: "alice", Data: []DataRow{{Key: "cart", Value: "apple"}}},
				Timeline:      []PanelEvent{{Event: "rotated", ID: "new-id"}, {Event: "created", ID: "old-id"}},
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
		Prev: Prev{PanelSessionID: "old-id", ServerSessionID: "old-id"},
	}
}

// loggedOut is the view right after POST /logout.
func loggedOut() View {
	v := loggedIn()
	v.Browser.Jar = v.Browser.Jar[:1]
	logout := browser.Exchange{Method: "POST", URL: "http://127.0.0.1:1/logout", Type: "Document",
		SentCookie: true, Cookie: "theme=dark; sessionid=signed-new", Responded: true, Status: 303,
		SetCookie: []string{"sessionid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; SameSite=Lax"}}
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
	v.Page.Panel.Timeline = append([]PanelEvent{{Event: "destroyed", ID: "new-id"}}, v.Page.Panel.Timeline...)
	v.Prev = Prev{PanelSessionID: "new-id", ServerSessionID: "new-id"}
	return v
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name   string
		view   func() View
		edit   func(*View)
		expect string
		args   []string
		check  string
		fails  bool
		reason string // a part of Reason() when it fails
	}{
		{name: "jar has httponly lax persistent", view: loggedIn, check: "jar has", args: []string{"sessionid", "httponly", "samesite=Lax", "persistent"}},
		{name: "jar has a session cookie", view: loggedIn, check: "jar has", args: []string{"theme", "session"}},
		{name: "jar has, wrong attribute", view: loggedIn, check: "jar has", args: []string{"sessionid", "session"}, fails: true,
			reason: "browser jar has sessionid=signed-new; Path=/; HttpOnly; SameSite=Lax; expires "},
		{name: "jar has, missing", view: loggedIn, check: "jar has", args: []string{"flavour"}, fails: true,
			reason: `browser jar has no cookie "flavour" (jar: theme, sessionid)`},
		{name: "jar has path elsewhere: panel cannot see it", view: loggedIn, check: "jar has", args: []string{"visits", "path=/lab"},
			edit: func(v *View) {
				v.Browser.Jar = append(v.Browser.Jar, &network.Cookie{Name: "visits", Value: "1", Path: "/lab", Session: true})
			}},
		{name: "panel misses httponly", view: loggedIn, check: "jar has", args: []string{"sessionid", "httponly"}, fails: true,
			edit:   func(v *View) { v.Page.Panel.ServerCookies[1].HTTPOnly = "false" },
			reason: `panel does not mark "sessionid" HttpOnly`},
		{name: "jar lacks", view: loggedOut, check: "jar lacks", args: []string{"sessionid"}},
		{name: "jar lacks, but there", view: loggedIn, check: "jar lacks", args: []string{"sessionid"}, fails: true,
			reason: "browser jar has sessionid=signed-new"},
		{name: "js-cookie lacks httponly", view: loggedIn, check: "js-cookie lacks", args: []string{"sessionid"}},
		{name: "js-cookie has", view: loggedIn, check: "js-cookie has", args: []string{"theme"}},
		{name: "panel shows an HttpOnly cookie to JavaScript", view: loggedIn, check: "js-cookie lacks", args: []string{"sessionid"}, fails: true,
			edit:   func(v *View) { v.Page.Panel.JSCookies = append(v.Page.Panel.JSCookies, PanelCookie{Name: "sessionid"}) },
			reason: `panel js-cookies has "sessionid" (shows: theme, sessionid) — yet browser document.cookie has no "sessionid"`},
		{name: "browser first", view: loggedIn, check: "jar has", args: []string{"flavour"}, fails: true,
			reason: `browser jar has no cookie "flavour" (jar: theme, sessionid); panel shows no cookie "flavour"`},
		{name: "server-cookie has", view: loggedIn, check: "server-cookie has", args: []string{"sessionid"}},
		{name: "server-cookie lacks after logout", view: loggedOut, check: "server-cookie lacks", args: []string{"sessionid"}},
		{name: "server-cookie has, not sent", view: loggedOut, check: "server-cookie has", args: []string{"sessionid"}, fails: true,
			reason: `browser's last request (GET /api/state) did not carry cookie "sessionid" (Cookie: theme=dark)`},
		{name: "set-cookie sets", view: loggedIn, check: "set-cookie sets", args: []string{"sessionid"}},
		{name: "set-cookie deletes", view: loggedOut, check: "set-cookie deletes", args: []string{"sessionid"}},
		{name: "set-cookie deletes, but it set", view: loggedIn, check: "set-cookie deletes", args: []string{"sessionid"}, fails: true,
			reason: `browser saw no Set-Cookie that deletes "sessionid" since the action (Set-Cookie: POST /login: sessionid=signed-new;`},
		{name: "session user", view: loggedIn, check: "session user", args: []string{"alice"}},
		{name: "session user any", view: loggedIn, check: "session user", args: []string{"*"}},
		{name: "session user bob", view: loggedIn, check: "session user", args: []string{"bob"}, fails: true,
			reason: "the server says a session new-id of alice"},
		{name: "session none after logout", view: loggedOut, check: "session none"},
		{name: "session none, but the jar still has the cookie", view: loggedOut, check: "session none", fails: true,
			edit:   func(v *View) { v.Browser.Jar = loggedIn().Browser.Jar },
			reason: "yet the jar still holds sessionid=signed-new"},
		{name: "session anonymous, logged in", view: loggedIn, check: "session anonymous", fails: true},
		{name: "session data", view: loggedIn, check: "session data", args: []string{"cart", "apple"}},
		{name: "session data key", view: loggedIn, check: "session data", args: []string{"cart"}},
		{name: "session data, wrong value", view: loggedIn, check: "session data", args: []string{"cart", "pear"}, fails: true,
			reason: "the server's session data has no cart=pear (data: cart=apple)"},
		{name: "session lacks", view: loggedIn, check: "session lacks", args: []string{"_auth_user_id"}},
		{name: "session-id changed", view: loggedIn, check: "session-id changed"},
		{name: "session-id same fails", view: loggedIn, check: "session-id same", fails: true, reason: "changed (was old-id, now new-id)"},
		{name: "timeline rotated", view: loggedIn, check: "timeline has", args: []string{"rotated"}},
		{name: "timeline destroyed, from the traffic", view: loggedOut, check: "timeline has", args: []string{"destroyed"}},
		{name: "timeline rejected, neither", view: loggedOut, check: "timeline has", args: []string{"rejected", "unknown"}, fails: true,
			reason: "panel timeline has no rejected unknown"},
		{name: "user", view: loggedIn, check: "user", args: []string{"alice"}},
		{name: "user anonymous", view: loggedOut, check: "user anonymous"},
		{name: "user, header disagrees", view: loggedIn, check: "user", args: []string{"alice"}, fails: true,
			edit:   func(v *View) { v.Page.User = "" },
			reason: "page header offers Log in (anonymous) — yet browser: the server says a session new-id of alice: the panel and the browser disagree"},
		{name: "page shows", view: loggedIn, check: "page shows", args: []string{"Hello,  Alice"}},
		{name: "page shows, not there", view: loggedIn, check: "page shows", args: []string{"bob"}, fails: true, reason: `page does not show "bob"`},
		{name: "result shows", view: loggedIn, check: "result shows", args: []string{"Cookie: theme=dark"}},
		{name: "url with query", view: loggedIn, check: "url", args: []string{"/lessons/login?step=3"}},
		{name: "url path only", view: loggedIn, check: "url", args: []string{"/lessons/login"}},
		{name: "url escaped query", view: loggedIn, check: "url", args: []string{"/login?next=%2Fme"},
			edit: func(v *View) { v.Page.URL, v.Browser.URL = "/login?next=/me", "/login?next=%2Fme" }},
		{name: "url elsewhere", view: loggedIn, check: "url", args: []string{"/me"}, fails: true, reason: "browser is at /lessons/login?step=3"},
		{name: "unknown", view: loggedIn, check: "cookie monster", fails: true, reason: `unknown check "cookie monster"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.view()
			if tt.edit != nil {
				tt.edit(&v)
			}
			raw := strings.TrimSpace(tt.check + " " + strings.Join(tt.args, " "))
			r := Check(Expectation{Raw: raw, Check: tt.check, Args: tt.args}, v)
			if r.Failed() != tt.fails {
				t.Fatalf("Check(%q).Failed() = %v, want %v; findings: %+v", raw, r.Failed(), tt.fails, r.Findings)
			}
			if tt.fails && !strings.Contains(r.Reason(), tt.reason) {
				t.Errorf("Reason() = %q\nwant it to contain %q", r.Reason(), tt.reason)
			}
		})
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
