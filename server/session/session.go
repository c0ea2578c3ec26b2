package session

import (
	"maps"
	"slices"
	"sync"
	"time"

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
	data   map[string]string // the working data, owned by this Session
	cookie string            // the signed value the browser holds for stored

	clientHas bool // the browser holds a session cookie, as far as this response has decided
	modified  bool // Put/Delete changed data since the last commit
	renew     bool // Renew since the last commit
	ending    bool // Flush/Destroy since the last commit
	touched   bool // the idle clock was already moved by this request

	events []state.Event // this request's events

	err     error // sticky: once a commit failed, later commits report the same
	errSeen bool  // err was returned to the handler by an explicit Commit
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
	s.data[key] = value
	s.modified = true
}

// Delete removes key. Removing the last key keeps the (empty) session: only
// Flush and Destroy end one.
func (s *Session) Delete(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.data[key]; ok {
		delete(s.data, key)
		s.modified = true
	}
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
	s.touched = true
}

// Renew gives the session a new id at commit, keeping its data and history
// and deleting the old record: what login does against session fixation.
// Without a stored session it creates one.
func (s *Session) Renew() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.renew = true
}

// Flush is Django's session.flush(): the data is emptied now, and at commit
// the record is deleted and the cookie expired. A later Put or Renew in the
// same request starts a brand-new session with a new id.
func (s *Session) Flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data = map[string]string{}
	s.ending = true
	s.modified, s.renew = false, false
}

// Destroy ends the session (logout): at commit the record is deleted and the
// cookie expired. It is Flush under the name the logout code reads best
// with; like Flush, a later Put in the same request starts a new session.
func (s *Session) Destroy() { s.Flush() }

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

func cloneData(d map[string]string) map[string]string {
	if d == nil {
		return map[string]string{}
	}
	return maps.Clone(d)
}
