//go:build !js

// Package expect checks a lesson step's expectations (the `expect:` lines of
// lessons/README.md) in two places: what the learner is shown (the page and
// the panel, read from the DOM) and what the browser really holds (its cookie
// jar with every attribute, the raw request and response headers, and the
// server's own account of the session). A check passes only when every place
// agrees with the expectation; when they disagree with each other, the
// message says so.
package expect

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/chromedp/cdproto/network"

	"cookielab/e2e/browser"
	"cookielab/lessons/step"
	"cookielab/wasm/state"
)

// SnapshotJS evaluates, in the page, to a JSON string that decodes into
// Page. It reads the page's text with package step's selectors.
var SnapshotJS = strings.NewReplacer("__TEXT_SKIP__", step.TextSkip, "__STEP_SHOWS__", step.StepShows,
	"__GREETING_SHOWS__", step.GreetingShows).Replace(snapshotSrc)

//go:embed snapshot.js
var snapshotSrc string

// Page is what the learner is shown, read from the DOM.
type Page struct {
	URL            string     `json:"url"` // path and query
	Lang           string     `json:"lang"`
	Theme          string     `json:"theme"`
	Title          string     `json:"title"`
	Heading        string     `json:"heading"` // the main h1
	Text           string     `json:"text"`    // the page's visible text outside the panel and the lists of checks
	HasUser        bool       `json:"hasUser"` // the header has a greeting element
	User           string     `json:"user"`    // its data-user: a username, "" when anonymous
	DocumentCookie string     `json:"documentCookie"`
	Steps          []PageStep `json:"steps"`
	// Away is the list of checks the panel shows off the lesson page, on
	// the page a step's action led to; nil when there is none.
	Away  *AwayStep `json:"away"`
	Panel Panel     `json:"panel"`
}

// AwayStep is the [data-away-step] list: the checks of the step whose
// action led to this page, decided here.
type AwayStep struct {
	Lesson string      `json:"lesson"`
	N      int         `json:"n"`
	Title  string      `json:"title"`
	When   string      `json:"when"`
	Checks []PageCheck `json:"checks"`
}

// Step returns the lesson step n as drawn on the page.
func (p *Page) Step(n int) (PageStep, bool) {
	for _, s := range p.Steps {
		if s.N == n {
			return s, true
		}
	}
	return PageStep{}, false
}

// PageStep is one [data-step] element.
type PageStep struct {
	N      int         `json:"n"`
	Title  string      `json:"title"`
	Kind   string      `json:"kind"`   // its [data-action]
	Result string      `json:"result"` // its [data-result] text
	Shown  string      `json:"shown"`  // the visible text of its result area and the header's greeting (step.StepShows, step.GreetingShows): what `page shows` reads here
	Checks []PageCheck `json:"checks"` // its list of checks, as the panel marked them
	When   string      `json:"when"`   // its [data-checks-when] line: not done yet, or where the checks were seen
}

// PageCheck is one li[data-check] of a step's list of checks.
type PageCheck struct {
	N     int    `json:"n"`
	State string `json:"state"` // data-state: pending (not decided yet), pass, fail or undecided
	Mark  string `json:"mark"`  // the visible mark: ✓, ✗, ? or · (pending)
	Saw   string `json:"saw"`   // data-saw: what the panel saw, in English
	Raw   string `json:"raw"`   // the expectation as written (its code.raw)
}

// Panel is #panel, read through its DOM contract.
type Panel struct {
	Present         bool           `json:"present"`
	Ready           string         `json:"ready"` // data-ready: counts renders
	Error           string         `json:"error"` // data-error: why GET /api/state failed
	Lang            string         `json:"lang"`
	Text            string         `json:"text"`
	Sections        []string       `json:"sections"`
	JSCookies       []PanelCookie  `json:"jsCookies"`
	ServerCookies   []PanelCookie  `json:"serverCookies"`
	SetCookieSource string         `json:"setCookieSource"`
	SetCookie       []PanelSetLine `json:"setCookie"`
	Session         PanelSession   `json:"session"`
	Timeline        []PanelEvent   `json:"timeline"`
	Jar             PanelJar       `json:"jar"`
	Exchange        PanelExchange  `json:"exchange"`
}

// PanelJar is the jar section.
type PanelJar struct {
	Present bool             `json:"present"`
	Partial string           `json:"partial"` // data-partial
	Cookies []PanelJarCookie `json:"cookies"`
	Removed []string         `json:"removed"` // ghosts of cookies gone since the step began
}

// PanelJarCookie is one li[data-cookie] of the jar: its cells by column.
type PanelJarCookie struct {
	Name   string               `json:"name"`
	Domain string               `json:"domain"`
	Path   string               `json:"path"`
	Change string               `json:"change"`
	Cells  map[string]PanelCell `json:"cells"`
}

