//go:build !js

package expect

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/chromedp/cdproto/network"

	"cookielab/e2e/browser"
	"cookielab/lessons"
	"cookielab/wasm/state"
)

// Expectation is one `expect:` line, as the lessons package parses it.
type Expectation = lessons.Expectation

// Where a finding was made.
const (
	OnPage    = "page"    // the page outside the panel (DOM)
	OnPanel   = "panel"   // the panel (DOM)
	InBrowser = "browser" // DevTools: jar, raw headers, and the server's /api/state answer to the browser
)

// Finding is what one place shows about one expectation.
type Finding struct {
	Where  string
	OK     bool
	Detail string // what was seen, readable on its own: "browser jar has no cookie …"
}

// Result is the verdict on one expectation.
type Result struct {
	Expectation Expectation
	Findings    []Finding
}

// Failed reports whether any place disagrees with the expectation.
func (r Result) Failed() bool {
	return slices.ContainsFunc(r.Findings, func(f Finding) bool { return !f.OK })
}

// Reason says why the expectation failed: what each failing place showed,
// and which places held it, since then the panel and the browser disagree.
func (r Result) Reason() string {
	var bad, good []string
	// The browser's own state first: it is the truth the panel shows.
	findings := slices.Clone(r.Findings)
	slices.SortStableFunc(findings, func(a, b Finding) int {
		return cmp.Compare(boolInt(a.Where != InBrowser), boolInt(b.Where != InBrowser))
	})
	for _, f := range findings {
		if f.OK {
			good = append(good, f.Detail)
		} else {
			bad = append(bad, f.Detail)
		}
	}
	msg := strings.Join(bad, "; ")
	if len(good) > 0 && len(bad) > 0 {
		msg += " — yet " + strings.Join(good, "; ") + ": the panel and the browser disagree"
	}
	return msg
}

