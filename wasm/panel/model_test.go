package panel

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"cookielab/wasm/contract"
	"cookielab/wasm/state"
)

// browser carries what the glue keeps between renders (sessionStorage), so
// tests can walk a flow page by page as the learner does.
type browser struct {
	t        *testing.T
	prev     *Snapshot
	timeline []Event
	cookies  []string
	log      []Exchange
	jar      Jar
}

// render builds and renders one page load, keeping the memory for the next,
// and round-trips it through JSON as sessionStorage would.
func (b *browser) render(in Input) (Model, *El) {
	b.t.Helper()
	in.Prev, in.Timeline, in.SessionCookies, in.Zone = b.prev, b.timeline, b.cookies, 0
	in.Log, in.Jar = b.log, b.jar
	in.Origin = NewRequest("http:", "localhost", "")
	if in.Now.IsZero() {
		in.Now = t0
	}
	m := Build(in)
	if m.Snapshot != nil {
		b.prev = DecodeSnapshot(parse(b.t, EncodeSnapshot(*m.Snapshot)))
	}
	b.timeline = DecodeEvents(parse(b.t, EncodeEvents(m.StoreTimeline)))
	b.cookies = DecodeStrings(parse(b.t, EncodeStrings(m.SessionCookies)))
	b.log = DecodeExchanges(parse(b.t, EncodeExchanges(m.Log)))
	b.jar = DecodeJar(parse(b.t, EncodeJar(m.Jar)))
	root := &El{Tag: "aside", Children: Render(&m)}
	noNewOnDeletion(b.t, m.Lang, root)
	return m, root
}

// noNewOnDeletion checks every render of a flow: the "new" badge (Korean
// "새로 생김") is never shown on a deletion, a cookie or key that is gone
// (a ghost), a Set-Cookie line that deletes, or an event that ended a
// session.
func noNewOnDeletion(t *testing.T, lang string, root *El) {
	t.Helper()
	newWord := L(lang, "change."+Added)
	var walk func(e, row *El)
	walk = func(e, row *El) {
		if _, ok := e.Attr("data-change"); ok {
			row = e
		}
		if c, _ := e.Attr("class"); strings.HasPrefix(c, "cl-badge") && e.Text == newWord && row != nil {
			ch, _ := row.Attr("data-change")
			op, _ := row.Attr("data-op")
			kind, _ := row.Attr("data-event")
			if ch == Removed || op == OpDelete || kind == state.Destroyed || kind == state.Expired || kind == state.Rejected {
				t.Errorf("%s: the badge %q on a deletion: %v", lang, e.Text, row.Attrs)
			}
		}
		for _, c := range e.Children {
			walk(c, row)
		}
	}
	walk(root, nil)
}

// attrs lists attribute name=value of every element matching the query,
// for compact comparison.
func attrs(root *El, names []string, query ...string) []string {
	var out []string
	for _, e := range root.Find(query...) {
		var parts []string
		for _, n := range names {
			if v, ok := e.Attr(n); ok {
				parts = append(parts, n+"="+v)
			}
		}
		out = append(out, strings.Join(parts, " "))
	}
	return out
}

func one(t *testing.T, root *El, query ...string) *El {
	t.Helper()
	found := root.Find(query...)
	if len(found) != 1 {
		t.Fatalf("%v: found %d elements, want 1", query, len(found))
	}
	return found[0]
}

func attrOf(t *testing.T, e *El, name string) string {
	t.Helper()
	v, _ := e.Attr(name)
	return v
}

