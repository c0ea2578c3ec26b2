//go:build !js

package expect

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/chromedp/cdproto/network"

	"cookielab/e2e/browser"
	"cookielab/lessons/step"
)

// Where a finding was made.
const (
	OnPanel   = "panel"   // what the learner's panel shows (DOM)
	InBrowser = "browser" // DevTools (jar, raw headers) and the server's own answers
)

// Finding is what one observer decided about one expectation.
type Finding struct {
	Where  string
	State  step.State
	Detail string // what was seen, readable on its own: "browser: the jar has no cookie …"
}

// Result is the verdict on one expectation.
type Result struct {
	Expectation step.Expectation
	Findings    []Finding
}

// Failed reports whether an observer found the expectation false, or the
// browser could not decide it (it sees everything the checks need). The
// panel may not yet be able to decide a check: that is reported, not failed.
func (r Result) Failed() bool {
	return slices.ContainsFunc(r.Findings, func(f Finding) bool {
		return f.State == step.Fail || f.State == step.Undecided && f.Where == InBrowser
	})
}

// Reason says why the expectation failed: what each failing observer saw,
// and which held it, since then the panel and the browser disagree.
func (r Result) Reason() string {
	var bad, good []string
	findings := slices.Clone(r.Findings)
	slices.SortStableFunc(findings, func(a, b Finding) int { // the browser first: it is the truth the panel shows
		return cmp.Compare(boolInt(a.Where != InBrowser), boolInt(b.Where != InBrowser))
	})
	for _, f := range findings {
		if f.State == step.Pass {
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

// Check decides one expectation with package step's own check, once on
// what the browser really holds and once on what the panel shows.
func Check(e step.Expectation, v View) Result {
	r := Result{Expectation: e}
	for _, o := range []struct {
		where string
		view  *step.View
	}{{InBrowser, v.BrowserView()}, {OnPanel, v.PanelView()}} {
		d := step.Decide(e, o.view)
		r.Findings = append(r.Findings, Finding{Where: o.where, State: d.State, Detail: o.where + ": " + d.Saw})
	}
	return r
}

// BrowserView is what the browser holds and the server says after the
// step, as package step reads it: the jar and the raw headers from
// DevTools, the session from the server's GET /api/state, the events from
// the step's responses' Cookielab-Events headers.
func (v View) BrowserView() *step.View {
	b := v.Browser
	sv := &step.View{Sees: step.SeesScript | step.SeesJar | step.SeesSetCookie | step.SeesEvents | step.SeesPrev,
		SessionCookie: v.SessionCookie, PrevSessionID: v.Prev.ServerSessionID}
	if v.Page != nil {
		sv.Script = pairs(v.Page.DocumentCookie)
		sv.Page = v.Page.stepPage(v.Step)
		sv.Page.URL = b.URL
		sv.Sees |= step.SeesPage
	}
	if b.LastRequest != nil {
		sv.Received = pairs(b.LastRequest.Cookie)
		sv.Sees |= step.SeesReceived
	}
	for _, c := range b.Jar {
		sv.Jar = append(sv.Jar, step.JarCookie{
			Name: c.Name, Value: c.Value, Path: c.Path,
			HttpOnly: step.TriOf(c.HTTPOnly), Secure: step.TriOf(c.Secure), Persistent: step.TriOf(!c.Session),
			SameSite: string(c.SameSite),
		})
	}
	for _, l := range setCookieLines(b.Action) {
		sv.SetCookie = append(sv.SetCookie, step.SetLine{Name: l.name, Op: l.op, Where: l.where})
	}
	for _, x := range b.Action {
		sv.Events = append(sv.Events, ParseEvents(x.Events)...)
	}
	if st := b.State; st != nil {
		sv.Sees |= step.SeesSession
		if st.Session != nil {
			sv.Session = &step.Session{ID: st.Session.ID, Data: st.Session.Data}
			if st.User != nil {
				sv.Session.User = st.User.Username
			}
		}
	}
	return sv
}

// PanelView is what the learner's panel shows after the step, as package
// step reads it: its jar is the jar section's cookies, each attribute as
// known as the section says (a cell "unknown here" is step.Unknown), and
// partial where the section says so.
func (v View) PanelView() *step.View {
	sv := &step.View{SessionCookie: v.SessionCookie, PrevSessionID: v.Prev.PanelSessionID, JarPartial: true}
	if v.Page == nil || !v.Page.Panel.Present {
		return sv
	}
	p, pn := v.Page, &v.Page.Panel
	sv.Sees = step.SeesScript | step.SeesSetCookie | step.SeesPrev | step.SeesPage
	sv.Page = p.stepPage(v.Step)
	for _, c := range pn.JSCookies {
		sv.Script = append(sv.Script, step.Pair{Name: c.Name, Value: c.Value})
	}
	if pn.Jar.Present {
		sv.Sees |= step.SeesJar
		sv.JarPartial = pn.Jar.Partial != "false"
		for _, c := range pn.Jar.Cookies {
			sv.Jar = append(sv.Jar, PanelJarCookieView(c))
		}
	}
	for _, l := range pn.SetCookie {
		sv.SetCookie = append(sv.SetCookie, step.SetLine{Name: l.Name, Op: l.Op})
	}
	if pn.Error != "" {
		return sv // GET /api/state failed: no server-cookies, session or events
	}
	sv.Sees |= step.SeesReceived | step.SeesSession | step.SeesEvents
	for _, c := range pn.ServerCookies {
		sv.Received = append(sv.Received, step.Pair{Name: c.Name, Value: c.Value})
	}
	if s := pn.Session; s.State == "anonymous" || s.State == "authenticated" {
		sv.Session = &step.Session{ID: s.ID, User: s.User, Data: map[string]string{}}
		for _, d := range s.Data {
			sv.Session.Data[d.Key] = d.Value
		}
	}
	// This step's events: those since the last look before its action (in
	// a tab that has not looked before, all of them).
	for _, ev := range pn.Timeline {
		if at, err := time.Parse(time.RFC3339Nano, ev.At); err == nil && !at.Before(v.Prev.ServerNow) {
			sv.Events = append(sv.Events, step.Event{Kind: ev.Event, Reason: ev.Reason})
		}
	}
	return sv
}

// PanelJarCookieView is a jar section cookie as package step reads it.
func PanelJarCookieView(c PanelJarCookie) step.JarCookie {
	j := step.JarCookie{Name: c.Name}
	j.Value, _ = c.Known("value")
	j.Path, _ = c.Known("path")
	tri := func(col string) step.Tri {
		if v, ok := c.Known(col); ok {
			return step.TriOf(v == "true")
		}
		return step.Unknown
	}
	j.HttpOnly, j.Secure = tri("httponly"), tri("secure")
	if v, ok := c.Known("expires"); ok {
		j.Persistent = step.TriOf(v != "session")
	}
	switch v, ok := c.Known("samesite"); {
	case !ok || v == "lax-or-unset":
		j.SameSiteUnknown = true
	default:
		j.SameSite = v
	}
	return j
}

// stepPage is the page part of a step.View: on the lesson page, the text
// `page shows` reads is the step's result area only (step.StepShows);
// elsewhere, the page's.
func (p *Page) stepPage(n int) step.Page {
	sp := step.Page{URL: p.URL, Text: p.Text, Greets: p.HasUser, Greeting: p.User}
	if s, ok := p.Step(n); ok {
		sp.Result, sp.Text = s.Result, s.Shown
	}
	return sp
}

// ParseEvents reads a Cookielab-Events header: "rotated, rejected unknown".
func ParseEvents(h string) []step.Event {
	var out []step.Event
	for part := range strings.SplitSeq(h, ",") {
		kind, reason, _ := strings.Cut(strings.TrimSpace(part), " ")
		if kind != "" {
			out = append(out, step.Event{Kind: kind, Reason: reason})
		}
	}
	return out
}

// Agreement checks, whatever a step expects, that the panel shows what the
// browser holds: the same document.cookie, the cookies the server received,
// HttpOnly where the jar says so, the jar (JarAgreement) and the session
// the server reports.
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
	out = append(out, JarAgreement(pn.Jar, b.Jar)...)
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
		out = append(out, fmt.Sprintf("panel session shows %s but the server says %s", describePanelSession(s), describeServer(wantState, wantID, wantUser)))
	}
	return out
}

// setLine is one Set-Cookie line, classified.
type setLine struct {
	name, op, line, where string
}

// setCookieLines classifies every Set-Cookie line of the exchanges, as Go's
// net/http reads them (independently of the panel's own reading): op
// "delete" when it expires the cookie (Max-Age ≤ 0 or an Expires in the
// past), "set" otherwise.
func setCookieLines(exs []browser.Exchange) []setLine {
	var out []setLine
	for _, x := range exs {
		where := x.Method + " " + pathOf(x.URL) + " → " + fmt.Sprint(x.Status)
		for _, raw := range x.SetCookie {
			if strings.TrimSpace(raw) == "" {
				continue
			}
			c, err := http.ParseSetCookie(raw)
			if err != nil {
				name, _, _ := strings.Cut(raw, "=")
				out = append(out, setLine{name: strings.TrimSpace(name), op: step.OpIgnore, line: raw, where: where})
				continue
			}
			op := step.OpSet
			switch {
			case len(c.Name)+len(c.Value) > maxNameValue:
				op = step.OpReject // RFC 6265bis §5.6: the browser ignores it
			case IsDeletion(c, time.Now()):
				op = step.OpDelete
			}
			out = append(out, setLine{name: c.Name, op: op, line: raw, where: where})
		}
	}
	return out
}

// maxNameValue is the most a cookie's name and value may hold together
// (RFC 6265bis §5.6; Chromium enforces it).
const maxNameValue = 4096

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

// pairs reads a Cookie header or document.cookie.
func pairs(header string) []step.Pair {
	var out []step.Pair
	for part := range strings.SplitSeq(header, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(part), "=")
		if name != "" {
			out = append(out, step.Pair{Name: name, Value: value})
		}
	}
	return out
}

