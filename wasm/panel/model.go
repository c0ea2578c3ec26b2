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
}

// Model is the panel's view model: what to show, with what changed, plus
// what to keep for the next render.
type Model struct {
	Lang string
	Err  string
	Now  Time
	Zone int // seconds east of UTC

	JS        []CookieRow
	Server    []CookieRow
	SetCookie []EchoGroup

	SessionState string // none, anonymous, authenticated
	Session      *Session
	User         *User
	IDChange     string
	UserChange   string
	Data         []DataRow

	Timeline   []EventRow
	Life       string
	EndedBy    string
	Transition Transition

	// Kept in sessionStorage for the next render. Snapshot is nil when
	// GET /api/state failed: the next render diffs against the last good one.
	Snapshot       *Snapshot
	StoreTimeline  []Event
	SessionCookies []string
}

// Build computes the view model of one render.
func Build(in Input) Model {
	m := Model{Lang: Lang(in.Lang), Err: in.Err, Now: in.Now, Zone: in.Zone, SessionCookies: in.SessionCookies}
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

	st := in.State
	if st == nil {
		m.Life, m.EndedBy = prev.Life, prev.EndedBy
		m.Transition = prev.Transition
		return m
	}
	visible := map[Cookie]bool{}
	for _, c := range js {
		visible[c] = true
	}
	m.Server = DiffCookies(prev.Server, st.Cookies, hasPrev)
	for i := range m.Server {
		r := &m.Server[i]
		r.HttpOnly = r.Change != Removed && !visible[Cookie{Name: r.Name, Value: r.Value}]
	}

	m.SessionState = SessionState(st)
	m.Session = st.Session
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
