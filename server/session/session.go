package session

import (
	"maps"
	"slices"
	"sync"
	"time"

	"cookielab/wasm/contract"
	"cookielab/wasm/state"
)

// Session is one request's handle on its session. Reads and writes go to
// an in-memory copy; Commit (or the first byte of the response) decides
// what reaches the store and the cookie. A handler normally uses it from
// one goroutine, but it is locked anyway so a stray goroutine cannot race.
type Session struct {
	m  *Manager
	mu sync.Mutex

	stored *Record           // the record as this request knows it; nil when none is stored. Its Data is unused: see data.
	loaded Record            // the record as loaded, where stored points until a commit replaces it (one allocation fewer)
	data   map[string]string // the working data, owned by this Session
	lent   bool              // data was lent out (Describe): copy it before changing it
	user   string            // the working user id; "" anonymous
	// cookie is the session cookie value the browser holds once this
	// response is sent, as far as it has decided so far: as received, as
	// set, or "" when it holds none or the response clears it.
	cookie string

	change change // what the next commit must do
	// shiftCreated and shiftLastSeen move the record's times back at the
	// next commit (Shift, ShiftStart).
	shiftCreated, shiftLastSeen time.Duration
	endReason                   string // why the pending end ends the session: the destroyed event's reason
	observing                   bool   // Observe: only looking, so an unchanged session's idle clock stays put

	events []state.Event // this request's events
	err    error         // sticky: once a commit failed, later commits report the same
}

// change is what the next commit must do with the session. It is one value
// so that only the combinations listed here can be asked for; the handle's
// methods move it along (put, renewed) and each commit settles it.
type change uint8

const (
	unchanged change = iota // nothing asked: a stored session's idle clock moves, unless observing
	settled                 // committed, nothing asked since: the next commit does nothing
	write                   // the data changed: update the record, or create one if there is data
	renew                   // a new id, data kept: rotate the record, or create one
	end                     // delete the record and expire the cookie (Flush, Destroy)
	endWrite                // end, then a new session if data was put since (Flush, then Put)
	endRenew                // end, then a new session even if empty (Flush, then Renew)
)

// put is the change after a Put or a Delete that changed the data.
func (c change) put() change {
	switch c {
	case unchanged, settled:
		return write
	case end:
		return endWrite
	}
	return c // write, renew, endWrite and endRenew already save the data
}

// renewed is the change after a Renew.
func (c change) renewed() change {
	switch c {
	case end, endWrite, endRenew:
		return endRenew
	}
	return renew
}

// ends reports whether the commit deletes the stored record first.
func (c change) ends() bool { return c == end || c == endWrite || c == endRenew }

// then is what the commit does after the end (or instead of one): write,
// renew, or settled when nothing is to be saved.
func (c change) then() change {
	switch c {
	case endWrite:
		return write
	case endRenew:
		return renew
	case end:
		return settled
	}
	return c
}

// ID returns the stored session's id, or "" when none is stored yet.
func (s *Session) ID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stored == nil {
		return ""
	}
	return s.stored.ID
}

// Exists reports whether a stored session backs this request.
func (s *Session) Exists() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stored != nil
}

// Created returns when the stored session was created, or the zero time
// when none is stored.
func (s *Session) Created() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stored == nil {
		return time.Time{}
	}
	return s.stored.Created
}

// CookieValue returns the signed cookie value that carries the stored
// session (as received, or as set by this response), or "".
func (s *Session) CookieValue() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stored == nil {
		return ""
	}
	return s.cookie
}

// Get returns the value stored under key.
func (s *Session) Get(key string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.data[key]
	return v, ok
}

// Put stores value under key. On an anonymous request this is what creates
// the session (at commit): reading alone never does.
func (s *Session) Put(key, value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.own()
	s.data[key] = value
	s.change = s.change.put()
}

// Delete removes key. Removing the last key keeps the (empty) session: only
// Flush and Destroy end one.
func (s *Session) Delete(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.data[key]; ok {
		s.own()
		delete(s.data, key)
		s.change = s.change.put()
	}
}

// SetUser records which user the session belongs to ("" for none), so the
// store can list a user's sessions. The auth system calls it at login; the
// session package knows nothing of how auth keeps the user in the data.
// Like Put, it is a change saved at commit, and Flush clears it.
func (s *Session) SetUser(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.user != id {
		s.user = id
		s.change = s.change.put()
	}
}

// User returns the user id set by SetUser (or loaded with the session).
func (s *Session) User() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.user
}

// Data returns a copy of the session data.
func (s *Session) Data() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cloneData(s.data)
}

// Observe marks this request as one that only looks at the session, such
// as the panel's GET /api/state: it is not activity, so it does not move
// the idle clock. Otherwise a page that watches its session would keep it
// alive for ever. Changes made afterwards are still saved.
func (s *Session) Observe() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.observing = true
}

// Renew gives the session a new id at commit, keeping its data and history
// and deleting the old record: what login does against session fixation.
// Without a stored session it creates one.
func (s *Session) Renew() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.change = s.change.renewed()
}

// Flush is Django's session.flush(): the data is emptied now, and at commit
// the record is deleted and the cookie expired. A later Put or Renew in the
// same request starts a brand-new session with a new id. The destroyed
// event carries no reason; End says why.
func (s *Session) Flush() { s.End("") }

// End is Flush with the reason its destroyed event carries (one of
// package contract's: a logout, a login as another user, a changed
// password), so that the learner is told why the session ended.
func (s *Session) End(reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data, s.user = map[string]string{}, ""
	s.change, s.endReason = end, reason
}

// Destroy ends the session as a logout does: End(contract.ReasonLogout).
// Like Flush, a later Put in the same request starts a new session.
func (s *Session) Destroy() { s.End(contract.ReasonLogout) }

// Events returns the events this request recorded so far, load-time
// rejections and expiries included.
func (s *Session) Events() []state.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.events)
}

// History returns the stored session's event history (newest MaxEvents,
// carried over on rotation), or nil when no session is stored.
func (s *Session) History() []state.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stored == nil {
		return nil
	}
	return slices.Clone(s.stored.Events)
}

func (s *Session) record(kind string, at time.Time, id, prev, reason string) state.Event {
	ev := state.Event{Kind: kind, At: at, ID: id, PrevID: prev, Reason: reason}
	s.events = append(s.events, ev)
	return ev
}

// lend returns data for a caller that only reads it, until the next change.
func (s *Session) lend() map[string]string {
	if s.data == nil {
		s.data = map[string]string{} // reported as {}, as a copy would be
	}
	s.lent = true
	return s.data
}

// own makes data this Session's alone again before a change, if it was lent.
func (s *Session) own() {
	if s.lent {
		s.data, s.lent = maps.Clone(s.data), false
	}
}

func cloneData(d map[string]string) map[string]string {
	if d == nil {
		return map[string]string{}
	}
	return maps.Clone(d)
}
