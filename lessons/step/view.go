package step

import "strings"

// Part names one part of what an observer may see after a step.
type Part uint16

const (
	SeesScript    Part = 1 << iota // document.cookie
	SeesReceived                   // the Cookie header the server received on the last request
	SeesJar                        // every cookie the browser holds for the site
	SeesSetCookie                  // the Set-Cookie lines of this step's responses
	SeesSession                    // the server's account of this browser's session
	SeesEvents                     // the session events this step's responses caused
	SeesPrev                       // the session id just before this step's action
	SeesPage                       // the page outside the panel: address, text, greeting, result
)

var partNames = []string{"document.cookie", "the Cookie header the server received", "the browser's jar",
	"this step's Set-Cookie lines", "the server's session", "this step's session events",
	"the session id before this step", "the page"}

// String names the parts, for messages.
func (p Part) String() string {
	var names []string
	for i, n := range partNames {
		if p&(1<<i) != 0 {
			names = append(names, n)
		}
	}
	return strings.Join(names, ", ")
}

// View is what one observer knows after a step: the learner's panel, from
// what a page can learn, or the browser suite, from DevTools and the
// server's answers. A part it cannot see is left out of Sees, and a check
// that needs it says "unknown" rather than guessing.
type View struct {
	Sees Part

	Script   []Pair      // document.cookie, in order
	Received []Pair      // the Cookie header of the last request the server got
	Jar      []JarCookie // every cookie the browser holds for the site
	// JarPartial: the observer knows only the cookies this page can see;
	// the jar may hold others (for other paths).
	JarPartial bool

	SetCookie []SetLine // the Set-Cookie lines of this step's responses, in order

	Session       *Session // nil: no session
	PrevSessionID string   // "" when there was none
	Events        []Event  // the session events this step's responses caused

	Page Page

	// SessionCookie is the session cookie's name; "" means "sessionid".
	SessionCookie string
}

// Pair is one name=value of document.cookie or a Cookie header.
type Pair struct{ Name, Value string }

// Tri is a yes/no that an observer may not know.
type Tri uint8

const (
	Unknown Tri = iota
	No
	Yes
)

// TriOf turns a bool into a known Tri.
func TriOf(b bool) Tri {
	if b {
		return Yes
	}
	return No
}

// JarCookie is one cookie in the browser's jar, as far as the observer
// knows its attributes.
type JarCookie struct {
	Name, Value string
	Path        string // "" when unknown
	HttpOnly    Tri
	Secure      Tri
	Persistent  Tri    // No: a session cookie (no expiry)
	SameSite    string // "Lax", "Strict", "None"; "" when unset or unknown
	// SameSiteUnknown: the observer does not know SameSite (not: unset).
	SameSiteUnknown bool
}

// SetLine is one Set-Cookie line as the observer reads it.
type SetLine struct {
	Name  string
	Op    string // OpSet, OpDelete, or what sets nothing: OpIgnore, OpReject
	Where string // the response it came in, e.g. "POST /login → 303"
}

// Set-Cookie line outcomes.
const (
	OpSet    = "set"
	OpDelete = "delete"
	OpIgnore = "ignore" // not a cookie line a browser stores (no name=value)
	OpReject = "reject" // a cookie line the browser refuses (size, prefix, Secure, Domain)
)

// Session is the server's account of the browser's session.
type Session struct {
	ID   string
	User string // "" when anonymous
	Data map[string]string
}

// Event is one session event (the kinds and reasons of package contract).
type Event struct{ Kind, Reason string }

// What `page shows` reads, one definition for the panel and the browser
// suite (both read the DOM with these selectors): on the lesson page, only
// the visible text of the step's own result area (StepShows, inside the
// step) and of the header's greeting (GreetingShows: a login in the step
// changes it), in that order, so that the lesson's words (the step's
// text, the intro, a diagram) never pass a check; on a page a step's
// action led to, that page's visible text. Text
// inside TextSkip is never read: the panel, the lists of checks (they hold
// the expectations' own words), the way back to the lesson (it names the
// step) and what is not text.
const (
	StepShows     = "[data-result]"
	GreetingShows = "header [data-user]"
	TextSkip      = "#panel, [data-checks], [data-back-to-step], script, style, noscript, template"
)

// Page is what the learner sees outside the panel.
type Page struct {
	URL      string // path and query
	Text     string // visible text, spaces collapsed (see StepShows and TextSkip)
	Greeting string // the header's data-user: a username, "" when it offers Log in
	Greets   bool   // the header has a greeting element at all
	Result   string // this step's result text
}

func (v *View) sessionCookie() string {
	if v.SessionCookie == "" {
		return "sessionid"
	}
	return v.SessionCookie
}

// jarNamed returns the jar's cookies of that name (several paths may hold one).
func (v *View) jarNamed(name string) []JarCookie {
	var out []JarCookie
	for _, c := range v.Jar {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

func hasPair(ps []Pair, name string) bool {
	for _, p := range ps {
		if p.Name == name {
			return true
		}
	}
	return false
}

func pairNames(ps []Pair) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	return orNone(strings.Join(names, ", "))
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// Squash collapses runs of white space to one space and trims the ends,
// as page and result texts are compared.
func Squash(s string) string { return strings.Join(strings.Fields(s), " ") }
