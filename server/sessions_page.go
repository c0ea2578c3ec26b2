package server

import (
	"crypto/hmac"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"cookielab/server/auth"
	"cookielab/server/session"
)

// Lesson 15's "your sessions": one user, several browsers. The page never
// shows a session id or a cookie value: each row carries an opaque handle
// (an HMAC of the id, shortened) for its button.
//
// The demo accounts are shared by a whole class, so for them the list
// (and what its buttons end) is only the sessions that logged in from this
// client: one learner's "end all other sessions" must not log out the
// rest of the class.

// sessionHandleLen is a handle's length: 22 base64url characters, 132 bits.
const sessionHandleLen = 22

// sessionList finds a user's live sessions in the store.
type sessionList struct {
	store    session.Store
	handles  signer
	auth     *auth.Auth
	clientOf func(*http.Request) string
}

// sessionRow is one session as the page shows it.
type sessionRow struct {
	Handle   string
	Started  time.Time
	LastSeen time.Time
	Browser  string // short name; "" unknown
	From     string // the client it logged in from
	This     bool
	id       string
}

func (sl *sessionList) handle(id string) string { return sl.handles.signature(id)[:sessionHandleLen] }

// mine lists the live sessions of the request's user, oldest first: those
// the store holds for them whose auth hash still matches (a password
// change ended the others; they are flushed at their next request). For a
// demo account, only those that logged in from this client.
func (sl *sessionList) mine(r *http.Request) ([]sessionRow, error) {
	u, _ := auth.CurrentUser(r.Context())
	client := sl.clientOf(r)
	recs, err := sl.store.ByUser(r.Context(), u.ID)
	if err != nil {
		return nil, err
	}
	this := session.FromContext(r.Context()).ID()
	hash := sl.auth.SessionHash(u)
	shared := auth.IsDemoAccount(u.Username)
	var rows []sessionRow
	for _, rec := range recs {
		if rec.Data[auth.SessionUserKey] != u.ID || !hmac.Equal([]byte(rec.Data[auth.SessionHashKey]), []byte(hash)) {
			continue
		}
		if shared && rec.ID != this && rec.Data[auth.SessionClientKey] != client {
			continue
		}
		rows = append(rows, sessionRow{Handle: sl.handle(rec.ID), Started: rec.Created, LastSeen: rec.LastSeen,
			Browser: browserName(rec.Data[auth.SessionUserAgentKey]), From: rec.Data[auth.SessionClientKey],
			This: rec.ID == this, id: rec.ID})
	}
	return rows, nil
}

// sessionsView is GET /me/sessions's data.
type sessionsView struct {
	Rows   []sessionRow
	Shared bool // a demo account: only this client's sessions
	Ended  int  // how many the last action ended
	Others int  // rows that are not this one
}

// handleSessions handles "GET /me/sessions" (login required).
func handleSessions(s *site, sl *sessionList) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rows, err := sl.mine(r)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		u, _ := auth.CurrentUser(r.Context())
		v := sessionsView{Rows: rows, Shared: auth.IsDemoAccount(u.Username)}
		for _, row := range rows {
			if !row.This {
				v.Others++
			}
		}
		if n, err := strconv.Atoi(r.URL.Query().Get("ended")); err == nil && n >= 0 && n <= 1000 {
			v.Ended = n
		}
		pg := s.newPage(r)
		pg.Title = pg.T("sessions.title")
		pg.Data = v
		s.render(w, r, http.StatusOK, "me_sessions", pg)
	})
}

// handleSessionEnd handles "POST /me/sessions/end" (login required): field
// session, a handle from the list; that session of this user is deleted
// (its browser is anonymous at its next request). This session's handle
// is a 400 (log out instead); one that is not in this user's list, a 404.
// Then back to the list.
func handleSessionEnd(s *site, sl *sessionList) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.PostForm.Get("session")
		if len(h) != sessionHandleLen {
			s.Error(w, r, &httpError{status: http.StatusNotFound, key: "error.404.session_handle"})
			return
		}
		rows, err := sl.mine(r)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		for _, row := range rows {
			if !hmac.Equal([]byte(row.Handle), []byte(h)) {
				continue
			}
			if row.This {
				s.Error(w, r, badRequest("error.400.session_this"))
				return
			}
			if err := sl.store.Delete(r.Context(), row.id); err != nil {
				s.Error(w, r, err)
				return
			}
			http.Redirect(w, r, "/me/sessions?ended=1", http.StatusSeeOther)
			return
		}
		s.Error(w, r, &httpError{status: http.StatusNotFound, key: "error.404.session_handle"})
	})
}

// handleSessionsEndOthers handles "POST /me/sessions/end-others" (login
// required): every session in this user's list but this one is deleted;
// then back to the list.
func handleSessionsEndOthers(s *site, sl *sessionList) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rows, err := sl.mine(r)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		n := 0
		for _, row := range rows {
			if row.This {
				continue
			}
			if err := sl.store.Delete(r.Context(), row.id); err != nil {
				s.Error(w, r, err)
				return
			}
			n++
		}
		http.Redirect(w, r, "/me/sessions?ended="+strconv.Itoa(n), http.StatusSeeOther)
	})
}

// Browsers and systems as their User-Agent names them, most specific first
// (Edge's and Opera's carry "Chrome/" too; Chrome's carries "Safari/").
var (
	browserPatterns = []struct {
		name string
		re   *regexp.Regexp
	}{
		{"Edge", regexp.MustCompile(`\bEdg(?:e|A|iOS)?/(\d+)`)},
		{"Opera", regexp.MustCompile(`\bOPR/(\d+)`)},
		{"Samsung Internet", regexp.MustCompile(`\bSamsungBrowser/(\d+)`)},
		{"Headless Chrome", regexp.MustCompile(`\bHeadlessChrome/(\d+)`)},
		{"Chromium", regexp.MustCompile(`\bChromium/(\d+)`)},
		{"Chrome", regexp.MustCompile(`\b(?:Chrome|CriOS)/(\d+)`)},
		{"Firefox", regexp.MustCompile(`\b(?:Firefox|FxiOS)/(\d+)`)},
		{"Safari", regexp.MustCompile(`\bVersion/(\d+)[.\d]* (?:Mobile/\S+ )?Safari/`)},
	}
	systemPatterns = []struct{ name, marker string }{
		{"Android", "Android"},
		{"iOS", "iPhone"},
		{"iPadOS", "iPad"},
		{"ChromeOS", "CrOS"},
		{"Windows", "Windows"},
		{"macOS", "Mac OS X"},
		{"Linux", "Linux"},
	}
)

// maxRawBrowser bounds an unrecognised User-Agent on the page.
const maxRawBrowser = 60

// browserName is a short name for a User-Agent: "Chrome 156 on Linux";
// one it does not recognise is shown itself, shortened; "" when empty.
func browserName(ua string) string {
	if ua == "" {
		return ""
	}
	for _, b := range browserPatterns {
		m := b.re.FindStringSubmatch(ua)
		if m == nil {
			continue
		}
		name := b.name + " " + m[1]
		for _, sys := range systemPatterns {
			if strings.Contains(ua, sys.marker) {
				return name + " on " + sys.name
			}
		}
		return name
	}
	if r := []rune(ua); len(r) > maxRawBrowser {
		return string(r[:maxRawBrowser]) + "…"
	}
	return ua
}
