package server

import (
	"bytes"
	"crypto/hmac"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"cookielab/server/auth"
)

// Lesson 12's sessions kept in a signed cookie, beside the server-side
// ones: Django's signed_cookies backend. The session's data travels in the
// cookie itself, serialised and signed, on a cookie of its own
// (cookie_session) so it never touches sessionid. The server stores
// nothing, so the cookie grows with the data, and logging out can only ask
// the browser to drop it: a copy kept elsewhere still works.
//
// The format is Django's signing.dumps without compression:
// base64url(JSON) ":" base62(timestamp) ":" base64url(HMAC-SHA256), the key
// salted with the backend's name, as Django salts it.

const (
	cookieSessionCookie = "cookie_session"
	cookieSessionSalt   = "django.contrib.sessions.backends.signed_cookies"
	// browserCookieLimit is what a browser keeps of one cookie: its name
	// and value together (RFC 6265bis §5.6; Chromium refuses a larger one).
	browserCookieLimit = 4096
	// cookieSessionVerdictPrefix starts the line the lessons check.
	cookieSessionVerdictPrefix = "cookie session: "
)

// cookieSessions reads and writes sessions kept in a signed cookie.
type cookieSessions struct {
	signer   signer
	lifetime time.Duration // the cookie's Max-Age and the signature's max_age, as SESSION_COOKIE_AGE
	secure   bool          // always Secure, like the session cookie
	now      func() time.Time
	auth     *auth.Auth
}

// cookieSession is one request's cookie session.
type cookieSession struct {
	present bool   // the request carried the cookie
	valid   bool   // its signature matched, its timestamp is fresh and its data reads
	expired bool   // the signature matched, but it is older than the lifetime
	value   string // as received
	data    map[string]string
}

// load reads r's cookie session; anything but a valid one holds no data
// (Django: a bad signature is an empty session).
func (cs *cookieSessions) load(r *http.Request) cookieSession {
	out := cookieSession{data: map[string]string{}}
	c, err := r.Cookie(cookieSessionCookie)
	if err != nil {
		return out
	}
	out.present, out.value = true, c.Value
	payload, ok, fresh := cs.signer.unsignAt(c.Value, cs.lifetime, cs.now())
	if !ok {
		return out
	}
	if !fresh {
		out.expired = true
		return out
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return out
	}
	var data map[string]string
	if json.Unmarshal(raw, &data) != nil {
		return out
	}
	if data == nil {
		data = map[string]string{}
	}
	out.valid, out.data = true, data
	return out
}

// cookie is the Set-Cookie carrying data, signed now.
func (cs *cookieSessions) cookie(r *http.Request, data map[string]string) (*http.Cookie, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return nil, err
	}
	return &http.Cookie{
		Name:     cookieSessionCookie,
		Value:    cs.signer.signAt(base64.RawURLEncoding.EncodeToString(raw), cs.now()),
		Path:     "/",
		MaxAge:   int(cs.lifetime / time.Second),
		HttpOnly: true,
		Secure:   cs.secure || r.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	}, nil
}

// expiring deletes the cookie, with its attributes.
func (cs *cookieSessions) expiring(r *http.Request) *http.Cookie {
	return &http.Cookie{Name: cookieSessionCookie, Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: cs.secure || r.TLS != nil, SameSite: http.SameSiteLaxMode}
}

// user is who a valid cookie session is logged in as: its user id names an
// active user whose session hash still matches (a password change ends a
// cookie session too, as in Django).
func (cs *cookieSessions) user(sess cookieSession) (auth.User, bool) {
	if !sess.valid {
		return auth.User{}, false
	}
	u, ok := cs.auth.Users().Get(sess.data[auth.SessionUserKey])
	if !ok || !u.IsActive || !hmac.Equal([]byte(sess.data[auth.SessionHashKey]), []byte(cs.auth.SessionHash(u))) {
		return auth.User{}, false
	}
	return u, true
}

// verdict is the line the lessons check.
func (cs *cookieSessions) verdict(sess cookieSession) string {
	if u, ok := cs.user(sess); ok {
		return cookieSessionVerdictPrefix + "logged in as " + u.Username
	}
	return cookieSessionVerdictPrefix + "anonymous"
}

// cookieSize is what a browser's limit counts: name, "=" and value.
func cookieSize(c *http.Cookie) int { return len(c.Name) + len("=") + len(c.Value) }

// cookieSessionView is the answer page of POST /lab/cookie-session.
type cookieSessionView struct {
	Size, Limit int
	TooLarge    bool
	Keys        int
	Next        string
}