func TestFlow(t *testing.T) {
	b := &browser{t: t}
	sec := func(n int) Time { return t0.Add(Duration(n) * Second) }
	sessionLine := "sessionid=SIGNED1; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax"

	// 1. A first page: no cookies, no session.
	m, root := b.render(Input{Lang: "en", State: &State{Now: t0},
		PageEcho: &Echo{Method: "GET", Path: "/", Status: 200, At: t0}})
	for _, p := range []string{"js-cookies", "server-cookies", "set-cookie", "session", "timeline", "diagram"} {
		one(t, root, "data-panel", p)
	}
	if got := attrOf(t, one(t, root, "data-panel", "session"), "data-state"); got != "none" {
		t.Errorf("step 1 session state %q", got)
	}
	if _, ok := one(t, root, "data-panel", "session").Attr("data-session-id"); ok {
		t.Error("step 1: data-session-id present with no session")
	}
	if got := attrs(root, []string{"data-node"}, "data-current", "true"); !slices.Equal(got, []string{"data-node=none"}) {
		t.Errorf("step 1 diagram current %v", got)
	}
	if got := attrOf(t, one(t, root, "data-panel", "set-cookie"), "data-source"); got != "page" {
		t.Errorf("step 1 set-cookie source %q", got)
	}
	if len(root.Find("data-change", "*")) != 0 {
		t.Errorf("step 1 marks changes on the first render: %v", attrs(root, []string{"data-change"}, "data-change", "*"))
	}

	// 2. POST /lab/session cart=apple (created), then the page it redirects to.
	s1 := &Session{ID: "id-1", Cookie: "SIGNED1", Created: sec(10), LastSeen: sec(10),
		IdleExpires: sec(10).Add(Hour), AbsoluteExpires: sec(10).Add(14 * 24 * Hour), Data: map[string]string{"cart": "apple"}}
	created := Event{Kind: state.Created, At: sec(10), ID: "id-1"}
	m, root = b.render(Input{Lang: "en", DocumentCookie: "flavour=chocolate", Now: sec(11),
		State: &State{Cookies: []Cookie{{Name: "flavour", Value: "chocolate"}, {Name: "sessionid", Value: "SIGNED1"}},
			Session: s1, Events: []Event{created}, Now: sec(11)},
		ActionEcho: &Echo{Method: "POST", Path: "/lab/session", Status: 303, Location: "/lessons/sessions",
			SetCookie: []string{sessionLine}, Events: []Event{created}, At: sec(10)},
		PageEcho: &Echo{Method: "GET", Path: "/lessons/sessions", Status: 200, At: sec(11)}})
	srv := one(t, root, "data-panel", "server-cookies")
	if diff := cmp.Diff([]string{
		"data-cookie=flavour data-value=chocolate data-httponly=false data-change=added",
		"data-cookie=sessionid data-value=SIGNED1 data-httponly=true data-change=added",
	}, attrs(srv, []string{"data-cookie", "data-value", "data-httponly", "data-change"}, "data-cookie", "*")); diff != "" {
		t.Errorf("step 2 server cookies (-want +got):\n%s", diff)
	}
	if !strings.Contains(srv.TextContent(), "the server got sessionid, your script can't see it") {
		t.Errorf("step 2: no HttpOnly note in %q", srv.TextContent())
	}
	set := one(t, root, "data-panel", "set-cookie")
	if diff := cmp.Diff([]string{"data-cookie=sessionid data-op=set data-source=action"},
		attrs(set, []string{"data-cookie", "data-op", "data-source"}, "data-op", "*")); diff != "" {
		t.Errorf("step 2 set-cookie (-want +got):\n%s", diff)
	}
	for _, want := range []string{"POST /lab/session → 303 → /lessons/sessions", "Max-Age=1209600applied", "SameSite=Laxapplied", "host-only: localhost"} {
		if !strings.Contains(set.TextContent(), want) {
			t.Errorf("step 2 set-cookie lacks %q: %q", want, set.TextContent())
		}
	}
	jar := one(t, root, "data-panel", "jar")
	for _, want := range []string{"localhost, host-only", "yes: JavaScript cannot read it", "13d 23h", "set by POST /lab/session → 303"} {
		if !strings.Contains(jar.TextContent(), want) {
			t.Errorf("step 2 jar lacks %q: %q", want, jar.TextContent())
		}
	}
	if got := attrs(jar, []string{"data-col", "data-source", "data-value"}, "data-col", "*"); !slices.Contains(got, "data-col=httponly data-source=set-cookie data-value=true") ||
		!slices.Contains(got, "data-col=path data-source=set-cookie data-value=/") {
		t.Errorf("step 2 jar cells %v", got)
	}
	ses := one(t, root, "data-panel", "session")
	if got := attrs(root, []string{"data-state", "data-session-id", "data-session-cookie"}, "data-panel", "session"); got[0] != "data-state=anonymous data-session-id=id-1 data-session-cookie=SIGNED1" {
		t.Errorf("step 2 session attrs %v", got)
	}
	if got := attrs(ses, []string{"data-key", "data-value", "data-change"}, "data-key", "*"); !slices.Equal(got, []string{"data-key=cart data-value=apple data-change=added"}) {
		t.Errorf("step 2 session data %v", got)
	}
	if got := attrs(ses, []string{DeadlineAttr}, DeadlineAttr, "*"); len(got) != 2 {
		t.Errorf("step 2 countdowns %v", got)
	}
	if !strings.Contains(ses.TextContent(), "59m 59s") {
		t.Errorf("step 2 idle countdown missing: %q", ses.TextContent())
	}
	if got := attrs(one(t, root, "data-panel", "timeline"), []string{"data-event", "data-id", "data-change"}, "data-event", "*"); !slices.Equal(got, []string{"data-event=created data-id=id-1 data-change=added"}) {
		t.Errorf("step 2 timeline %v", got)
	}
	dg := one(t, root, "data-panel", "diagram")
	if got := attrs(dg, []string{"data-node", "data-current", "data-transition"}, "data-node", "*"); !slices.Equal(got, []string{
		"data-node=none data-transition=from", "data-node=anonymous data-current=true data-transition=to", "data-node=authenticated", "data-node=ended"}) {
		t.Errorf("step 2 diagram %v", got)
	}
	if b.cookies[0] != "SIGNED1" || len(b.cookies) != 1 {
		t.Errorf("step 2 session cookies %v", b.cookies)
	}

	// 3. Log in as alice: the id rotates, data kept, user set.
	s2 := &Session{ID: "id-2", Cookie: "SIGNED2", Created: sec(20), LastSeen: sec(20), IdleExpires: sec(20).Add(Hour),
		Data: map[string]string{"cart": "apple", "_auth_user_id": "1"}}
	rotated := Event{Kind: state.Rotated, At: sec(20), ID: "id-2", PrevID: "id-1"}
	m, root = b.render(Input{Lang: "en", Now: sec(21),
		State: &State{Authenticated: true, User: &User{ID: "1", Username: "alice", DisplayName: "Alice"},
			Cookies: []Cookie{{Name: "sessionid", Value: "SIGNED2"}}, Session: s2, Events: []Event{created, rotated}, Now: sec(21)},
		ActionEcho: &Echo{Method: "POST", Path: "/login", Status: 303, Location: "/",
			SetCookie: []string{strings.Replace(sessionLine, "SIGNED1", "SIGNED2", 1)}, Events: []Event{rotated}, At: sec(20)}})
	ses = one(t, root, "data-panel", "session")
	if got := attrs(root, []string{"data-state", "data-session-id", "data-user"}, "data-panel", "session"); got[0] != "data-state=authenticated data-session-id=id-2 data-user=alice" {
		t.Errorf("step 3 session attrs %v", got)
	}
	if got := attrs(ses, []string{"data-field", "data-change"}, "data-change", "*"); !slices.Contains(got, "data-field=id data-change=changed") || !slices.Contains(got, "data-field=user data-change=added") {
		t.Errorf("step 3 session changes %v", got)
	}
	if got := attrs(ses, []string{"data-key", "data-change"}, "data-key", "*"); !slices.Equal(got, []string{"data-key=_auth_user_id data-change=added", "data-key=cart"}) {
		t.Errorf("step 3 data %v", got)
	}
	if !strings.Contains(ses.TextContent(), "alice (Alice)") {
		t.Errorf("step 3: user not named: %q", ses.TextContent())
	}
	if got := attrs(root, []string{"data-cookie", "data-removed-cookie", "data-change"}, "data-panel", "js-cookies"); len(got) != 1 {
		t.Errorf("step 3 js section %v", got)
	}
	js := one(t, root, "data-panel", "js-cookies")
	if got := attrs(js, []string{"data-removed-cookie", "data-change"}, "data-change", "*"); !slices.Equal(got, []string{"data-removed-cookie=flavour data-change=removed"}) {
		t.Errorf("step 3 js ghost %v", got)
	}
	if len(js.Find("data-cookie", "flavour")) != 0 {
		t.Error("step 3: a removed cookie still matches [data-cookie=flavour]")
	}
	if got := attrs(one(t, root, "data-panel", "timeline"), []string{"data-event", "data-change"}, "data-event", "*"); !slices.Equal(got, []string{"data-event=rotated data-change=added", "data-event=created"}) {
		t.Errorf("step 3 timeline %v", got)
	}
	if got := attrs(root, []string{"data-from", "data-to", "data-via"}, "data-to", "*"); !slices.Equal(got, []string{"data-from=anonymous data-to=authenticated data-via=rotated"}) {
		t.Errorf("step 3 transition %v", got)
	}
	if !slices.Equal(b.cookies, []string{"SIGNED1", "SIGNED2"}) {
		t.Errorf("step 3 session cookies %v", b.cookies)
	}

	// 4. Log out (Korean page): destroyed, cookie deleted, no session.
	destroyed := Event{Kind: state.Destroyed, At: sec(30), ID: "id-2"}
	m, root = b.render(Input{Lang: "ko", Now: sec(31), State: &State{Now: sec(31)},
		ActionEcho: &Echo{Method: "POST", Path: "/logout", Status: 303, Location: "/",
			SetCookie: []string{`sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax`},
			Events:    []Event{destroyed}, At: sec(30)},
		PageEcho: &Echo{Method: "GET", Path: "/", Status: 200, At: sec(31)}})
	if got := attrs(one(t, root, "data-panel", "set-cookie"), []string{"data-cookie", "data-op"}, "data-op", "*"); !slices.Equal(got, []string{"data-cookie=sessionid data-op=delete"}) {
		t.Errorf("step 4 set-cookie %v", got)
	}
	if got := attrOf(t, one(t, root, "data-panel", "session"), "data-state"); got != "none" {
		t.Errorf("step 4 session state %q", got)
	}
	if got := attrs(root, []string{"data-node", "data-transition"}, "data-current", "true"); !slices.Equal(got, []string{"data-node=ended data-transition=to"}) {
		t.Errorf("step 4 diagram %v", got)
	}
	if got := attrOf(t, one(t, root, "data-panel", "diagram"), "data-ended-by"); got != "logout" {
		t.Errorf("step 4 ended by %q", got)
	}
	if got := attrs(one(t, root, "data-panel", "timeline"), []string{"data-event"}, "data-event", "*"); !slices.Equal(got, []string{"data-event=destroyed", "data-event=rotated", "data-event=created"}) {
		t.Errorf("step 4 timeline %v", got)
	}
	ses = one(t, root, "data-panel", "session")
	if !strings.Contains(ses.TextContent(), "세션 없음") || len(ses.Find("data-key", "*")) != 0 || len(ses.Find("data-removed-key", "*")) != 2 {
		t.Errorf("step 4 session: %q", ses.TextContent())
	}
	if !strings.Contains(one(t, root, "data-panel", "set-cookie").TextContent(), "Max-Age가 0 이하입니다") {
		t.Error("step 4: deletion not spelled out in Korean")
	}
	if got := attrs(one(t, root, "data-panel", "jar"), []string{"data-removed-cookie", "data-change"}, "data-change", "removed"); !slices.Equal(got, []string{"data-removed-cookie=sessionid data-change=removed"}) {
		t.Errorf("step 4 jar: %v, want sessionid gone", got)
	}

	// 5. Reload: the destroyed event is still there (from sessionStorage);
	// no action echo now; nothing marked changed.
	m, root = b.render(Input{Lang: "en", Now: sec(40), State: &State{Now: sec(40)},
		PageEcho: &Echo{Method: "GET", Path: "/", Status: 200, At: sec(40)}})
	if got := attrs(one(t, root, "data-panel", "timeline"), []string{"data-event"}, "data-event", "*"); len(got) != 3 || got[0] != "data-event=destroyed" {
		t.Errorf("step 5 timeline %v", got)
	}
	if got := attrs(root, []string{"data-change"}, "data-change", "*"); len(got) != 0 {
		t.Errorf("step 5 changes %v", got)
	}
	if got := attrs(root, []string{"data-node"}, "data-current", "true"); !slices.Equal(got, []string{"data-node=ended"}) {
		t.Errorf("step 5 diagram %v", got)
	}
	if got := attrs(root, []string{"data-from", "data-to"}, "data-to", "*"); !slices.Equal(got, []string{"data-from=authenticated data-to=ended"}) {
		t.Errorf("step 5 keeps the last transition: %v", got)
	}

	// 6. Replay the old cookie: rejected (unknown), cleared by the page.
	m, root = b.render(Input{Lang: "en", Now: sec(50), State: &State{Now: sec(50)},
		PageEcho: &Echo{Method: "GET", Path: "/me", Status: 302, Location: "/login?next=%2Fme",
			SetCookie: []string{"sessionid=; Max-Age=0; Path=/"},
			Events:    []Event{{Kind: state.Rejected, At: sec(50), ID: "id-2", Reason: state.ReasonUnknown}}, At: sec(50)}})
	if got := attrs(one(t, root, "data-panel", "timeline"), []string{"data-event", "data-reason", "data-id", "data-change"}, "data-event", "*"); got[0] != "data-event=rejected data-reason=unknown data-id=id-2 data-change=added" {
		t.Errorf("step 6 timeline %v", got)
	}
	if got := attrs(one(t, root, "data-panel", "set-cookie"), []string{"data-cookie", "data-op", "data-source"}, "data-op", "*"); !slices.Equal(got, []string{"data-cookie=sessionid data-op=delete data-source=page"}) {
		t.Errorf("step 6 set-cookie %v", got)
	}
	if got := attrOf(t, one(t, root, "data-panel", "diagram"), "data-ended-by"); got != "rejection" {
		t.Errorf("step 6 ended by %q", got)
	}
	_ = m
}

