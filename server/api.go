package server

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"sort"
	"time"

	"cookielab/server/auth"
	"cookielab/server/session"
	"cookielab/wasm/contract"
	"cookielab/wasm/state"
)

// handleState handles "GET /api/state": the caller's own cookies, session
// and user as JSON, never cached; ?echo=NONCE also hands over (once) the
// echo of the action that used that nonce. Asking does not count as
// activity: the session's idle clock stays where it was.
func handleState(log *slog.Logger, sessions *session.Manager, echoes *echoStore, clientOf func(*http.Request) string, now func() time.Time) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess := session.FromContext(r.Context())
		sess.Observe() // the panel watching is not the learner's activity
		st := state.State{Cookies: []state.Cookie{}, Switches: switchesOf(r), Now: now().UTC()}
		for _, c := range r.Cookies() {
			st.Cookies = append(st.Cookies, state.Cookie{Name: c.Name, Value: c.Value})
		}
		if u, ok := auth.CurrentUser(r.Context()); ok {
			st.Authenticated = true
			st.User = &state.User{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, DateJoined: u.DateJoined, LastLogin: u.LastLogin}
		}
		var err error
		if st.Session, err = sessions.Describe(w, r); err != nil {
			return // the session middleware answers with the error page
		}
		st.Events = append(sess.History(), sess.Events()...)
		sort.SliceStable(st.Events, func(i, j int) bool { return st.Events[i].At.Before(st.Events[j].At) })
		if st.Events == nil {
			st.Events = []state.Event{}
		}
		if nonce := r.URL.Query().Get("echo"); contract.ValidNonce(nonce) {
			if e, ok := echoes.take(nonce, sess.ID(), clientOf(r)); ok {
				st.Echo = &e
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		enc := json.NewEncoder(w)
		if err := enc.Encode(st); err != nil {
			log.Error("encoding state", "err", err)
		}
	})
}
