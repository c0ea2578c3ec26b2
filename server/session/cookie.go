package session

import (
	"net/http"
	"time"
)

// sessionCookie builds the Set-Cookie for value, valid until the session's
// absolute end. Max-Age counts what is left of the lifetime, so re-sending
// the cookie on a write never extends it.
// A browser-session cookie (ExpiryKey) has no Max-Age and no Expires.
func (m *Manager) sessionCookie(r *http.Request, value string, created, now time.Time, browserSession bool) *http.Cookie {
	if browserSession {
		return m.cookieUntil(r, value, time.Time{}, now)
	}
	return m.cookieUntil(r, value, created.Add(m.cfg.Lifetime), now)
}

// cookieUntil is the session cookie carrying value, kept by the browser
// until until (at least a second), or until it closes when until is zero.
func (m *Manager) cookieUntil(r *http.Request, value string, until, now time.Time) *http.Cookie {
	c := &http.Cookie{
		Name:     m.cfg.CookieName,
		Value:    value,
		Path:     "/",
		HttpOnly: true,
		Secure:   m.cfg.Secure || r.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	}
	if until.IsZero() {
		return c
	}
	left := until.Sub(now) / time.Second
	if left < 1 {
		left = 1
	}
	c.Expires, c.MaxAge = now.Add(left*time.Second), int(left)
	return c
}

// browserSession reports whether data asks for a browser-session cookie.
func browserSession(data map[string]string) bool { return data[ExpiryKey] == "0" }

// CookieFor returns the session cookie carrying value, with every
// attribute the manager gives its own and a Max-Age that ends at until (a
// browser-session cookie when until is zero): for the lab routes that
// write a session cookie the manager did not choose (one planted by lesson
// 11's attacker, one tampered with by lesson 12). Send it with PutCookie.
func (m *Manager) CookieFor(r *http.Request, value string, until time.Time) *http.Cookie {
	return m.cookieUntil(r, value, until, m.cfg.Now())
}

// PutCookie adds c to h in place of any earlier Set-Cookie line for the
// same name, as the manager does with its own: a response states one
// decision about a cookie.
func PutCookie(h http.Header, c *http.Cookie) { setCookie(h, c) }

// clearingCookie expires the session cookie: Max-Age=0 plus a 1970 Expires
// for clients that ignore Max-Age, with the attributes it was set with.
func (m *Manager) clearingCookie(r *http.Request) *http.Cookie {
	return &http.Cookie{
		Name:     m.cfg.CookieName,
		Value:    "",
		Path:     "/",
		Expires:  time.Unix(0, 0),
		MaxAge:   -1,
		HttpOnly: true,
		Secure:   m.cfg.Secure || r.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	}
}

// setCookie adds c to h, replacing any earlier Set-Cookie line for the same
// cookie name: a response states one decision about the session cookie.
func setCookie(h http.Header, c *http.Cookie) {
	line := c.String()
	if line == "" {
		return
	}
	prefix := c.Name + "="
	old := h["Set-Cookie"]
	kept := old[:0:0]
	for _, l := range old {
		if len(l) < len(prefix) || l[:len(prefix)] != prefix {
			kept = append(kept, l)
		}
	}
	h["Set-Cookie"] = append(kept, line)
}
