package session

import (
	"context"
	"errors"
	"net/http"
)

// ctxKey carries the request's session in its context: the *Session, or
// a *Slot holding it.
type ctxKey struct{}

// SlotKey is the context key of the request's session. A server that keeps
// one record per request in its context can answer it itself (a context
// whose Value returns a *Slot it holds for this key): Handler then keeps
// the session in that Slot instead of adding a context layer (a copy of
// the request) of its own.
var SlotKey any = ctxKey{}

// Slot holds a request's session for FromContext (see SlotKey). The zero
// Slot is empty, for Handler to fill.
type Slot struct{ s *Session }

// FromContext returns the request's session, or nil outside Manager.Handler.
func FromContext(ctx context.Context) *Session {
	switch v := ctx.Value(ctxKey{}).(type) {
	case *Session:
		return v
	case *Slot:
		return v.s
	}
	return nil
}

// Handler loads the request's session before next runs and commits it just
// before the response's first byte (or when next returns without writing).
// When that commit fails, next's response is replaced by the answer to the
// failure: Config.Error.
func (m *Manager) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		both := &sessionWriter{}
		s := &both.s
		m.load(r.Context(), s, h, r)
		if slot, _ := r.Context().Value(ctxKey{}).(*Slot); slot != nil && slot.s == nil {
			slot.s = s
		} else {
			r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, s))
		}
		sw := &both.w
		*sw = writer{rw: w, m: m, s: s, r: r}
		// What outer middleware set (and the load decided) survives a
		// replaced response; what next set does not. Its fields are
		// noted, not copied: Header's Set replaces a value slice and Add
		// appends past the length noted here, so neither reaches them.
		sw.saved = sw.savedFields[:0]
		for k, v := range h {
			sw.saved = append(sw.saved, headerField{k, v})
		}
		next.ServeHTTP(sw, r)
		sw.finish()
	})
}

// sessionWriter is the two things Handler makes for every request, in one
// allocation rather than two.
type sessionWriter struct {
	s Session
	w writer
}

// headerField is one field of a response header, as noted before next ran.
type headerField struct {
	name   string
	values []string
}

// writer commits the session just before the response's first byte, and
// replaces the response when the commit failed.
type writer struct {
	rw    http.ResponseWriter
	m     *Manager
	s     *Session
	r     *http.Request
	saved []headerField // the header before next ran

	// savedFields hold saved for the usual few fields (the security
	// headers, a clearing Set-Cookie), so noting them allocates nothing.
	savedFields [8]headerField

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
// go out. If not, it has already written the replacement: whenever the
// commit failed, whether or not next saw the error from its own Commit,
// because a page that looks like success after a refused write is exactly
// what must not happen.
func (w *writer) beforeWrite() bool {
	err := w.m.commit(w.s, w.rw.Header(), w.r)
	if err == nil {
		return true
	}
	w.discard = true
	hdr := w.rw.Header()
	clear(hdr)
	for _, f := range w.saved {
		hdr[f.name] = f.values
	}
	if errors.Is(err, ErrInterrupted) {
		// The record is gone: the browser must drop its cookie, whatever
		// the error page does.
		setCookie(hdr, w.m.clearingCookie(w.r))
	}
	w.m.cfg.Error(w.rw, w.r, err)
	return false
}
