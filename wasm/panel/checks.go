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
