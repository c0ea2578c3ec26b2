package panel

// Life-cycle states of this browser's session, as the diagram shows them.
const (
	LifeNone          = "none"          // no session, and none has ended
	LifeAnonymous     = "anonymous"     // a session with no user
	LifeAuthenticated = "authenticated" // a session logged in as a user
	LifeEnded         = "ended"         // the last session ended (see EndedBy*)
)

// How a session ended.
const (
	EndedByLogout    = "logout"    // destroyed
	EndedByExpiry    = "expiry"    // expired
	EndedByRejection = "rejection" // rejected: bad signature, unknown id, …
)

// SessionState is the session section's state: none, anonymous or
// authenticated (never ended: that is the diagram's business).
func SessionState(st *State) string {
	switch {
	case st == nil || (st.Session == nil && !st.Authenticated):
		return LifeNone
	case st.Authenticated:
		return LifeAuthenticated
	default:
		return LifeAnonymous
	}
}

// Life is the life-cycle state: the session's state while there is one;
// with no session, ended when the newest event of the timeline (newest
// first) ended a session, none otherwise.
func Life(st *State, timeline []Event) (life, endedBy string) {
	if s := SessionState(st); s != LifeNone {
		return s, ""
	}
	if len(timeline) > 0 {
		switch timeline[0].Kind {
		case evDestroyed:
			return LifeEnded, EndedByLogout
		case evExpired:
			return LifeEnded, EndedByExpiry
		case evRejected:
			return LifeEnded, EndedByRejection
		}
	}
	return LifeNone, ""
}

// Transition is the last move between life-cycle states, and the event
// that caused it when one is known. From is "" when unknown (the first
// render in this tab after an event that can follow several states).
type Transition struct {
	From, To string
	Via      string // event kind
	Reason   string
	At       Time
	_        [0]func() // not comparable: no equality function in the binary
}

// NextTransition works out the last transition for the current life-cycle
// state, given the previous snapshot (nil on the first render in this tab),
// the timeline it was rendered with and the current timeline (newest first).
// With no change of state and no new event the previous transition stands.
func NextTransition(prev *Snapshot, prevTimeline, timeline []Event, life string) Transition {
	var newest *Event
	if len(timeline) > 0 && (len(prevTimeline) == 0 || EventKey(timeline[0]) != EventKey(prevTimeline[0])) {
		newest = &timeline[0]
	}
	t := Transition{To: life}
	switch {
	case prev != nil && prev.Life != "":
		if prev.Life == life && newest == nil {
			return prev.Transition
		}
		t.From = prev.Life
	case newest == nil:
		return Transition{}
	default:
		switch newest.Kind {
		case evCreated:
			t.From = LifeNone
		case evRotated:
			t.From = LifeAnonymous
		case evDestroyed:
			t.From = LifeAuthenticated
		}
	}
	if newest != nil {
		t.Via, t.Reason, t.At = newest.Kind, newest.Reason, newest.At
	}
	return t
}
