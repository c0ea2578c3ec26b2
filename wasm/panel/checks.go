package panel

import "cookielab/lessons/step"

// The learner sees the checks: the panel decides each expectation of the
// lesson step on screen with package step's own code, the code the browser
// suite runs, on what the panel knows (CheckView), and marks each of the
// step's li[data-check] pass, fail or undecided.

// CheckedEvent is dispatched on document when every check of a step holds
// after its action ran (a read step: while it is shown), with detail
// {lesson, step, ok}; ok is false when the step ran and a check does not
// hold. lesson.js records progress from it.
const CheckedEvent = "cookielab:checked"

// CheckView is what the panel knows, as package step reads it: the jar
// model, this step's exchanges (only when its action ran), the session,
// and the page as the glue read it.
func (m *Model) CheckView(page step.Page, sessionCookie string) *step.View {
	v := &step.View{Sees: step.SeesScript | step.SeesJar | step.SeesPage, Page: page, SessionCookie: sessionCookie,
		JarPartial: m.JarPartial}
	for _, r := range m.JS {
		if r.Change != Removed {
			v.Script = append(v.Script, step.Pair{Name: r.Name, Value: r.Value})
		}
	}
	for _, k := range m.Jar.Cookies {
		v.Jar = append(v.Jar, stepCookie(k))
	}
	if m.StepRan {
		v.Sees |= step.SeesSetCookie | step.SeesEvents
		for _, x := range m.StepExchanges {
			for _, c := range m.readLines(x) {
				v.SetCookie = append(v.SetCookie, step.SetLine{Name: c.Cookie.Name, Op: c.Op, Where: m.exchangeLine(x)})
			}
			for _, e := range x.Echo.Events {
				v.Events = append(v.Events, step.Event{Kind: e.Kind, Reason: e.Reason})
			}
		}
	}
	if m.hasPrev {
		v.Sees |= step.SeesPrev
		v.PrevSessionID = m.prevSession
	}
	if m.Err != "" {
		return v
	}
	v.Sees |= step.SeesReceived | step.SeesSession
	for _, r := range m.Server {
		if r.Change != Removed {
			v.Received = append(v.Received, step.Pair{Name: r.Name, Value: r.Value})
		}
	}
	if s := m.Session; s != nil {
		v.Session = &step.Session{ID: s.ID, Data: s.Data}
		if m.User != nil {
			v.Session.User = m.User.Username
		}
	}
	return v
}

// stepCookie is a model cookie as package step reads it: what no source
// told is Unknown.
func stepCookie(k KnownCookie) step.JarCookie {
	c := step.JarCookie{Name: k.Name, Value: k.Value}
	tri := func(col int, b bool) step.Tri {
		if k.Src[col] == "" {
			return step.Unknown
		}
		return step.TriOf(b)
	}
	if k.Src[ColPath] != "" {
		c.Path = k.Path
	}
	c.HttpOnly, c.Secure, c.Persistent = tri(ColHttpOnly, k.HttpOnly), tri(ColSecure, k.Secure), tri(ColExpires, k.Persistent)
	c.SameSite, c.SameSiteUnknown = k.SameSite, k.Src[ColSameSite] == "" || k.LaxOrUnset
	if c.SameSiteUnknown {
		c.SameSite = ""
	}
	return c
}

// Verdict states as data-state writes them, and their marks.
var (
	verdictState = [...]string{step.Undecided: "undecided", step.Pass: "pass", step.Fail: "fail"}
	verdictMark  = [...]string{step.Undecided: "?", step.Pass: "✓", step.Fail: "✗"}
)

// Pending is the state (and PendingMark the mark) of a check not decided
// yet: its step has an action and the action has not run.
const (
	Pending     = "pending"
	PendingMark = "·"
)

// PendingChecks is n checks not decided yet.
func PendingChecks(n int) []CheckResult {
	out := make([]CheckResult, n)
	for i := range out {
		out[i] = CheckResult{State: Pending, Mark: PendingMark}
	}
	return out
}

// CheckResult is one expectation's verdict as the page shows it.
type CheckResult struct {
	State, Mark, Saw string
}

// DecideChecks decides a step's expectations (its data-expect lines) on v.
// ok reports whether every one holds (true for a step with none).
func DecideChecks(lines []string, v *step.View) (out []CheckResult, ok bool) {
	ok = true
	for _, line := range lines {
		var d step.Verdict
		if e, err := step.ParseExpectation(line); err != nil {
			d = step.Verdict{State: step.Fail, Saw: err.Error()}
		} else {
			d = step.Decide(e, v)
		}
		ok = ok && d.State == step.Pass
		out = append(out, CheckResult{State: verdictState[d.State], Mark: verdictMark[d.State], Saw: d.Saw})
	}
	return out, ok
}

// Settled reports whether the step on screen has run (its action, or a
// read step shown), so its verdict may be announced (CheckedEvent).
func (m *Model) Settled() bool { return m.StepRan && m.Step.Lesson != "" }

// KeyAway is the sessionStorage key of the step whose action left the
// lesson page (Away): lesson.js writes it when the action begins, the
// first page the action lands on decides the step's checks and keeps the
// verdicts in it, and the lesson page shows them when the learner comes
// back.
const KeyAway = "cookielab.away"

// Away is a step whose action leaves the lesson page (visit, press, forge,
// a post whose answer is a page): its checks are about the page it lands
// on, so that page decides them, as the browser suite does.
type Away struct {
	Lesson, Title, SessionCookie string
	Step                         int
	Expect, Says                 []string // the step's data-expect lines and their words
	// Skip counts the pages the action passes before the one that answers
	// (a press step's page with the button to press).
	Skip int
	Seen *Seen // nil until a page decided
}

// Seen is what the page the action landed on decided.
type Seen struct {
	URL     string // that page's path and query
	OK      bool
	Results []CheckResult
}

// DecodeAway converts what lesson.js (and this page) kept; nil when none.
func DecodeAway(v Value) *Away {
	if v.Kind() != Object || str(v, "lesson") == "" {
		return nil
	}
	a := &Away{Lesson: str(v, "lesson"), Title: str(v, "title"), SessionCookie: str(v, "sessionCookie"),
		Step: int(num(v, "step")), Expect: DecodeStrings(v.Get("expect")), Says: DecodeStrings(v.Get("says")), Skip: int(num(v, "skip"))}
	if s := v.Get("seen"); s.Kind() == Object {
		a.Seen = &Seen{URL: str(s, "url"), OK: boolean(s, "ok")}
		each(s.Get("results"), func(r Value) {
			a.Seen.Results = append(a.Seen.Results, CheckResult{State: str(r, "state"), Mark: str(r, "mark"), Saw: str(r, "saw")})
		})
		if len(a.Seen.Results) != len(a.Expect) {
			a.Seen = nil // not this step's verdicts: decide nothing from them
		}
	}
	return a
}

// DecidesHere reports whether a page off the lesson decides a's checks:
// none decided them yet, no page is left to pass, and the step's action
// is the last one begun (mark), so the exchanges since the mark are its.
func (a *Away) DecidesHere(mark *StepMark) bool {
	return a != nil && a.Seen == nil && a.Skip <= 0 && mark != nil && mark.Lesson == a.Lesson && mark.Step == a.Step
}

// SeenFor returns the verdicts kept for the step on screen, if a page its
// action landed on decided them.
func (a *Away) SeenFor(s StepContext) *Seen {
	if a == nil || a.Seen == nil || a.Lesson != s.Lesson || a.Step != s.N || s.Lesson == "" {
		return nil
	}
	return a.Seen
}
