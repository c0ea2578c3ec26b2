package session

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"cookielab/wasm/state"
)

// Commit saves the session now and puts its Set-Cookie in w's header, so a
// page rendered afterwards can show what was set. It is idempotent: without
// new changes a second call does nothing. Call it before writing; the
// middleware calls it anyway before the first byte.
//
// When it fails, the middleware answers the request with Config.Error
// whatever the handler writes next, so a handler may simply return. ErrInterrupted means the session was
// deleted (a logout in another request) while this one ran: nothing was
// saved and the cookie is expired.
func (m *Manager) Commit(w http.ResponseWriter, r *http.Request) error {
	s := FromContext(r.Context())
	if s == nil || s.m != m {
		return errors.New("session: Commit called outside this Manager's Handler")
	}
	return m.commit(s, w.Header(), r)
}

// load finds the request's session. Any cookie that names no live session
// is recorded as an event and cleared in h straight away, so the page this
// request renders can show the clearing Set-Cookie.
func (m *Manager) load(ctx context.Context, s *Session, h http.Header, r *http.Request) {
	s.m = m
	m.loadInto(ctx, s, h, r)
	if s.data == nil {
		s.data = map[string]string{} // none loaded: an empty session to Put into
	}
}

func (m *Manager) loadInto(ctx context.Context, s *Session, h http.Header, r *http.Request) {
	var now time.Time // read at the first session cookie
	var rejected []state.Event
	// Browsers may send several cookies with our name (another Path, or one
	// tossed from a sibling domain): the first that names a live session wins.
	for _, c := range m.requestCookies(r) {
		if c.Name != m.cfg.CookieName {
			continue
		}
		if len(rejected) == 0 {
			now = m.cfg.Now()
		}
		ev, ok, err := m.loadOne(ctx, s, c.Value, now)
		if err != nil {
			// The store failed: we cannot tell, so neither clear the cookie
			// nor start a new session over it. Commit will report err.
			s.err = fmt.Errorf("session: loading: %w", err)
			return
		}
		if ok {
			return
		}
		rejected = append(rejected, ev)
	}
	if len(rejected) == 0 {
		return // no session cookie
	}
	s.events = append(s.events, rejected...)
	setCookie(h, m.clearingCookie(r))
}

// requestCookies returns the request's cookies, or at least those that
// bear the session cookie's name, in header order.
func (m *Manager) requestCookies(r *http.Request) []*http.Cookie {
	if m.cfg.Cookies == nil {
		return r.CookiesNamed(m.cfg.CookieName)
	}
	return m.cfg.Cookies(r)
}

// loadOne tries one cookie value: on success it fills s; otherwise it
// returns the event saying why the cookie is no good.
func (m *Manager) loadOne(ctx context.Context, s *Session, value string, now time.Time) (state.Event, bool, error) {
	v, remembered, err := m.decode(value)
	if err != nil {
		reason := state.ReasonBadSignature
		if errors.Is(err, ErrCookieExpired) {
			reason = state.ReasonExpired
		}
		return state.Event{Kind: state.Rejected, At: now, Reason: reason}, false, nil
	}
	// Asked on every request, remembered value or not: the record is what
	// says whether the session is live.
	id := v.id
	rec, err := m.store.Get(ctx, id)
	switch err = storeErr(err); {
	case errors.Is(err, ErrNotFound):
		m.verified.forget(value)
		return state.Event{Kind: state.Rejected, At: now, ID: id, Reason: state.ReasonUnknown}, false, nil
	case errors.Is(err, ErrExpired):
	case err != nil:
		return state.Event{}, false, err
	}
	// The store judged expiry by its clock; this judges it by ours too.
	if err != nil || !now.Before(rec.Deadline) {
		m.verified.forget(value)
		if err := storeErr(m.store.Delete(ctx, id)); err != nil {
			return state.Event{}, false, err
		}
		return state.Event{Kind: state.Expired, At: now, ID: id, Reason: m.expiryReason(rec)}, false, nil
	}
	if !remembered {
		m.verified.add(value, v)
	}
	s.data, rec.Data = rec.Data, nil // the store handed us a copy: own it
	s.user = rec.UserID
	s.loaded = rec
	s.stored = &s.loaded
	s.cookie = value
	return state.Event{}, true, nil
}

