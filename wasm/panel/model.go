package panel

import "slices"

// SessionCookiesLimit bounds the history of session cookie values kept in
// sessionStorage (cookielab.sessionCookies) for the lessons' replay action.
const SessionCookiesLimit = 10

// Sources of a group of Set-Cookie lines (data-source).
const (
	SourceAction = "action"
	SourcePage   = "page"
)

// Input is everything one render of the panel starts from.
type Input struct {
	Lang           string
	DocumentCookie string
	State          *State    // nil when GET /api/state failed
	Err            string    // why it failed
	PageEcho       *Echo     // #panel[data-echo]: the response that produced this page
	ActionEcho     *Echo     // the echo of the learner's last action, collected by nonce
	Prev           *Snapshot // the previous render's snapshot; nil on the first in this tab
	Timeline       []Event
	SessionCookies []string
	Now            Time // the server's clock, as well as the panel knows it
	Zone           int  // the browser's zone offset, in seconds east of UTC
	// Origin is the page's scheme and host (its Path is unused): every
	// echoed response came from this origin, at the echo's path.
	Origin Request

	PagePath  string        // location.pathname, where the Cookie Store looks
	Store     []StoreCookie // cookieStore.getAll()
	StoreOK   bool          // the Cookie Store API answered (StoreErr says why not)
	StoreErr  string
	Log       []Exchange // the kept exchange log
	Jar       Jar        // the kept jar model
	Mark      *StepMark  // where the last lesson step's action began; nil if none in this tab
	Step      StepContext
	Redirects int // redirects followed before this page (performance's redirectCount)
}

// StepContext is the lesson step on screen, if any.
type StepContext struct {
	Lesson string // the lesson's slug; "" off a lesson page
	N      int
	Read   bool // a read step: nothing to press, its exchanges are the last action's
}

// StepMark is kept (KeyStep) when the learner presses a step's action
// control: the log's last number, the session id and the jar then.
type StepMark struct {
	Lesson    string
	Step      int
	SessionID string
	Jar       Jar // its Seq is the log's last number then
}

// EchoGroup is one response's Set-Cookie lines.
type EchoGroup struct {
	Source string
	Echo   Echo
	Lines  []SetCookie
}

// EventRow is one timeline event and whether it is new since the previous
// render.
type EventRow struct {
	Event
	Change string
	_      [0]func() // not comparable: no equality function in the binary
}

// Model is the panel's view model: what to show, with what changed, plus
// what to keep for the next render.
type Model struct {
	origin Request
	Lang   string
	Err    string
	Now    Time
	Zone   int // seconds east of UTC

	JS        []CookieRow
	Server    []CookieRow
	SetCookie []EchoGroup

	SessionState string // none, anonymous, authenticated
	Session      *Session
	User         *User
	Switches     []string // the lab switches the browser carries (contract.Switch*)
	IDChange     string
	UserChange   string
	Data         []DataRow

	Timeline   []EventRow
	Life       string
	EndedBy    string
	Transition Transition

	JarRows    []JarRow
	JarPartial bool   // the jar may hold cookies the panel cannot see
	StoreErr   string // why the Cookie Store API did not answer
	// StepExchanges are the exchanges of the step on screen (or, off a
	// lesson, of this page); StepRan is false for a step whose action has
	// not run yet.
	StepExchanges []Exchange
	StepRan       bool
	Step          StepContext
	Mark          *StepMark // where the last step's action began (Input.Mark)
	// prevSession is the session id when the step's action began (the
	// mark's), when hasPrev.
	prevSession string
	hasPrev     bool

	// Kept in sessionStorage for the next render. Snapshot is nil when
	// GET /api/state failed: the next render diffs against the last good one.
	Snapshot       *Snapshot
	StoreTimeline  []Event
	SessionCookies []string
	Log            []Exchange
	Jar            Jar
}