// handleCookieSessionPut handles "POST /lab/cookie-session": key=value into
// the cookie session (an empty value removes the key), then the whole
// cookie is sent again, however large: the answer page says how large, and
// whether a browser keeps it. Instead of value, fill=N (up to the browser's
// limit) stores N characters the server makes: one step of a lesson can
// pass the limit, with a form that stays small.
func handleCookieSessionPut(s *site, cs *cookieSessions) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, value, err := labEntry(r)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		if fill := r.PostForm.Get("fill"); fill != "" {
			n, err := strconv.Atoi(fill)
			if err != nil || n < 1 || n > browserCookieLimit || value != "" {
				s.Error(w, r, badRequest("error.400.cookiesession_fill", "max", browserCookieLimit))
				return
			}
			value = strings.Repeat("x", n)
		}
		sess := cs.load(r)
		data := sess.data
		if value == "" {
			delete(data, key)
		} else {
			if _, exists := data[key]; !exists && len(data) >= maxLabKeys {
				s.Error(w, r, badRequest("error.400.session_full"))
				return
			}
			data[key] = value
		}
		c, err := cs.cookie(r, data)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		http.SetCookie(w, c)
		pg := s.newPage(r)
		pg.Title = pg.T("cookiesession.title")
		size := cookieSize(c)
		next := ""
		if n := r.PostForm.Get("next"); n != "" {
			next = auth.SafeNext(n)
		}
		pg.Data = cookieSessionView{Size: size, Limit: browserCookieLimit, TooLarge: size > browserCookieLimit, Keys: len(data), Next: next}
		s.render(w, r, http.StatusOK, "cookie_session", pg)
	})
}

// handleCookieSessionLogin handles "POST /lab/cookie-session/login":
// username, a demo account; no password, since this is "sign this cookie
// session in as alice", not a login form. The data of a session that was
// another user's is dropped first, as Django's login() flushes it; then
// back.
func handleCookieSessionLogin(s *site, cs *cookieSessions) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.PostForm.Get("username")
		if !auth.IsDemoAccount(name) {
			s.Error(w, r, badRequest("error.400.cookiesession_user"))
			return
		}
		u, ok := cs.auth.Users().ByUsername(name)
		if !ok || !u.IsActive {
			s.Error(w, r, badRequest("error.400.cookiesession_user"))
			return
		}
		sess := cs.load(r)
		data := sess.data
		if id, ok := data[auth.SessionUserKey]; ok && id != u.ID {
			data = map[string]string{}
		}
		data = maps.Clone(data)
		data[auth.SessionUserKey] = u.ID
		data[auth.SessionHashKey] = cs.auth.SessionHash(u)
		c, err := cs.cookie(r, data)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		http.SetCookie(w, c)
		back(w, r)
	})
}

// handleCookieSessionLogout handles "POST /lab/cookie-session/logout": the
// cookie is expired, which is all a logout can do when the server keeps
// nothing; then back.
func handleCookieSessionLogout(cs *cookieSessions) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, cs.expiring(r))
		back(w, r)
	})
}

// handleCookieSessionShow handles "GET /lab/cookie-session": plain text of
// the cookie session as received: its size, whether it is validly signed,
// its data, and the verdict line.
func handleCookieSessionShow(s *site, cs *cookieSessions) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := prefsOf(r).Lang
		tr := func(key string, kv ...any) string { return s.i18n.translate(lang, key, kv...) }
		sess := cs.load(r)
		var b bytes.Buffer
		fmt.Fprintf(&b, "# %s\n", tr("cookiesession.intro"))
		switch {
		case !sess.present:
			fmt.Fprintf(&b, "%s: (none)\n", cookieSessionCookie)
		default:
			fmt.Fprintf(&b, "Cookie: %s=%s\n", cookieSessionCookie, shorten(sess.value))
			fmt.Fprintf(&b, "size: %d bytes\n", len(cookieSessionCookie)+1+len(sess.value))
			switch {
			case sess.valid:
				fmt.Fprintln(&b, "signature: valid")
			case sess.expired:
				fmt.Fprintf(&b, "signature: valid, but older than %s: expired\n", cs.lifetime)
			default:
				fmt.Fprintln(&b, signatureMismatch)
			}
		}
		keys := slices.Sorted(maps.Keys(sess.data))
		for _, k := range keys {
			fmt.Fprintf(&b, "data: %s=%s\n", k, shorten(sess.data[k]))
		}
		fmt.Fprintf(&b, "\n%s\n", cs.verdict(sess))
		writePlain(w, b.Bytes())
	})
}