// commit applies what the request asked of the session since the last
// commit. A failure is sticky: every later commit reports it again.
func (m *Manager) commit(s *Session, h http.Header, r *http.Request) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil && s.change != settled {
		// A client that went away must not cancel a logout half-way.
		ctx := context.WithoutCancel(r.Context())
		s.err = m.save(ctx, s, h, r, m.cfg.Now())
	}
	return s.err
}

// save carries out s.change and settles it.
func (m *Manager) save(ctx context.Context, s *Session, h http.Header, r *http.Request, now time.Time) error {
	c := s.change
	if then := c.then(); (then == write || then == renew) && dataBytes(s) > m.cfg.MaxDataBytes {
		return ErrTooLarge // before anything, ending included: all or nothing
	}
	s.change = settled
	if c.ends() {
		if err := m.end(ctx, s, h, r, now); err != nil {
			return err
		}
	}
	switch c = c.then(); {
	case c == renew:
		return m.create(ctx, s, h, r, now)
	case c == write && s.stored == nil:
		if len(s.data) == 0 && s.user == "" {
			return nil // lazy: nothing to keep, so no session
		}
		return m.create(ctx, s, h, r, now)
	case c == write:
		return m.update(ctx, s, h, r, now)
	case c == unchanged && s.stored != nil && !s.observing:
		return m.touch(ctx, s, now)
	}
	return nil
}

// touchDivisor: an unchanged session's idle clock moves only once it is
// more than IdleTimeout/touchDivisor behind (a minute, for two hours), so a
// read-mostly learner does not cost a store write per request; a session
// may end that much before its exact idle deadline.
const touchDivisor = 120

// dataBytes is what Config.MaxDataBytes bounds.
func dataBytes(s *Session) int {
	n := len(s.user)
	for k, v := range s.data {
		n += len(k) + len(v)
	}
	return n
}

// end deletes the stored record and expires the cookie the browser holds.
func (m *Manager) end(ctx context.Context, s *Session, h http.Header, r *http.Request, now time.Time) error {
	if s.stored != nil {
		if err := storeErr(m.store.Delete(ctx, s.stored.ID)); err != nil {
			return err
		}
		s.record(state.Destroyed, now, s.stored.ID, "", s.endReason)
		s.stored = nil
	}
	if s.cookie != "" {
		setCookie(h, m.clearingCookie(r))
		s.cookie = ""
	}
	return nil
}

// maxIDTries bounds the retries on an id collision, which with 256 random
// bits means a broken random source rather than bad luck.
const maxIDTries = 4

// create stores s.data under a fresh id: a new session, or (when one is
// stored) a rotation that carries the history over and deletes the old id.
func (m *Manager) create(ctx context.Context, s *Session, h http.Header, r *http.Request, now time.Time) error {
	prev := s.stored
	if prev != nil {
		// Rotating a session a logout already deleted would carry its data
		// (a login, say) into a new record: resurrection under a new name.
		err := storeErr(m.store.Touch(ctx, prev.ID, now, m.deadline(prev.Created, now)))
		if errors.Is(err, ErrNotFound) {
			return m.interrupted(s, h, r, now)
		}
		if err != nil {
			return err
		}
	}
	if prev == nil && s.user == "" && m.cfg.AdmitAnonymous != nil {
		if err := m.cfg.AdmitAnonymous(r); err != nil {
			return fmt.Errorf("%w: %w", ErrNotAdmitted, err)
		}
	}
	rec := Record{
		UserID:   s.user,
		Data:     s.data,
		Created:  now.Add(-s.shiftCreated), // a new id keeps a Shift asked for in this request
		LastSeen: now.Add(-s.shiftLastSeen),
	}
	rec.Deadline = m.deadline(rec.Created, rec.LastSeen)
	s.shiftCreated, s.shiftLastSeen = 0, 0
	ev := state.Event{Kind: state.Created, At: now}
	var history []state.Event
	if prev != nil {
		ev.Kind, ev.PrevID = state.Rotated, prev.ID
		history = slices.Clone(prev.Events)
	}
	var value string
	for try := 1; ; try++ {
		rec.ID = newID()
		var err error
		if value, err = m.Encode(rec.ID); err != nil {
			return err
		}
		ev.ID = rec.ID
		rec.Events = trimEvents(append(history, ev))
		err = storeErr(m.store.Create(ctx, rec))
		if err == nil {
			break
		}
		if !errors.Is(err, ErrExists) || try == maxIDTries {
			return err
		}
	}
	if prev != nil {
		if err := storeErr(m.store.Delete(ctx, prev.ID)); err != nil {
			return err
		}
	}
	s.events = append(s.events, ev)
	rec.Data = nil
	s.stored, s.cookie = &rec, value
	setCookie(h, m.sessionCookie(r, value, rec.Created, now, browserSession(s.data)))
	return nil
}