// Check checks one expectation against the view.
func Check(e Expectation, v View) Result {
	r := Result{Expectation: e}
	add := func(where string, ok bool, format string, a ...any) {
		r.Findings = append(r.Findings, Finding{Where: where, OK: ok, Detail: fmt.Sprintf(format, a...)})
	}
	arg := func(i int) string {
		if i < len(e.Args) {
			return e.Args[i]
		}
		return ""
	}
	p, b := v.Page, v.Browser
	pn := &p.Panel
	st := b.State
	noState := func() bool {
		if st == nil {
			add(InBrowser, false, "browser could not read /api/state: %s", b.StateErr)
			return true
		}
		return false
	}

	switch e.Check {
	case "js-cookie has", "js-cookie lacks":
		name, want := arg(0), e.Check == "js-cookie has"
		has := slices.ContainsFunc(pn.JSCookies, func(c PanelCookie) bool { return c.Name == name })
		add(OnPanel, has == want, "panel js-cookies %s %q (shows: %s)", hasWord(has), name, panelNames(pn.JSCookies))
		has = slices.Contains(cookieNames(p.DocumentCookie), name)
		add(InBrowser, has == want, "browser document.cookie %s %q (document.cookie: %q)", hasWord(has), name, p.DocumentCookie)

	case "server-cookie has", "server-cookie lacks":
		name, want := arg(0), e.Check == "server-cookie has"
		has := slices.ContainsFunc(pn.ServerCookies, func(c PanelCookie) bool { return c.Name == name })
		add(OnPanel, has == want, "panel server-cookies %s %q (shows: %s)", hasWord(has), name, panelNames(pn.ServerCookies))
		if b.LastRequest == nil {
			add(InBrowser, false, "browser made no request to the site that DevTools saw")
			break
		}
		has = slices.Contains(cookieNames(b.LastRequest.Cookie), name)
		add(InBrowser, has == want, "browser's last request (%s %s) %s cookie %q (Cookie: %s)",
			b.LastRequest.Method, pathOf(b.LastRequest.URL), carriedWord(has), name, orNone(b.LastRequest.Cookie))

	case "jar has":
		checkJarHas(arg(0), e.Args[min(1, len(e.Args)):], v, add)

	case "jar lacks":
		name := arg(0)
		inJS := slices.ContainsFunc(pn.JSCookies, func(c PanelCookie) bool { return c.Name == name })
		inServer := slices.ContainsFunc(pn.ServerCookies, func(c PanelCookie) bool { return c.Name == name })
		add(OnPanel, !inJS && !inServer, "panel %s %q (js-cookies: %s; server-cookies: %s)",
			hasWord(inJS || inServer), name, panelNames(pn.JSCookies), panelNames(pn.ServerCookies))
		found := jarNamed(b.Jar, name)
		if len(found) == 0 {
			add(InBrowser, true, "browser jar has no cookie %q", name)
		} else {
			add(InBrowser, false, "browser jar has %s", describeCookie(found[0]))
		}

	case "set-cookie sets", "set-cookie deletes":
		name, op := arg(0), "set"
		if e.Check == "set-cookie deletes" {
			op = "delete"
		}
		shown := slices.ContainsFunc(pn.SetCookie, func(l PanelSetLine) bool { return l.Name == name && l.Op == op })
		add(OnPanel, shown, "panel set-cookie %s %s %q (shows: %s)", hasWord(shown), op, name, panelSetLines(pn.SetCookie))
		seen := slices.ContainsFunc(setCookieLines(b.Action), func(l setLine) bool { return l.name == name && l.op == op })
		saw := "saw no Set-Cookie"
		if seen {
			saw = "saw a Set-Cookie"
		}
		add(InBrowser, seen, "browser %s that %ss %q since the action (%s)", saw, op, name, describeSetLines(b.Action))

	case "session none", "session anonymous", "session user":
		want := strings.TrimPrefix(e.Check, "session ")
		user := arg(0)
		panelOK := false
		switch want {
		case "none", "anonymous":
			panelOK = pn.Session.State == want
		case "user":
			panelOK = pn.Session.State == "authenticated" && (user == "*" || pn.Session.User == user)
		}
		add(OnPanel, panelOK, "panel session shows %s", describePanelSession(pn.Session))
		if noState() {
			break
		}
		var ok bool
		switch want {
		case "none":
			ok = st.Session == nil
		case "anonymous":
			ok = st.Session != nil && st.User == nil
		case "user":
			ok = st.Session != nil && st.User != nil && (user == "*" || st.User.Username == user)
		}
		jar := jarNamed(b.Jar, v.sessionCookie())
		detail := "browser: the server says " + describeState(st)
		if want == "none" && len(jar) > 0 {
			ok = false
			detail += ", yet the jar still holds " + describeCookie(jar[0])
		}
		if want != "none" && len(jar) == 0 {
			ok = false
			detail += ", yet the jar has no " + v.sessionCookie() + " cookie"
		}
		add(InBrowser, ok, "%s", detail)

	case "session data", "session lacks":
		key, value, withValue := arg(0), arg(1), len(e.Args) > 1
		want := e.Check == "session data"
		row := slices.IndexFunc(pn.Session.Data, func(d DataRow) bool { return d.Key == key })
		has := row >= 0 && (!withValue || pn.Session.Data[row].Value == value)
		add(OnPanel, has == want, "panel session data %s (shows: %s)", describeKey(key, value, withValue, has), dataRows(pn.Session.Data))
		if noState() {
			break
		}
		var data map[string]string
		if st.Session != nil {
			data = st.Session.Data
		}
		got, ok := data[key]
		has = ok && (!withValue || got == value)
		add(InBrowser, has == want, "browser: the server's session data %s (data: %s)", describeKey(key, value, withValue, has), dataMap(st.Session))

	case "session-id changed", "session-id same":
		changed := e.Check == "session-id changed"
		now := pn.Session.ID
		add(OnPanel, (now != v.Prev.PanelSessionID) == changed, "panel session id %s (was %s, now %s)",
			changeWord(now != v.Prev.PanelSessionID), orNone(short(v.Prev.PanelSessionID)), orNone(short(now)))
		if noState() {
			break
		}
		now = ""
		if st.Session != nil {
			now = st.Session.ID
		}
		add(InBrowser, (now != v.Prev.ServerSessionID) == changed, "browser: the server's session id %s (was %s, now %s)",
			changeWord(now != v.Prev.ServerSessionID), orNone(short(v.Prev.ServerSessionID)), orNone(short(now)))

	case "timeline has":
		kind, reason := arg(0), arg(1)
		shown := slices.ContainsFunc(pn.Timeline, func(ev PanelEvent) bool {
			return ev.Event == kind && (reason == "" || ev.Reason == reason)
		})
		add(OnPanel, shown, "panel timeline %s %s (shows: %s)", hasWord(shown), strings.TrimSpace(kind+" "+reason), panelEvents(pn.Timeline))
		checkTimelineInBrowser(kind, reason, v, add)

	case "user", "user anonymous":
		user := arg(0)
		if !p.HasUser {
			add(OnPage, false, "page has no header greeting (header [data-user])")
		} else if e.Check == "user anonymous" {
			add(OnPage, p.User == "", "page header %s", describeGreeting(p.User))
		} else {
			add(OnPage, p.User != "" && (user == "*" || p.User == user), "page header %s", describeGreeting(p.User))
		}
		if noState() {
			break
		}
		if e.Check == "user anonymous" {
			add(InBrowser, st.User == nil, "browser: the server says %s", describeState(st))
		} else {
			add(InBrowser, st.User != nil && (user == "*" || st.User.Username == user), "browser: the server says %s", describeState(st))
		}

	case "page shows":
		text := arg(0)
		ok := strings.Contains(p.Text, squash(text))
		add(OnPage, ok, "page %s %q", showsWord(ok), text)

	case "result shows":
		text := arg(0)
		s, ok := p.Step(v.Step)
		if !ok {
			add(OnPage, false, "page has no step %d", v.Step)
			break
		}
		ok = strings.Contains(s.Result, squash(text))
		add(OnPage, ok, "step %d's result %s %q (result: %q)", v.Step, showsWord(ok), text, clip(s.Result, 300))

	case "url":
		want := arg(0)
		add(OnPage, urlMatches(p.URL, want), "page location is %s", p.URL)
		add(InBrowser, urlMatches(b.URL, want), "browser is at %s", b.URL)

	default:
		add(OnPage, false, "unknown check %q", e.Check)
	}
	return r
}

