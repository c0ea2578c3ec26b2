package server

import (
	"crypto/hmac"
	"crypto/rand"
	"net/http"
	"strconv"
	"strings"

	"cookielab/server/auth"
)

// Lesson 14's target: a pretend money transfer that shows what arrived with
// the request (which cookies came along, Sec-Fetch-Site, Origin), and the
// same transfer behind Django's CSRF token. Cross-origin POSTs to either
// are refused by the origin check (middleware.go) unless the request
// carries the learner's origin-check switch.

// Django's CSRF names and settings (CSRF_COOKIE_NAME, the form field,
// CSRF_COOKIE_AGE: 52 weeks), and its token: 32 letters and digits.
const (
	csrfCookie    = "csrftoken"
	csrfField     = "csrfmiddlewaretoken"
	csrfHeader    = "X-CSRFToken"
	csrfCookieAge = 60 * 60 * 24 * 7 * 52
	csrfTokenLen  = 32
	csrfAlphabet  = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
)

// Django's reasons for a 403 (django/middleware/csrf.py, as of 4.1 and
// still in 5.x): a token that is there but wrong is named by where it came
// from, "CSRF token from POST incorrect." (see badTokenReason).
const (
	reasonNoCSRFCookie     = "CSRF cookie not set."
	reasonCSRFTokenMissing = "CSRF token missing."
)

// badTokenReason is Django's _bad_token_message: what is wrong with a
// token that is there, and where it came from (the form field is "POST",
// the header "the 'X-Csrftoken' HTTP header"). Django takes a token of 32
// characters, or 64 (masked); Cookie Lab's are 32, shown unmasked.
func badTokenReason(token, secret string, fromForm bool) string {
	source := "POST"
	if !fromForm {
		source = "the 'X-Csrftoken' HTTP header"
	}
	switch {
	case len(token) != csrfTokenLen && len(token) != 2*csrfTokenLen:
		return "CSRF token from " + source + " has incorrect length."
	case strings.Trim(token, csrfAlphabet) != "":
		return "CSRF token from " + source + " has invalid characters."
	case !hmac.Equal([]byte(token), []byte(secret)):
		return "CSRF token from " + source + " incorrect."
	}
	return ""
}

// newCSRFToken draws a token as Django's _get_new_csrf_string does.
func newCSRFToken() string {
	b := make([]byte, csrfTokenLen)
	rand.Read(b)
	for i, c := range b {
		// 62 letters and digits; 248 = 4 × 62 keeps every one equally likely.
		for c >= 248 {
			var one [1]byte
			rand.Read(one[:])
			c = one[0]
		}
		b[i] = csrfAlphabet[int(c)%len(csrfAlphabet)]
	}
	return string(b)
}

// validCSRFToken reports whether t has the token's form.
func validCSRFToken(t string) bool {
	return len(t) == csrfTokenLen && !strings.ContainsFunc(t, func(r rune) bool { return !strings.ContainsRune(csrfAlphabet, r) })
}

// csrfTokenOf returns the request's csrftoken cookie when it has the
// token's form.
func csrfTokenOf(r *http.Request) (string, bool) {
	c, err := r.Cookie(csrfCookie)
	if err != nil || !validCSRFToken(c.Value) {
		return "", false
	}
	return c.Value, true
}

// csrfPageView is GET /lab/csrf's data.
type csrfPageView struct {
	Token    string
	Attacker bool // an attacker site is configured
}

// handleCSRFPage handles "GET /lab/csrf": the token-protected transfer
// form. Like a Django page with {% csrf_token %}, it sets the csrftoken
// cookie when the browser holds none (not HttpOnly, SameSite=Lax, a year)
// and puts the same value in the form's hidden csrfmiddlewaretoken field.
func handleCSRFPage(s *site, attackerOn bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := csrfTokenOf(r)
		if !ok {
			token = newCSRFToken()
			http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: token, Path: "/", MaxAge: csrfCookieAge,
				Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
		}
		pg := s.newPage(r)
		pg.Title = pg.T("csrf.title")
		pg.Data = csrfPageView{Token: token, Attacker: attackerOn}
		s.render(w, r, http.StatusOK, "csrf", pg)
	})
}

// transferView is the transfer's answer page.
type transferView struct {
	To, Amount       string
	Cookie           string // the Cookie header as received, or "(none)"
	SecFetchSite     string
	Origin           string
	Verdict          string // the line the lessons check
	Done, CrossSite  bool
	SessionCookieOut bool // the session cookie did not come along
	Protected        bool // the token-protected route
}

// transfer answers a transfer that got past the origin check (and the
// token, for the protected route): status 200 and what arrived.
func transfer(s *site, w http.ResponseWriter, r *http.Request, protected bool) {
	to, amount := r.PostForm.Get("to"), r.PostForm.Get("amount")
	n, err := strconv.Atoi(amount)
	if to == "" || len(to) > 64 || strings.ContainsFunc(to, func(r rune) bool { return r < ' ' || r == 0x7f }) ||
		err != nil || n < 1 || n > 1_000_000 {
		s.Error(w, r, badRequest("error.400.transfer"))
		return
	}
	v := transferView{To: to, Amount: strconv.Itoa(n), Cookie: r.Header.Get("Cookie"), SecFetchSite: r.Header.Get("Sec-Fetch-Site"),
		Origin: r.Header.Get("Origin"), Protected: protected}
	if v.Cookie == "" {
		v.Cookie = "(none)"
	}
	v.CrossSite = v.SecFetchSite == "cross-site"
	_, sent := cookieNamed(r, s.sessionCookie)
	v.SessionCookieOut = !sent
	if u, ok := auth.CurrentUser(r.Context()); ok {
		v.Done, v.Verdict = true, "transfer: done, as "+u.Username
	} else {
		v.Verdict = "transfer: refused, nobody is logged in on this request"
	}
	pg := s.newPage(r)
	pg.Title = pg.T("transfer.title")
	pg.Data = v
	s.render(w, r, http.StatusOK, "csrf_transfer", pg)
}

// handleCSRFTransfer handles "POST /lab/csrf/transfer": fields to and
// amount; a pretend money transfer with no token, only the origin check.
func handleCSRFTransfer(s *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		transfer(s, w, r, false)
	})
}

// handleCSRFProtected handles "POST /lab/csrf/protected": the same
// transfer behind Django's CSRF check, in Django's order: the cookie, then
// the token (the form field, else the X-CSRFToken header), compared in
// constant time. A failure is Django's 403 and reason.
func handleCSRFProtected(s *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secret, ok := csrfTokenOf(r)
		token, fromForm := r.PostForm.Get(csrfField), true
		if token == "" {
			token, fromForm = r.Header.Get(csrfHeader), false
		}
		reason := ""
		switch {
		case !ok:
			reason = reasonNoCSRFCookie
		case token == "":
			reason = reasonCSRFTokenMissing
		default:
			reason = badTokenReason(token, secret, fromForm)
		}
		if reason != "" {
			s.Error(w, r, &httpError{status: http.StatusForbidden, key: "error.403.csrf", args: []any{"reason", reason}, hint: "error.403.csrf_hint"})
			return
		}
		transfer(s, w, r, true)
	})
}