func TestBuildError(t *testing.T) {
	b := &browser{t: t}
	b.render(Input{State: &State{Cookies: []Cookie{{Name: "a", Value: "1"}}}, DocumentCookie: "a=1"})
	before := b.prev
	m, root := b.render(Input{Lang: "en", DocumentCookie: "a=1; b=2", Err: "HTTP 500",
		PageEcho: &Echo{Events: []Event{{Kind: state.Expired, At: t0, Reason: state.ReasonIdle}}}})
	if m.Snapshot != nil || b.prev != before {
		t.Error("a failed fetch replaced the snapshot")
	}
	e := one(t, root, "data-panel", "error")
	if !strings.Contains(e.TextContent(), "HTTP 500") {
		t.Errorf("error text %q", e.TextContent())
	}
	if got := attrs(root, []string{"data-cookie", "data-change"}, "data-cookie", "*"); !slices.Equal(got, []string{"data-cookie=a", "data-cookie=b data-change=added"}) {
		t.Errorf("js cookies still shown: %v", got)
	}
	if len(one(t, root, "data-panel", "server-cookies").Find("data-cookie", "*")) != 0 {
		t.Error("server cookies shown without a state")
	}
	if got := attrs(one(t, root, "data-panel", "timeline"), []string{"data-event", "data-reason"}, "data-event", "*"); !slices.Equal(got, []string{"data-event=expired data-reason=idle"}) {
		t.Errorf("timeline %v", got)
	}
}