func checkJarHas(name string, attrs []string, v View, add func(string, bool, string, ...any)) {
	pn := &v.Page.Panel
	// The panel sees the jar through document.cookie and the server's list;
	// a cookie scoped to another path reaches neither, so only the browser
	// can tell.
	pathElsewhere := slices.ContainsFunc(attrs, func(a string) bool { return strings.HasPrefix(a, "path=") && a != "path=/" })
	if !pathElsewhere {
		js := slices.IndexFunc(pn.JSCookies, func(c PanelCookie) bool { return c.Name == name })
		srv := slices.IndexFunc(pn.ServerCookies, func(c PanelCookie) bool { return c.Name == name })
		switch {
		case js < 0 && srv < 0:
			add(OnPanel, false, "panel shows no cookie %q (js-cookies: %s; server-cookies: %s)", name, panelNames(pn.JSCookies), panelNames(pn.ServerCookies))
		case slices.Contains(attrs, "httponly") && (js >= 0 || srv < 0 || pn.ServerCookies[srv].HTTPOnly != "true"):
			add(OnPanel, false, "panel does not mark %q HttpOnly (in js-cookies: %v; server-cookies data-httponly=%q)", name, js >= 0, httpOnlyAttr(pn.ServerCookies, srv))
		default:
			add(OnPanel, true, "panel shows %q", name)
		}
	}
	found := jarNamed(v.Browser.Jar, name)
	if len(found) == 0 {
		add(InBrowser, false, "browser jar has no cookie %q (jar: %s)", name, jarNames(v.Browser.Jar))
		return
	}
	for _, c := range found {
		if missing := missingAttrs(c, attrs); len(missing) == 0 {
			add(InBrowser, true, "browser jar has %s", describeCookie(c))
			return
		}
	}
	add(InBrowser, false, "browser jar has %s, not %s", describeCookie(found[0]), strings.Join(missingAttrs(found[0], attrs), ", "))
}