// update saves changed data. The store replaces only a record that is still
// there: if a logout deleted it meanwhile, the write is refused, never
// re-created.
func (m *Manager) update(ctx context.Context, s *Session, h http.Header, r *http.Request, now time.Time) error {
	rec := *s.stored
	rec.Data, rec.UserID = s.data, s.user
	rec.LastSeen = now.Add(-s.shiftLastSeen)
	rec.Created = rec.Created.Add(-s.shiftCreated)
	rec.Deadline = m.deadline(rec.Created, rec.LastSeen)
	shifted := s.shiftCreated != 0 || s.shiftLastSeen != 0
	s.shiftCreated, s.shiftLastSeen = 0, 0
	err := storeErr(m.store.Update(ctx, rec))
	if errors.Is(err, ErrNotFound) {
		return m.interrupted(s, h, r, now)
	}
	if err != nil {
		return err
	}
	// Re-sign on every write (as Django re-sends the cookie when the session
	// is modified): it also moves old-key cookies to the current key.
	value, err := m.Encode(rec.ID)
	if err != nil {
		return err
	}
	rec.Data = nil
	s.stored = &rec
	if shifted {
		return nil // the browser's cookie keeps its own clock (Shift)
	}
	s.cookie = value
	setCookie(h, m.sessionCookie(r, value, rec.Created, now, browserSession(s.data)))
	return nil
}

// interrupted ends this request's view of a session that another request
// deleted while this one ran: nothing is saved and the cookie is expired.
func (m *Manager) interrupted(s *Session, h http.Header, r *http.Request, now time.Time) error {
	s.record(state.Rejected, now, s.stored.ID, "", state.ReasonInterrupted)
	s.stored, s.cookie, s.data, s.user = nil, "", map[string]string{}, ""
	setCookie(h, m.clearingCookie(r))
	return ErrInterrupted
}

// touch moves the idle clock of an unchanged session. A record deleted
// meanwhile stays deleted, and this response says nothing about it: the
// request that deleted it already expired the cookie. Its data is dropped
// too, so that a later Put in this request starts an empty session rather
// than carrying the deleted one's data (a login, say) into a new record.
func (m *Manager) touch(ctx context.Context, s *Session, now time.Time) error {
	if now.Sub(s.stored.LastSeen) < m.cfg.IdleTimeout/touchDivisor {
		// Moved a moment ago: a database or Redis need not write on every
		// read for an idle clock counted in hours (see touchDivisor).
		return nil
	}
	dl := m.deadline(s.stored.Created, now)
	err := storeErr(m.store.Touch(ctx, s.stored.ID, now, dl))
	if errors.Is(err, ErrNotFound) {
		s.stored, s.data, s.user = nil, map[string]string{}, ""
		return nil
	}
	if err != nil {
		return err
	}
	s.stored.LastSeen, s.stored.Deadline = now, dl
	return nil
}

// deadline is when a record seen at lastSeen may be forgotten.
func (m *Manager) deadline(created, lastSeen time.Time) time.Time {
	idle := lastSeen.Add(m.cfg.IdleTimeout)
	if abs := created.Add(m.cfg.Lifetime); abs.Before(idle) {
		return abs
	}
	return idle
}

// expiryReason says which deadline ended rec: the one that came first,
// which is the one its Deadline was set from.
func (m *Manager) expiryReason(rec Record) string {
	if rec.Deadline.Before(rec.Created.Add(m.cfg.Lifetime)) {
		return state.ReasonIdle
	}
	return state.ReasonAbsolute
}