func TestSessionCookiesHistory(t *testing.T) {
	tests := []struct {
		name   string
		stored []string
		cookie string
		want   []string
	}{
		{name: "first", cookie: "a", want: []string{"a"}},
		{name: "no session keeps the list", stored: []string{"a"}, want: []string{"a"}},
		{name: "seen again is not moved", stored: []string{"a", "b"}, cookie: "a", want: []string{"a", "b"}},
		{name: "newest last", stored: []string{"a"}, cookie: "b", want: []string{"a", "b"}},
		{name: "bounded", stored: strings.Split("0 1 2 3 4 5 6 7 8 9", " "), cookie: "x",
			want: strings.Split("1 2 3 4 5 6 7 8 9 x", " ")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &State{}
			if tt.cookie != "" {
				st.Session = &Session{ID: "id", Cookie: tt.cookie}
			}
			stored := slices.Clone(tt.stored)
			m := Build(Input{State: st, SessionCookies: stored})
			if diff := cmp.Diff(tt.want, m.SessionCookies, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if !slices.Equal(stored, tt.stored) {
				t.Error("Build changed its input")
			}
		})
	}
}

func TestRenderIsText(t *testing.T) {
	// Attacker-controlled cookie text only ever lands in text and attribute
	// values; the tree has no element the data did not ask for.
	evil := `<img src=x onerror=alert(1)>`
	m := Build(Input{DocumentCookie: "x=" + evil, State: &State{Cookies: []Cookie{{Name: evil, Value: evil}}},
		PageEcho: &Echo{Method: "GET", Path: "/" + evil, SetCookie: []string{evil + "=" + evil + "; Path=" + evil},
			Cookies: []Cookie{{Name: evil, Value: evil}}}})
	root := &El{Tag: "div", Children: Render(&m)}
	var walk func(*El)
	walk = func(e *El) {
		switch e.Tag {
		case "div", "section", "h3", "h4", "p", "ul", "ol", "li", "span", "strong", "code", "dl", "dt", "dd", "time",
			"svg", "g", "line", "polygon", "text", "title":
		default:
			t.Errorf("unexpected element %q", e.Tag)
		}
		for _, a := range e.Attrs {
			if strings.HasPrefix(a.Name, "on") || a.Name == "style" {
				t.Errorf("attribute %q", a.Name)
			}
		}
		for _, c := range e.Children {
			walk(c)
		}
	}
	walk(root)
	if !strings.Contains(root.TextContent(), evil) {
		t.Error("the value is not shown as text")
	}
}

