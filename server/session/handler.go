package session

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"time"

	"cookielab/wasm/state"
)

// Handler loads the request's session before next runs and commits it just
// before the response's first byte (or when next returns without writing).
// A write that lost the race with a logout is answered by
// Config.OnInterrupted instead of next's response.
func (m *Manager) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		s := m.load(r.Context(), h, r)
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, s))
		sw := &writer{rw: w, m: m, s: s, r: r}
		if len(h) > 0 {
			// What outer middleware set (and the load decided) survives a
			// replaced response; what next set does not.
			sw.saved = h.Clone()
		}
		next.ServeHTTP(sw, r)
		sw.finish()
	})
}

// Commit saves the session now and puts its Set-Cookie in w's header, so a
// page rendered afterwards can show what was set. It is idempotent: without
// new changes a second call does nothing. Call it before writing; the
// middleware calls it anyway before the first byte.
//
// ErrInterrupted means the session was deleted (a logout in another
// request) while this one ran: nothing was saved, the cookie is expired,
// and the middleware will answer with Config.OnInterrupted whatever the
// handler writes next.
func (m *Manager) Commit(w http.ResponseWriter, r *http.Request) error {
	s := FromContext(r.Context())
	if s == nil || s.m != m {
		return errors.New("session: Commit called outside this Manager's Handler")
	}
	_, err := m.commit(s, w.Header(), r, true)
	return err
}

// load finds the request's session. Any cookie that names no live session
// is recorded as an event and cleared in h straight away, so the page this
// request renders can show the clearing Set-Cookie.
func (m *Manager) load(ctx context.Context, h http.Header, r *http.Request) *Session {
	s := &Session{m: m, data: map[string]string{}}
	cookies := r.CookiesNamed(m.cfg.CookieName)
	if len(cookies) == 0 {
		return s
	}
	s.clientHas = true
	now := m.cfg.Now()
	var rejected []state.Event
	// Browsers may send several cookies with our name (another Path, or one
	// tossed from a sibling domain): the first that names a live session wins.
	for _, c := range cookies {
		ev, ok, err := m.loadOne(ctx, s, c.Value, now)
		if err != nil {
			// The store failed: we cannot tell, so neither clear the cookie
			// nor start a new session over it. Commit will report err.
			s.err = fmt.Errorf("session: loading: %w", err)
			return s
		}
		if ok {
			return s
		}
		rejected = append(rejected, ev)
	}
	s.events = append(s.events, rejected...)
	setCookie(h, m.clearingCookie(r))
	s.clientHas = false
	return s
}

// loadOne tries one cookie value: on success it fills s; otherwise it
// returns the event saying why the cookie is no good.
func (m *Manager) loadOne(ctx context.Context, s *Session, value string, now time.Time) (state.Event, bool, error) {
	id, err := m.Decode(value)
	if err != nil {
		reason := state.ReasonBadSignature
		if errors.Is(err, ErrCookieExpired) {
			reason = state.ReasonExpired
		}
		return state.Event{Kind: state.Rejected, At: now, Reason: reason}, false, nil
	}
	rec, err := m.store.Get(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return state.Event{Kind: state.Rejected, At: now, ID: id, Reason: state.ReasonUnknown}, false, nil
	}
	if err != nil {
		return state.Event{}, false, err
	}
	if !now.Before(rec.Deadline) {
		if err := m.store.Delete(ctx, id); err != nil {
			return state.Event{}, false, err
		}
		return state.Event{Kind: state.Expired, At: now, ID: id, Reason: m.expiryReason(rec)}, false, nil
	}
	s.data, rec.Data = rec.Data, nil // the store handed us a copy: own it
	s.stored = &rec
	s.cookie = value
	return state.Event{}, true, nil
}

// commit applies what the request did to the session since the last commit.
// It reports whether the handler had already been told of the error, and the error.
func (m *Manager) commit(s *Session, h http.Header, r *http.Request, explicit bool) (seen bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		// A client that went away must not cancel a logout half-way.
		ctx := context.WithoutCancel(r.Context())
		s.err = m.save(ctx, s, h, r, m.cfg.Now())
	}
	if s.err == nil {
		return false, nil
	}
	seen = s.errSeen
	if explicit {
		s.errSeen = true
	}
	return seen, s.err
}