// Known returns the cell's value and whether the panel claims to know it.
func (c PanelJarCookie) Known(col string) (string, bool) {
	cell, ok := c.Cells[col]
	if !ok || cell.Source == "" || cell.Source == "unknown" {
		return "", false
	}
	return cell.Value, true
}

// PanelCell is one dd[data-col] of a jar cookie.
type PanelCell struct {
	Source string `json:"source"`
	Value  string `json:"value"`
	Change string `json:"change"`
}

// PanelExchange is the exchange section.
type PanelExchange struct {
	Present bool                `json:"present"`
	Step    string              `json:"step"`
	Ran     string              `json:"ran"`
	Items   []PanelExchangeItem `json:"items"`
	SVG     bool                `json:"svg"`
}

// PanelExchangeItem is one li[data-exchange].
type PanelExchangeItem struct {
	Seq      string `json:"seq"`
	Source   string `json:"source"`
	Method   string `json:"method"`
	Path     string `json:"path"`
	Status   string `json:"status"`
	Location string `json:"location"`
	Sent     []struct {
		Name    string `json:"name"`
		Value   string `json:"value"`
		NetHTTP string `json:"netHTTP"`
	} `json:"sent"`
	Got []struct {
		Name string `json:"name"`
		Op   string `json:"op"`
	} `json:"got"`
	Events []PanelEvent `json:"events"`
}

// PanelCookie is a li[data-cookie] of js-cookies or server-cookies.
type PanelCookie struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	HTTPOnly string `json:"httponly"` // "true", "false" or "" (js-cookies)
	Change   string `json:"change"`
}

// PanelSetLine is a li of the set-cookie section.
type PanelSetLine struct {
	Name   string `json:"name"`
	Op     string `json:"op"` // set, delete, ignore or reject
	Source string `json:"source"`
	Reason string `json:"reason"`
	Text   string `json:"text"`
	Attrs  []struct {
		Name   string `json:"name"`
		Status string `json:"status"`
		Reason string `json:"reason"`
	} `json:"attrs"`
}

// PanelSession is the session section.
type PanelSession struct {
	Present bool      `json:"present"`
	State   string    `json:"state"` // none, anonymous or authenticated
	ID      string    `json:"id"`
	User    string    `json:"user"`
	Data    []DataRow `json:"data"`
}

// DataRow is one [data-key] row of the session record.
type DataRow struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// PanelEvent is a li of the timeline.
type PanelEvent struct {
	Event  string `json:"event"`
	Reason string `json:"reason"`
	ID     string `json:"id"`
	At     string `json:"at"` // its time's datetime (RFC 3339)
}

// ParsePage decodes SnapshotJS's value.
func ParsePage(s string) (*Page, error) {
	var p Page
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		return nil, fmt.Errorf("decode the page snapshot: %w", err)
	}
	return &p, nil
}

// Browser is what the browser really holds, read through DevTools.
type Browser struct {
	URL string // the tab's URL, path and query (from the navigation history)

	Jar []*network.Cookie // every cookie of the tab's browser context

	// LastRequest is the last request the page made to the site (static
	// files aside), with the Cookie header it carried.
	LastRequest *browser.Exchange
	// Action holds every response (redirect hops included) since the step's
	// action began, with their raw Set-Cookie lines.
	Action []browser.Exchange
	// History holds every exchange of the tab so far.
	History []browser.Exchange

	// State is GET /api/state fetched by the page itself just now: what the
	// server makes of this browser's cookies. StateErr says why it is nil.
	State    *state.State
	StateErr string
}

// View is everything a step's checks look at.
type View struct {
	Step    int // the step being checked, for `result shows`
	Page    *Page
	Browser *Browser
	Prev    Prev
	// SessionCookie is the session cookie's name; "" means "sessionid".
	SessionCookie string
}

func (v View) sessionCookieName() string {
	if v.SessionCookie == "" {
		return "sessionid"
	}
	return v.SessionCookie
}

// Prev is what was seen just before the step's action: the session id
// `session-id changed|same` compares with, and the server's clock then,
// from which the panel's timeline shows this step's events.
type Prev struct {
	PanelSessionID  string    // the panel's data-session-id
	ServerSessionID string    // /api/state's session.id
	ServerNow       time.Time // /api/state's now
}

// Now returns what the next step's checks compare with.
func (v View) Now() Prev {
	p := Prev{PanelSessionID: v.Page.Panel.Session.ID}
	if st := v.Browser.State; st != nil {
		p.ServerNow = st.Now
		if st.Session != nil {
			p.ServerSessionID = st.Session.ID
		}
	}
	return p
}