func TestHeader(t *testing.T) {
	for _, collapsed := range []bool{false, true} {
		h := Header("ko", collapsed)
		btn := one(t, h, "data-action", "toggle")
		if got := attrOf(t, btn, "aria-expanded"); got != strconv.FormatBool(!collapsed) {
			t.Errorf("collapsed=%v: aria-expanded=%q", collapsed, got)
		}
		if !strings.Contains(h.TextContent(), "쿠키 랩") {
			t.Errorf("header not in Korean: %q", h.TextContent())
		}
	}
}

// TestNoNewOnDeletion walks a cookie and a session key being removed (the
// cookie by a line the jar saw, the key by the lab's form, the session
// kept), in both languages: what is gone is marked gone, never new.
func TestNoNewOnDeletion(t *testing.T) {
	sec := func(n int) Time { return t0.Add(Duration(n) * Second) }
	for _, lang := range []string{"en", "ko"} {
		b := &browser{t: t}
		s := &Session{ID: "id-1", Cookie: "S1", Data: map[string]string{"cart": "apple", "theme": "dark"}}
		store := []StoreCookie{{Name: "flavour", Value: "chocolate", Path: "/"}}
		b.render(Input{Lang: lang, DocumentCookie: "flavour=chocolate", StoreOK: true, Store: store, PagePath: "/",
			State:      &State{Cookies: []Cookie{{Name: "flavour", Value: "chocolate"}, {Name: "sessionid", Value: "S1"}}, Session: s},
			ActionEcho: &Echo{Method: "POST", Path: "/lab/cookie", Status: 303, SetCookie: []string{"flavour=chocolate; Path=/"}, At: sec(1)}})
		s2 := &Session{ID: "id-1", Cookie: "S1", Data: map[string]string{"theme": "dark"}}
		_, root := b.render(Input{Lang: lang, Now: sec(3), StoreOK: true, PagePath: "/",
			State:      &State{Cookies: []Cookie{{Name: "sessionid", Value: "S1"}}, Session: s2, Now: sec(3)},
			ActionEcho: &Echo{Method: "POST", Path: "/lab/cookie", Status: 303, SetCookie: []string{"flavour=; Max-Age=0; Path=/"}, At: sec(2)}})
		gone := L(lang, "change."+Removed)
		for _, q := range [][]string{{"data-removed-cookie", "flavour"}, {"data-removed-key", "cart"}} {
			rows := root.Find(q...)
			if len(rows) == 0 {
				t.Errorf("%s: no ghost %v", lang, q)
			}
			for _, r := range rows {
				if !strings.Contains(r.TextContent(), gone) {
					t.Errorf("%s: ghost %v reads %q, not %q", lang, r.Attrs, r.TextContent(), gone)
				}
			}
		}
	}
}