func (m *Manager) save(ctx context.Context, s *Session, h http.Header, r *http.Request, now time.Time) error {
	ended := false
	if s.ending {
		s.ending, ended = false, true
		if s.stored != nil {
			if err := m.store.Delete(ctx, s.stored.ID); err != nil {
				return err
			}
			s.record(state.Destroyed, now, s.stored.ID, "", "")
			s.stored, s.cookie = nil, ""
		}
	}
	renew, modified := s.renew, s.modified
	s.renew, s.modified = false, false
	switch {
	case s.stored == nil:
		if renew || modified && len(s.data) > 0 {
			return m.create(ctx, s, h, r, now)
		}
		if ended && s.clientHas {
			setCookie(h, m.clearingCookie(r))
			s.clientHas = false
		}
	case renew:
		return m.create(ctx, s, h, r, now)
	case modified:
		return m.update(ctx, s, h, r, now)
	case !s.touched:
		return m.touch(ctx, s, now)
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
		err := m.store.Touch(ctx, prev.ID, now, m.deadline(prev.Created, now))
		if errors.Is(err, ErrNotFound) {
			return m.interrupted(s, h, r, now)
		}
		if err != nil {
			return err
		}
	}
	rec := Record{
		Data:     s.data,
		Created:  now,
		LastSeen: now,
		Deadline: m.deadline(now, now),
	}
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
		err = m.store.Create(ctx, rec)
		if err == nil {
			break
		}
		if !errors.Is(err, ErrExists) || try == maxIDTries {
			return err
		}
	}
	if prev != nil {
		if err := m.store.Delete(ctx, prev.ID); err != nil {
			return err
		}
	}
	s.events = append(s.events, ev)
	rec.Data = nil
	s.stored, s.cookie = &rec, value
	s.clientHas, s.touched = true, true
	setCookie(h, m.sessionCookie(r, value, rec.Created, now))
	return nil
}

// update saves changed data. The store replaces only a record that is still
// there: if a logout deleted it meanwhile, the write is refused, never
// re-created.
func (m *Manager) update(ctx context.Context, s *Session, h http.Header, r *http.Request, now time.Time) error {
	rec := *s.stored
	rec.Data = s.data
	rec.LastSeen = now
	rec.Deadline = m.deadline(rec.Created, now)
	err := m.store.Update(ctx, rec)
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
	s.stored, s.cookie = &rec, value
	s.touched = true
	setCookie(h, m.sessionCookie(r, value, rec.Created, now))
	return nil
}

// interrupted ends this request's view of a session that another request
// deleted while this one ran: nothing is saved and the cookie is expired.
func (m *Manager) interrupted(s *Session, h http.Header, r *http.Request, now time.Time) error {
	s.record(state.Rejected, now, s.stored.ID, "", state.ReasonInterrupted)
	s.stored, s.cookie, s.data = nil, "", map[string]string{}
	setCookie(h, m.clearingCookie(r))
	s.clientHas = false
	return ErrInterrupted
}

// touch moves the idle clock of an unchanged session. A record deleted
// meanwhile stays deleted, and this response says nothing about it: the
// request that deleted it already expired the cookie.
func (m *Manager) touch(ctx context.Context, s *Session, now time.Time) error {
	dl := m.deadline(s.stored.Created, now)
	err := m.store.Touch(ctx, s.stored.ID, now, dl)
	s.touched = true
	if errors.Is(err, ErrNotFound) {
		s.stored, s.cookie = nil, ""
		return nil
	}
	if err != nil {
		return err
	}
	s.stored.LastSeen, s.stored.Deadline = now, dl
	return nil
}

// writer commits the session just before the response's first byte, and
// replaces the response when the commit failed.
type writer struct {
	rw    http.ResponseWriter
	m     *Manager
	s     *Session
	r     *http.Request
	saved http.Header // the header before next ran

	wroteHeader bool // the final status was decided (by next or by us)
	discard     bool // the response was replaced: drop next's writes
}

func (w *writer) Header() http.Header { return w.rw.Header() }

func (w *writer) WriteHeader(code int) {
	if w.discard {
		return
	}
	if w.wroteHeader || code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
		// Informational responses are not the answer; a second call is
		// net/http's to complain about.
		w.rw.WriteHeader(code)
		return
	}
	w.wroteHeader = true
	if w.beforeWrite() {
		w.rw.WriteHeader(code)
	}
}

func (w *writer) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if w.discard {
		return len(b), nil
	}
	return w.rw.Write(b)
}

// Flush commits (by deciding the status) and flushes.
func (w *writer) Flush() {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if w.discard {
		return
	}
	if f, ok := w.rw.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *writer) Unwrap() http.ResponseWriter { return w.rw }

// finish commits when next wrote nothing at all.
func (w *writer) finish() {
	if w.wroteHeader || w.discard {
		return
	}
	w.wroteHeader = true
	w.beforeWrite()
}

// beforeWrite commits the session and reports whether next's response may
// go out. If not, it has already written the replacement.
func (w *writer) beforeWrite() bool {
	seen, err := w.m.commit(w.s, w.rw.Header(), w.r, false)
	switch {
	case err == nil:
		return true
	case errors.Is(err, ErrInterrupted):
		// Always replaced, even if next saw the error: a page that looks
		// like success after a refused write is exactly what must not happen.
		w.replace(w.m.cfg.OnInterrupted, true)
	case seen:
		return true // next was told and chose its response
	case errors.Is(err, ErrFull):
		w.replace(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
			http.Error(rw, "Too many sessions right now; please try again later.", http.StatusServiceUnavailable)
		}), false)
	default:
		w.replace(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
			http.Error(rw, "The session could not be saved.", http.StatusInternalServerError)
		}), false)
	}
	return false
}

// replace drops next's headers and writes, and answers with h instead.
func (w *writer) replace(h http.Handler, expireCookie bool) {
	w.discard = true
	hdr := w.rw.Header()
	clear(hdr)
	maps.Copy(hdr, w.saved)
	if expireCookie {
		setCookie(hdr, w.m.clearingCookie(w.r))
	}
	h.ServeHTTP(w.rw, w.r)
}