// missingAttrs returns the `jar has` attributes that c lacks.
func missingAttrs(c *network.Cookie, attrs []string) []string {
	var missing []string
	for _, a := range attrs {
		ok := true
		switch {
		case a == "httponly":
			ok = c.HTTPOnly
		case a == "secure":
			ok = c.Secure
		case a == "session":
			ok = c.Session
		case a == "persistent":
			ok = !c.Session
		case strings.HasPrefix(a, "samesite="):
			ok = strings.EqualFold(string(c.SameSite), strings.TrimPrefix(a, "samesite="))
		case strings.HasPrefix(a, "path="):
			ok = c.Path == strings.TrimPrefix(a, "path=")
		default:
			ok = false
		}
		if !ok {
			missing = append(missing, a)
		}
	}
	return missing
}

// checkTimelineInBrowser checks an event against the server's own list for
// this browser and, since a destroyed session leaves no list behind, against
// what the browser's traffic shows: a created or rotated session is a
// response that sets the session cookie; a destroyed, rejected or expired one
// is a request that carried it answered by a response that deletes it.
func checkTimelineInBrowser(kind, reason string, v View, add func(string, bool, string, ...any)) {
	if st := v.Browser.State; st != nil {
		for _, ev := range st.Events {
			if ev.Kind == kind && (reason == "" || ev.Reason == reason) {
				add(InBrowser, true, "browser: the server lists %s", strings.TrimSpace(kind+" "+reason))
				return
			}
		}
	}
	name := v.sessionCookie()
	var set, cleared bool
	for _, x := range v.Browser.History {
		for _, l := range setCookieLines([]browser.Exchange{x}) {
			if l.name != name {
				continue
			}
			if l.op == "set" {
				set = true
			} else if slices.Contains(cookieNames(x.Cookie), name) {
				cleared = true
			}
		}
	}
	var ok bool
	var seen string
	switch kind {
	case state.Created, state.Rotated:
		ok, seen = set, fmt.Sprintf("a response that set %s", name)
	default:
		ok, seen = cleared, fmt.Sprintf("a request carrying %s answered by one that deleted it", name)
	}
	add(InBrowser, ok, "browser traffic %s %s (server events: %s)", sawWord(ok), seen, stateEvents(v.Browser.State))
}

// Agreement checks, whatever a step expects, that the panel shows what the
// browser holds: the same document.cookie, the cookies the server received,
// HttpOnly where the jar says so, and the session the server reports.
// Each string is one disagreement.
func Agreement(v View) []string {
	p, b := v.Page, v.Browser
	pn := &p.Panel
	if !pn.Present {
		return []string{"the page has no #panel"}
	}
	var out []string
	if got, want := sortedNames(panelCookieNames(pn.JSCookies)), sortedNames(cookieNames(p.DocumentCookie)); !slices.Equal(got, want) {
		out = append(out, fmt.Sprintf("panel js-cookies show [%s] but document.cookie holds [%s]", strings.Join(got, " "), strings.Join(want, " ")))
	}
	for _, c := range pn.ServerCookies {
		jar := jarNamed(b.Jar, c.Name)
		if len(jar) == 1 && (c.HTTPOnly == "true") != jar[0].HTTPOnly {
			out = append(out, fmt.Sprintf("panel server-cookies mark %q data-httponly=%q but the jar has %s", c.Name, c.HTTPOnly, describeCookie(jar[0])))
		}
	}
	st := b.State
	if st == nil {
		return out
	}
	var sent []string
	for _, c := range st.Cookies {
		sent = append(sent, c.Name)
	}
	if got, want := sortedNames(panelCookieNames(pn.ServerCookies)), sortedNames(sent); !slices.Equal(got, want) {
		out = append(out, fmt.Sprintf("panel server-cookies show [%s] but the server received [%s]", strings.Join(got, " "), strings.Join(want, " ")))
	}
	wantState, wantID, wantUser := "none", "", ""
	if st.Session != nil {
		wantState, wantID = "anonymous", st.Session.ID
		if st.User != nil {
			wantState, wantUser = "authenticated", st.User.Username
		}
	}
	s := pn.Session
	if s.State != wantState || s.ID != wantID || s.User != wantUser {
		out = append(out, fmt.Sprintf("panel session shows %s but the server says %s", describePanelSession(s), describeState(st)))
	}
	return out
}

