package session

import "time"

// What lesson 13 moves: a session's clock on the server, and whether its
// cookie outlives the browser.

// ExpiryKey is the session data key of Django's set_expiry, which the
// session system owns: "0" makes the session cookie a browser-session
// cookie (no Max-Age, no Expires), as set_expiry(0) does; absent, the
// cookie lasts the session's lifetime. Kept in the data, so every store
// keeps it without a change of schema. The record still ends at its idle
// or absolute deadline either way.
const ExpiryKey = "_session_expiry"

// SetBrowserSession makes the session cookie a browser-session cookie
// (true: Django's set_expiry(0), "don't remember me") or a persistent one
// again (false: set_expiry(None)). Like Put, it is saved at commit, and the
// cookie is sent again with the new expiry.
func (s *Session) SetBrowserSession(on bool) {
	if on {
		s.Put(ExpiryKey, "0")
	} else {
		s.Delete(ExpiryKey)
	}
}

// BrowserSession reports whether the session cookie is a browser-session
// cookie (SetBrowserSession).
func (s *Session) BrowserSession() bool {
	v, _ := s.Get(ExpiryKey)
	return v == "0"
}

// Shift moves the session's clock back by d, as if this request had been d
// ago and nothing had come since: at commit, the record's Created and
// LastSeen are set d before their due (so its idle and absolute deadlines
// come d closer), stored through Store.Update like any write, and refused
// like any write when a logout deleted the record meanwhile. Nobody else's
// record is touched.
//
// The cookie is not sent again: the browser's clock is not the server's to
// move, so the cookie keeps the Max-Age it was given, and what the learner
// sees pass is the server's deadlines.
func (s *Session) Shift(d time.Duration) { s.shift(d, d) }

// ShiftStart moves only the session's start back by d, as if it had been
// in use all along: the absolute deadline comes d closer, the idle one is
// renewed by this request as usual.
func (s *Session) ShiftStart(d time.Duration) { s.shift(d, 0) }

func (s *Session) shift(created, lastSeen time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shiftCreated += created
	s.shiftLastSeen += lastSeen
	s.change = s.change.put()
}