// Build computes the view model of one render.
func Build(in Input) Model {
	// A form answered with a page, not a redirect: the page's echo (taken
	// as it was drawn) and the action's (as its header went out) are one
	// exchange, and the action's is the whole of it.
	if a, p := in.ActionEcho, in.PageEcho; a != nil && p != nil && a.Status/100 != 3 && a.Method == p.Method && a.Path == p.Path {
		in.PageEcho = nil
	}
	m := Model{origin: in.Origin, Lang: Lang(in.Lang), Err: in.Err, Now: in.Now, Zone: in.Zone, SessionCookies: in.SessionCookies}
	prev, hasPrev := in.Prev, in.Prev != nil
	if prev == nil {
		prev = &Snapshot{}
	}
	js := ParseDocumentCookie(in.DocumentCookie)
	m.JS = DiffCookies(prev.JS, js, hasPrev)

	var fresh [][]Event
	if in.State != nil {
		fresh = append(fresh, in.State.Events)
	}
	for _, e := range []*Echo{in.PageEcho, in.ActionEcho} {
		if e != nil {
			fresh = append(fresh, e.Events)
		}
	}
	m.StoreTimeline = MergeTimeline(in.Timeline, fresh...)
	old := map[string]bool{}
	for _, e := range in.Timeline {
		old[EventKey(e)] = true
	}
	for _, e := range m.StoreTimeline {
		r := EventRow{Event: e}
		if hasPrev && !old[EventKey(e)] {
			r.Change = Added
		}
		m.Timeline = append(m.Timeline, r)
	}

	for _, g := range []struct {
		source string
		echo   *Echo
	}{{SourceAction, in.ActionEcho}, {SourcePage, in.PageEcho}} {
		if g.echo == nil || (g.source == SourcePage && in.ActionEcho != nil && len(g.echo.SetCookie) == 0) {
			continue // the page's echo adds nothing to an action's unless it set cookies too
		}
		at := g.echo.At
		if at.IsZero() {
			at = in.Now
		}
		eg := EchoGroup{Source: g.source, Echo: *g.echo}
		req := Request{Scheme: in.Origin.Scheme, Host: in.Origin.Host, Path: g.echo.Path}
		for _, line := range g.echo.SetCookie {
			eg.Lines = append(eg.Lines, ParseSetCookie(line, req, at))
		}
		m.SetCookie = append(m.SetCookie, eg)
	}

	m.buildJar(in)
	st := in.State
	if st == nil {
		m.Life, m.EndedBy = prev.Life, prev.EndedBy
		m.Transition = prev.Transition
		return m
	}
	visible := map[string]bool{} // name=value pairs a script sees
	for _, c := range js {
		visible[c.Name+"="+c.Value] = true
	}
	m.Server = DiffCookies(prev.Server, st.Cookies, hasPrev)
	for i := range m.Server {
		r := &m.Server[i]
		r.HttpOnly = r.Change != Removed && !visible[r.Name+"="+r.Value]
		if i < len(st.Cookies) { // DiffCookies keeps the order, ghosts last
			r.Sent = st.Cookies[i]
		}
	}

	m.SessionState = SessionState(st)
	m.Session, m.Switches = st.Session, st.Switches
	if st.Authenticated {
		m.User = st.User
	}
	snap := &Snapshot{JS: js, Server: st.Cookies}
	if s := st.Session; s != nil {
		snap.SessionID, snap.SessionCookie, snap.Data = s.ID, s.Cookie, s.Data
		if s.Cookie != "" && !slices.Contains(m.SessionCookies, s.Cookie) {
			m.SessionCookies = append(slices.Clone(m.SessionCookies), s.Cookie)
			if n := len(m.SessionCookies); n > SessionCookiesLimit {
				m.SessionCookies = m.SessionCookies[n-SessionCookiesLimit:]
			}
		}
	}
	if m.User != nil {
		snap.User = m.User.Username
	}
	m.IDChange = DiffValue(prev.SessionID, snap.SessionID, hasPrev)
	m.UserChange = DiffValue(prev.User, snap.User, hasPrev)
	m.Data = DiffData(prev.Data, snap.Data, hasPrev)

	m.Life, m.EndedBy = Life(st, m.StoreTimeline)
	m.Transition = NextTransition(in.Prev, in.Timeline, m.StoreTimeline, m.Life)
	snap.Life, snap.EndedBy, snap.Transition = m.Life, m.EndedBy, m.Transition
	m.Snapshot = snap
	return m
}

// buildJar logs the fresh exchanges, updates the jar model with them and
// with what the page sees now, and picks the exchanges of the step on
// screen.
func (m *Model) buildJar(in Input) {
	var fresh []Exchange
	if e := in.PageEcho; e != nil {
		// The redirects the panel has no echo of: the action's own (a
		// POST's 303) is one the browser followed to get here.
		r := in.Redirects
		if a := in.ActionEcho; a != nil && a.Status/100 == 3 && r > 0 {
			r--
		}
		fresh = append(fresh, Exchange{Source: SourcePage, Echo: *e, Redirects: r})
	}
	if e := in.ActionEcho; e != nil {
		fresh = append(fresh, Exchange{Source: SourceAction, Echo: *e})
	}
	var now *Echo // GET /api/state's own exchange, with what it received
	if st := in.State; st != nil && st.Response != nil {
		r := *st.Response
		r.Cookies = st.Cookies
		now = &r
		if worthLogging(now) {
			fresh = append(fresh, Exchange{Source: SourceState, Echo: r})
		}
	}
	var added []Exchange
	m.Log, added = AppendExchanges(in.Log, fresh)
	apply := added
	if now != nil && !worthLogging(now) {
		apply = append(apply, Exchange{Source: SourceState, Echo: *now})
	}
	m.Jar = UpdateJar(in.Jar, JarInput{Origin: in.Origin, PagePath: in.PagePath, New: apply,
		Store: in.Store, StoreOK: in.StoreOK, Now: in.Now})
	m.Jar.Seq = LastSeq(m.Log)
	m.JarPartial = m.Jar.Partial || !in.StoreOK || in.State == nil
	m.StoreErr = in.StoreErr

	before, hasBefore := &in.Jar, in.Prev != nil
	if in.Mark != nil {
		before, hasBefore = &in.Mark.Jar, true
	}
	m.JarRows = DiffJar(*before, m.Jar, hasBefore)

	m.Step, m.Mark = in.Step, in.Mark
	mark := in.Mark
	thisLesson := mark != nil && mark.Lesson == in.Step.Lesson && in.Step.Lesson != ""
	switch {
	case in.Step.Lesson == "" && mark != nil,
		thisLesson && (mark.Step == in.Step.N || in.Step.Read):
		m.StepExchanges, m.StepRan = Since(m.Log, mark.Jar.Seq), true
		m.prevSession, m.hasPrev = mark.SessionID, true
	case in.Step.Lesson == "" || in.Step.Read:
		// This page's exchanges: the page's own and what led to it.
		first := LastSeq(m.Log) + 1
		for _, x := range m.Log {
			if x.Source == SourcePage && in.PageEcho != nil && exchangeKey(x.Echo) == exchangeKey(*in.PageEcho) {
				first = x.Seq
			}
			if x.Source == SourceAction && in.ActionEcho != nil && exchangeKey(x.Echo) == exchangeKey(*in.ActionEcho) && x.Seq < first {
				first = x.Seq
			}
		}
		m.StepExchanges, m.StepRan = Since(m.Log, first-1), true
	}
}

// maxShown bounds the exchanges drawn at once.
const maxShown = 8