// setLine is one Set-Cookie line, classified.
type setLine struct {
	name, op, line, where string
}

// setCookieLines classifies every Set-Cookie line of the exchanges: op
// "delete" when it expires the cookie (Max-Age ≤ 0 or an Expires in the
// past), "set" otherwise.
func setCookieLines(exs []browser.Exchange) []setLine {
	var out []setLine
	for _, x := range exs {
		for _, raw := range x.SetCookie {
			if strings.TrimSpace(raw) == "" {
				continue
			}
			c, err := http.ParseSetCookie(raw)
			if err != nil {
				name, _, _ := strings.Cut(raw, "=")
				out = append(out, setLine{name: strings.TrimSpace(name), op: "invalid", line: raw})
				continue
			}
			op := "set"
			if IsDeletion(c, time.Now()) {
				op = "delete"
			}
			out = append(out, setLine{name: c.Name, op: op, line: raw, where: x.Method + " " + pathOf(x.URL)})
		}
	}
	return out
}

// IsDeletion reports whether a Set-Cookie expires its cookie at once.
func IsDeletion(c *http.Cookie, now time.Time) bool {
	if c.MaxAge < 0 { // Max-Age=0 or negative
		return true
	}
	if c.MaxAge > 0 {
		return false
	}
	return !c.Expires.IsZero() && !c.Expires.After(now)
}

func describeSetLines(exs []browser.Exchange) string {
	lines := setCookieLines(exs)
	if len(lines) == 0 {
		return fmt.Sprintf("no Set-Cookie in %d responses", len(exs))
	}
	var parts []string
	for _, l := range lines {
		parts = append(parts, fmt.Sprintf("%s: %s", l.where, clip(l.line, 120)))
	}
	return "Set-Cookie: " + strings.Join(parts, " | ")
}

// cookieNames returns the names in a Cookie header or document.cookie.
func cookieNames(header string) []string {
	var names []string
	for part := range strings.SplitSeq(header, ";") {
		name, _, _ := strings.Cut(strings.TrimSpace(part), "=")
		if name != "" {
			names = append(names, name)
		}
	}
	return names
}

