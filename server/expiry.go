package server

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"cookielab/server/session"
)

// Lesson 13's expiry: the learner fast-forwards their own session's clock
// on the server, and chooses at login whether the cookie outlives the
// browser ("remember me").

// maxClockMinutes is the furthest the clock moves at once: 28 days, twice
// Django's SESSION_COOKIE_AGE.
const maxClockMinutes = 28 * 24 * 60

// handleLabClock handles "POST /lab/clock": minutes (1 to 40 320) moves the
// learner's own session record's clock back by that much, stored through
// the store: Created and LastSeen, as if this request had been that long
// ago (both deadlines come that much closer); with active=1, only Created,
// as if the session had been in use all along (the absolute deadline comes
// closer, the idle one does not). Nobody else's record is touched. The next
// request finds the session expired once a deadline has passed. Then back.
func handleLabClock(s *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.PostForm.Get("minutes"))
		if err != nil || n < 1 || n > maxClockMinutes {
			s.Error(w, r, badRequest("error.400.clock_minutes", "max", maxClockMinutes))
			return
		}
		active := r.PostForm.Get("active")
		if active != "" && active != "1" && active != "on" {
			s.Error(w, r, badRequest("error.400.clock_active"))
			return
		}
		sess := session.FromContext(r.Context())
		if !sess.Exists() {
			s.Error(w, r, badRequest("error.400.clock_no_session"))
			return
		}
		d := time.Duration(n) * time.Minute
		if active != "" {
			sess.ShiftStart(d)
		} else {
			sess.Shift(d)
		}
		back(w, r)
	})
}

// rememberMe reads the login form's remember field: absent (a form without
// the checkbox) or checked, the session cookie is persistent, as Django's
// default; present but empty or "off" (the unchecked box: the login page
// sends an empty hidden field before it), it lasts until the browser
// closes.
func rememberMe(form url.Values) bool {
	values, ok := form["remember"]
	if !ok {
		return true
	}
	for _, v := range values {
		if v != "" && v != "off" {
			return true
		}
	}
	return false
}