// cookieNames returns the names in a Cookie header or document.cookie.
func cookieNames(header string) []string {
	var names []string
	for _, p := range pairs(header) {
		names = append(names, p.Name)
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

func describeServer(state, id, user string) string {
	switch state {
	case "none":
		return "no session"
	case "anonymous":
		return "an anonymous session " + short(id)
	}
	return "a session " + short(id) + " of " + user
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

func panelCookieNames(cs []PanelCookie) []string {
	var names []string
	for _, c := range cs {
		names = append(names, c.Name)
	}
	return names
}

func sortedNames(names []string) []string {
	s := slices.Clone(names)
	slices.Sort(s)
	return slices.Compact(s)
}

func pathOf(u string) string {
	_, rest, ok := strings.Cut(u, "://")
	if !ok {
		return u
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return rest[i:]
	}
	return "/"
}

// short shortens a session id or signed value for messages.
func short(s string) string {
	if len(s) > 16 {
		return s[:12] + "…"
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// expiresSlack is how far the panel's expiry may lie from DevTools': the
// panel counts Max-Age from the server's clock when it answered, the
// browser from its own when the response arrived.
const expiresSlack = 2 * time.Second

// JarAgreement compares the panel's jar section with DevTools' jar: every
// cookie the panel shows is in the jar, every cell the panel claims to know
// has DevTools' value, and, unless the panel says its jar is partial,
// every cookie in the jar is shown. Each string is one disagreement.
func JarAgreement(pj PanelJar, jar []*network.Cookie) []string {
	if !pj.Present {
		return []string{"the panel has no jar section"}
	}
	var out []string
	matched := map[*network.Cookie]bool{}
	for _, pc := range pj.Cookies {
		c := findJarCookie(jar, pc, matched)
		if c == nil {
			out = append(out, fmt.Sprintf("panel jar shows %s but the browser holds no such cookie", describePanelJar(pc)))
			continue
		}
		matched[c] = true
		for _, col := range []string{"value", "domain", "path", "expires", "size", "httponly", "secure", "samesite", "partitioned", "priority"} {
			got, known := pc.Known(col)
			if !known {
				continue
			}
			if want, ok := jarCell(c, col, got); !ok {
				out = append(out, fmt.Sprintf("panel jar %s: %s %q (from %s) but DevTools has %q", describePanelJar(pc), col, got, pc.Cells[col].Source, want))
			}
		}
	}
	if pj.Partial == "false" {
		for _, c := range jar {
			if !matched[c] {
				out = append(out, fmt.Sprintf("the browser holds %s, which the panel's jar (not partial) does not show", describeCookie(c)))
			}
		}
	}
	return out
}

// findJarCookie finds the DevTools cookie a panel row shows: the same name,
// and path and domain where the panel knows them.
func findJarCookie(jar []*network.Cookie, pc PanelJarCookie, matched map[*network.Cookie]bool) *network.Cookie {
	for _, c := range jar {
		if matched[c] || c.Name != pc.Name {
			continue
		}
		if p, ok := pc.Known("path"); ok && p != c.Path {
			continue
		}
		if d, ok := pc.Known("domain"); ok && d != c.Domain {
			continue
		}
		if v, ok := pc.Known("value"); ok && v != c.Value {
			continue
		}
		return c
	}
	return nil
}

// jarCell reports DevTools' value of a column and whether the panel's
// value got agrees with it.
func jarCell(c *network.Cookie, col, got string) (string, bool) {
	var want string
	switch col {
	case "value":
		want = c.Value
	case "domain":
		want = c.Domain
	case "path":
		want = c.Path
	case "expires":
		if c.Session {
			return "session", got == "session"
		}
		at := time.Unix(0, int64(c.Expires*1e9)).UTC()
		t, err := time.Parse(time.RFC3339Nano, got)
		return at.Format(time.RFC3339Nano), err == nil && t.Sub(at).Abs() <= expiresSlack
	case "size":
		want = fmt.Sprint(c.Size)
	case "httponly":
		want = fmt.Sprint(c.HTTPOnly)
	case "secure":
		want = fmt.Sprint(c.Secure)
	case "samesite":
		want = string(c.SameSite)
		if got == "lax-or-unset" {
			return want, want == "" || want == "Lax"
		}
	case "partitioned":
		want = fmt.Sprint(c.PartitionKey != nil)
	case "priority":
		want = string(c.Priority)
	}
	return want, got == want
}

func describePanelJar(c PanelJarCookie) string {
	d := c.Name
	if c.Path != "" {
		d += " (Path=" + c.Path + ")"
	}
	return d
}

// markFor is the data-state and mark the panel shows for a verdict.
var markFor = map[step.State][2]string{step.Pass: {"pass", "✓"}, step.Fail: {"fail", "✗"}, step.Undecided: {"undecided", "?"}}

// MarkAgreement checks that the panel marked each check of step n's list
// as the browser's own verdict decides it: the learner's ✓ and ✗ are the
// suite's. On the lesson page the marks are the step's; on a page the
// step's action led to, the list the panel shows there (Page.Away), since
// the checks are about that page. Each string is one disagreement.
func MarkAgreement(v View, n int) []string {
	var checks []PageCheck
	if s, ok := v.Page.Step(n); ok {
		checks = s.Checks
	} else if a := v.Page.Away; a != nil && a.N == n {
		checks = a.Checks
	} else if !v.Page.Panel.Present {
		return nil // a page without the panel: no marks anywhere
	} else {
		return []string{fmt.Sprintf("the page step %d led to (%s) shows no list of its checks", n, v.Page.URL)}
	}
	var out []string
	bv := v.BrowserView()
	for _, c := range checks {
		e, err := step.ParseExpectation(c.Raw)
		if err != nil {
			out = append(out, fmt.Sprintf("check %d %q: %v", c.N, c.Raw, err))
			continue
		}
		d := step.Decide(e, bv)
		if want := markFor[d.State]; c.State != want[0] || c.Mark != want[1] {
			out = append(out, fmt.Sprintf("%q: the panel marks it %s %q (it saw: %s) but the browser's verdict is %s (browser: %s)",
				e.Raw, c.State, c.Mark, c.Saw, want[0], d.Saw))
		}
	}
	return out
}

// SeenAgreement checks that, back on the lesson page, the step whose
// action led away shows the marks decided where it landed (away), and
// says where they were seen. Each string is one disagreement.
func SeenAgreement(away AwayStep, back PageStep) []string {
	var out []string
	if len(back.Checks) != len(away.Checks) {
		return []string{fmt.Sprintf("back on the lesson, step %d lists %d checks; the page it led to, %d", back.N, len(back.Checks), len(away.Checks))}
	}
	for i, c := range back.Checks {
		if a := away.Checks[i]; c.State != a.State || c.Mark != a.Mark {
			out = append(out, fmt.Sprintf("%q: back on the lesson marked %s %q, where the step led %s %q", c.Raw, c.State, c.Mark, a.State, a.Mark))
		}
	}
	if back.When == "" {
		out = append(out, fmt.Sprintf("back on the lesson, step %d does not say where its checks were seen", back.N))
	}
	return out
}
