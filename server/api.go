package server

import (
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"cookielab/server/auth"
	"cookielab/server/session"
	"cookielab/wasm/contract"
	"cookielab/wasm/state"
)

// handleState handles "GET /api/state": the caller's own cookies (the
// Cookie header's pairs exactly as received), session and user as JSON,
// never cached; ?echo=NONCE also hands over (once) the echo of the action
// that used that nonce, and response is this response's own echo (its
// Set-Cookie lines: a cookie that named no session is cleared here too).
// Asking does not count as activity: the session's idle clock stays where
// it was.
func handleState(log *slog.Logger, sessions *session.Manager, echoes *echoStore, clientOf func(*http.Request) string, now func() time.Time) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess := session.FromContext(r.Context())
		sess.Observe() // the panel watching is not the learner's activity
		at := now().UTC()
		st := state.State{Switches: switchesOf(r), Now: at}
		if u, ok := auth.CurrentUser(r.Context()); ok {
			st.Authenticated = true
			st.User = &state.User{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, DateJoined: u.DateJoined, LastLogin: u.LastLogin}
		}
		// Describe commits the session first (nothing changes on a read,
		// but a write pending would go out with this response), so the
		// report and this response's Set-Cookie lines agree.
		var err error
		if st.Session, err = sessions.Describe(w, r); err != nil {
			return // the session middleware answers with the error page
		}
		st.Events = append(sess.History(), sess.Events()...)
		slices.SortStableFunc(st.Events, func(a, b state.Event) int { return a.At.Compare(b.At) })
		if st.Events == nil {
			st.Events = []state.Event{}
		}
		if nonce := queryValue(r, "echo"); contract.ValidNonce(nonce) {
			if e, ok := echoes.take(nonce, sess.ID(), clientOf(r)); ok {
				st.Echo = &e
			}
		}
		// From at, not st.Now: escape analysis takes st's fields for one,
		// and resp, whose address st keeps, would then go to the heap.
		resp := snapshot(w.Header(), r, sess, at)
		resp.Status = http.StatusOK
		st.Cookies, resp.Cookies = resp.Cookies, nil // the request's cookies, said once
		st.Response = &resp
		h := w.Header()
		h["Content-Type"] = jsonContentType
		h["Cache-Control"] = noStore
		buf := getJSONBuffer()
		defer putJSONBuffer(buf)
		b, err := st.AppendJSON(*buf)
		if err != nil {
			log.Error("encoding state", "err", err)
			http.Error(w, "The state could not be encoded.", http.StatusInternalServerError)
			return
		}
		*buf = append(b, '\n') // as json.Encoder ends each value
		w.Write(*buf)
	})
}

// jsonContentType and noStore are header values shared by every response
// that sends them, set without an allocation: like securityHeaderValues,
// a later Set replaces the slice and an Add appends past its capacity, so
// none is ever changed.
var (
	jsonContentType = []string{"application/json"}
	noStore         = []string{"no-store"}
)

// queryValue is r.URL.Query().Get(key), without parsing (and allocating)
// an empty query.
func queryValue(r *http.Request, key string) string {
	if r.URL.RawQuery == "" {
		return ""
	}
	return r.URL.Query().Get(key)
}

// jsonBuffers keeps the buffers JSON is encoded into (a state is a few
// kilobytes), as buffers does for pages.
var jsonBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4<<10); return &b }}

func getJSONBuffer() *[]byte { return jsonBuffers.Get().(*[]byte) }

// putJSONBuffer returns b to the pool, unless it grew unusually large.
func putJSONBuffer(b *[]byte) {
	if cap(*b) > 1<<20 {
		return
	}
	*b = (*b)[:0]
	jsonBuffers.Put(b)
}