// TestSwitchesShown: the session section says which lab switches are on
// (a defence off for this browser), in both languages, with or without a
// session, and says nothing when none is.
func TestSwitchesShown(t *testing.T) {
	both := []string{contract.SwitchRotation, contract.SwitchOriginCheck}
	tests := []struct {
		name, lang string
		st         *State
		want       string // "" when no line is shown
	}{
		{"none on", "en", &State{Switches: []string{}}, ""},
		{"rotation, no session", "en", &State{Switches: both[:1]}, "Lab switches on: no id rotation at login"},
		{"both, logged in", "en", &State{Switches: both, Authenticated: true, User: &User{Username: "alice"}, Session: &Session{ID: "s"}},
			"Lab switches on: no id rotation at login, no origin check on cross-site POSTs"},
		{"both, Korean", "ko", &State{Switches: both, Session: &Session{ID: "s"}},
			"켜 둔 실습 스위치: 로그인할 때 세션 ID 교체 안 함, 교차 출처 POST의 출처 검사 안 함"},
		{"one the panel has no words for", "en", &State{Switches: []string{"teleport"}}, "Lab switches on: teleport"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Build(Input{Lang: tt.lang, State: tt.st})
			ses := one(t, &El{Children: Render(&m)}, "data-panel", "session")
			lines := ses.Find("data-switches", "*")
			switch {
			case tt.want == "" && len(lines) != 0:
				t.Errorf("a switches line with none on: %q", lines[0].TextContent())
			case tt.want == "":
			case len(lines) != 1:
				t.Errorf("%d switches lines, want 1", len(lines))
			case lines[0].TextContent() != tt.want || attrOf(t, lines[0], "data-switches") != strings.Join(tt.st.Switches, " "):
				t.Errorf("%q (data-switches=%q), want %q", lines[0].TextContent(), attrOf(t, lines[0], "data-switches"), tt.want)
			}
		})
	}
}