func jarNamed(jar []*network.Cookie, name string) []*network.Cookie {
	var out []*network.Cookie
	for _, c := range jar {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

func jarNames(jar []*network.Cookie) string {
	var names []string
	for _, c := range jar {
		names = append(names, c.Name)
	}
	return orNone(strings.Join(names, ", "))
}

// describeCookie spells a jar cookie out with its attributes.
func describeCookie(c *network.Cookie) string {
	parts := []string{fmt.Sprintf("%s=%s", c.Name, short(c.Value)), "Path=" + c.Path}
	if c.HTTPOnly {
		parts = append(parts, "HttpOnly")
	}
	if c.Secure {
		parts = append(parts, "Secure")
	}
	if c.SameSite != "" {
		parts = append(parts, "SameSite="+string(c.SameSite))
	}
	if c.Session {
		parts = append(parts, "session")
	} else {
		parts = append(parts, "expires "+time.Unix(int64(c.Expires), 0).UTC().Format(time.RFC3339))
	}
	return strings.Join(parts, "; ")
}

func describeState(st *state.State) string {
	switch {
	case st.Session == nil:
		return "no session"
	case st.User == nil:
		return fmt.Sprintf("an anonymous session %s", short(st.Session.ID))
	default:
		return fmt.Sprintf("a session %s of %s", short(st.Session.ID), st.User.Username)
	}
}

func describePanelSession(s PanelSession) string {
	if !s.Present {
		return "no session section"
	}
	d := "data-state=" + orNone(s.State)
	if s.ID != "" {
		d += " id " + short(s.ID)
	}
	if s.User != "" {
		d += " user " + s.User
	}
	return d
}

func describeGreeting(user string) string {
	if user == "" {
		return "offers Log in (anonymous)"
	}
	return "greets " + user
}

func describeKey(key, value string, withValue, has bool) string {
	k := key
	if withValue {
		k += "=" + value
	}
	return hasWord(has) + " " + k
}

func dataRows(rows []DataRow) string {
	var parts []string
	for _, r := range rows {
		parts = append(parts, r.Key+"="+r.Value)
	}
	return orNone(strings.Join(parts, ", "))
}

func dataMap(s *state.Session) string {
	if s == nil {
		return "no session"
	}
	keys := make([]string, 0, len(s.Data))
	for k := range s.Data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+"="+s.Data[k])
	}
	return orNone(strings.Join(parts, ", "))
}

func stateEvents(st *state.State) string {
	if st == nil {
		return "unknown"
	}
	var parts []string
	for _, ev := range st.Events {
		parts = append(parts, strings.TrimSpace(ev.Kind+" "+ev.Reason))
	}
	return orNone(strings.Join(parts, ", "))
}

func panelNames(cs []PanelCookie) string { return orNone(strings.Join(panelCookieNames(cs), ", ")) }

func panelCookieNames(cs []PanelCookie) []string {
	var names []string
	for _, c := range cs {
		names = append(names, c.Name)
	}
	return names
}

func panelSetLines(ls []PanelSetLine) string {
	var parts []string
	for _, l := range ls {
		parts = append(parts, l.Name+" ("+orNone(l.Op)+")")
	}
	return orNone(strings.Join(parts, ", "))
}

func panelEvents(evs []PanelEvent) string {
	var parts []string
	for _, ev := range evs {
		parts = append(parts, strings.TrimSpace(ev.Event+" "+ev.Reason))
	}
	return orNone(strings.Join(parts, ", "))
}

func httpOnlyAttr(cs []PanelCookie, i int) string {
	if i < 0 {
		return ""
	}
	return cs[i].HTTPOnly
}

func sortedNames(names []string) []string {
	s := slices.Clone(names)
	slices.Sort(s)
	return slices.Compact(s)
}

// urlMatches compares a location (path and query) with an expected one: the
// query only counts when the expectation gives one.
func urlMatches(got, want string) bool {
	if got == want {
		return true
	}
	g, err1 := url.Parse(got)
	w, err2 := url.Parse(want)
	if err1 != nil || err2 != nil || g.Path != w.Path {
		return false
	}
	if want == w.Path {
		return true
	}
	return g.Query().Encode() == w.Query().Encode()
}

func pathOf(u string) string {
	x, err := url.Parse(u)
	if err != nil {
		return u
	}
	return x.RequestURI()
}

func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

// short shortens a session id or signed value for messages.
func short(s string) string {
	if len(s) > 16 {
		return s[:12] + "…"
	}
	return s
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func hasWord(b bool) string {
	if b {
		return "has"
	}
	return "has no"
}

func carriedWord(b bool) string {
	if b {
		return "carried"
	}
	return "did not carry"
}

func sawWord(b bool) string {
	if b {
		return "saw"
	}
	return "saw no"
}

func showsWord(b bool) string {
	if b {
		return "shows"
	}
	return "does not show"
}

func changeWord(b bool) string {
	if b {
		return "changed"
	}
	return "stayed the same"
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