// TestFormAnsweredWithAPage: a form whose POST is answered with a page (200,
// no redirect) has two echoes of one exchange, the page's own and the
// action's; the panel logs and shows it once, with the action's lines.
func TestFormAnsweredWithAPage(t *testing.T) {
	sec := func(n int) Time { return t0.Add(Duration(n) * Second) }
	line := "lab_big=" + strings.Repeat("x", 40) + "; Path=/"
	page := &Echo{Method: "POST", Path: "/lab/cookie-session", Status: 200, SetCookie: []string{line}, At: sec(1)}
	action := &Echo{Method: "POST", Path: "/lab/cookie-session", Status: 200, SetCookie: []string{line}, At: sec(1).Add(Millisecond)}
	m := Build(Input{Lang: "en", Now: sec(2), StoreOK: true, PagePath: "/lab/cookie-session",
		State:    &State{Cookies: []Cookie{{Name: "lab_big", Value: strings.Repeat("x", 40)}}, Now: sec(2)},
		PageEcho: page, ActionEcho: action})
	if len(m.Log) != 1 || m.Log[0].Source != SourceAction {
		t.Errorf("exchange log: %+v, want the POST once, as the action's", m.Log)
	}
	if len(m.SetCookie) != 1 || m.SetCookie[0].Source != SourceAction {
		t.Errorf("set-cookie groups: %d (%+v), want the action's alone", len(m.SetCookie), m.SetCookie)
	}
	// A redirect is two exchanges: the POST's 303 and the page it led to.
	m = Build(Input{Lang: "en", Now: sec(2), StoreOK: true, PagePath: "/",
		State:      &State{Now: sec(2)},
		PageEcho:   &Echo{Method: "GET", Path: "/", Status: 200, At: sec(1).Add(Millisecond)},
		ActionEcho: &Echo{Method: "POST", Path: "/login", Status: 303, Location: "/", SetCookie: []string{line}, At: sec(1)}, Redirects: 1})
	if len(m.Log) != 2 || m.Log[0].Echo.Method != "POST" || m.Log[1].Echo.Method != "GET" {
		t.Errorf("after a redirect, exchange log: %+v, want the POST then the GET", m.Log)
	}
}
