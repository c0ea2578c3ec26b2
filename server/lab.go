package server

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"cookielab/server/auth"
	"cookielab/server/session"
	"cookielab/wasm/contract"
)

// The playground the lessons use: a session key of your own, a cookie of
// your own, the tracking cookie of lesson 4, what the server received, and
// the header template beside its output.

// back sends the learner back where the form came from: the form's next
// field, else the Referer when it is this site's, else the index.
func back(w http.ResponseWriter, r *http.Request) {
	next := r.PostForm.Get("next")
	if next == "" {
		if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host {
			next = ref.RequestURI()
		}
	}
	http.Redirect(w, r, auth.SafeNext(next), http.StatusSeeOther)
}

// Bounds of the session playground.
const (
	maxLabKey   = 64
	maxLabValue = 1024
	maxLabKeys  = 50
)

// labEntry reads the key and value fields of a session playground (the
// server-side one, and lesson 12's session in a signed cookie). Keys
// starting with "_" belong to the auth system.
func labEntry(r *http.Request) (key, value string, err error) {
	key, value = r.PostForm.Get("key"), r.PostForm.Get("value")
	switch {
	case key == "" || len(key) > maxLabKey || len(value) > maxLabValue || !utf8.ValidString(key+value):
		return "", "", badRequest("error.400.session_field")
	case strings.HasPrefix(key, "_"):
		return "", "", badRequest("error.400.session_key")
	}
	return key, value, nil
}

// handleLabSession handles "POST /lab/session": key=value into the
// caller's session (created if needed); an empty value removes the key.
// Keys starting with "_" belong to the auth system.
func handleLabSession(s *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, value, err := labEntry(r)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		sess := session.FromContext(r.Context())
		if value == "" {
			sess.Delete(key)
		} else {
			if _, exists := sess.Get(key); !exists && len(sess.Data()) >= maxLabKeys {
				s.Error(w, r, badRequest("error.400.session_full"))
				return
			}
			sess.Put(key, value)
		}
		back(w, r)
	})
}

// The learner's jar is capped, so their own browser never sends more than
// the server reads (DefaultMaxHeaderBytes; beyond it every page is a 431):
// a new lab cookie is refused once the cookies the request carries, plus
// it, would pass maxJarCookies or maxJarBytes of Cookie header. 8 KiB is a
// quarter of the header limit, and well under what browsers keep for a
// site (Chromium: 180 cookies of up to 4 KiB each). Deleting is always
// allowed: it is the way out.
const (
	maxJarCookies = 40
	maxJarBytes   = 8 << 10
)

// handleLabCookie handles "POST /lab/cookie": a cookie of the learner's own
// with the attributes they chose; max_age=0 deletes it.
func handleLabCookie(s *site, sessionCookie string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := labCookie(r.PostForm, sessionCookie)
		if err == nil && c.MaxAge >= 0 {
			err = roomInJar(r, c)
		}
		if err != nil {
			s.Error(w, r, err)
			return
		}
		http.SetCookie(w, c)
		back(w, r)
	})
}

// roomInJar refuses c when the cookies this request carries, with c added,
// would pass the jar's cap. c counts as new even if a cookie of that name
// is sent already: with another Path, the browser keeps both.
func roomInJar(r *http.Request, c *http.Cookie) error {
	n, size := sentCookies(r)
	if n+1 > maxJarCookies || size+len("; ")+len(c.Name)+len("=")+len(c.Value) > maxJarBytes {
		return badRequest("error.400.cookie_jar_full", "n", n, "bytes", size, "max", maxJarCookies, "maxbytes", maxJarBytes)
	}
	return nil
}

// sentCookies counts the cookies of r's Cookie header (however many lines
// it came in) and the header's size in bytes.
func sentCookies(r *http.Request) (n, size int) {
	for _, line := range r.Header.Values("Cookie") {
		for part := range strings.SplitSeq(line, ";") {
			if strings.TrimSpace(part) != "" {
				n++
			}
		}
		if size > 0 {
			size += len("; ")
		}
		size += len(line)
	}
	return n, size
}

// labCookie validates the cookie form. Each rule's message says what is
// allowed, because a learner typed it.
func labCookie(v url.Values, sessionCookie string) (*http.Cookie, error) {
	c := &http.Cookie{Name: v.Get("name"), Value: v.Get("value"), Path: v.Get("path")}
	if !contract.ValidCookieName(c.Name) {
		return nil, badRequest("error.400.cookie_name")
	}
	if c.Name == sessionCookie {
		return nil, badRequest("error.400.cookie_reserved")
	}
	if len(c.Value) > 1024 || strings.ContainsFunc(c.Value, func(r rune) bool {
		return r <= ' ' || r >= 0x7f || r == '"' || r == ',' || r == ';' || r == '\\'
	}) {
		return nil, badRequest("error.400.cookie_value")
	}
	if c.Path == "" {
		c.Path = "/"
	}
	if c.Path[0] != '/' || len(c.Path) > 256 || strings.ContainsFunc(c.Path, func(r rune) bool {
		return r < 0x20 || r >= 0x7f || r == ';'
	}) {
		return nil, badRequest("error.400.cookie_path")
	}
	// Every path a cookie may have is sent to /lab/cookie (so roomInJar
	// sees every lab cookie the browser holds) and to /lab/reset (which
	// deletes at each): contract.CookiePaths.
	if !slices.Contains(contract.CookiePaths, c.Path) {
		return nil, badRequest("error.400.cookie_path_unseen")
	}
	if ma := v.Get("max_age"); ma != "" {
		n, err := strconv.Atoi(ma)
		if err != nil || n < 0 || n > 400*24*3600 {
			return nil, badRequest("error.400.cookie_maxage")
		}
		c.MaxAge = n
		if n == 0 {
			c.MaxAge = -1 // Go writes Max-Age=0: delete now
		}
	}
	c.HttpOnly = v.Get("httponly") != ""
	c.Secure = v.Get("secure") != ""
	switch v.Get("samesite") {
	case "", "Lax":
		c.SameSite = http.SameSiteLaxMode
	case "Strict":
		c.SameSite = http.SameSiteStrictMode
	case "None":
		c.SameSite = http.SameSiteNoneMode
	default:
		return nil, badRequest("error.400.cookie_samesite")
	}
	return c, nil
}

// handleLabReset handles "POST /lab/reset": a clean slate. The session
// ends (a logout, if logged in) and every cookie the request carried is
// deleted (the lab switches with them: every defence is back on), except
// the preference cookies (preferenceCookies) when keep_prefs is on. The
// browser never tells the server a cookie's path, so each is deleted at
// every path a cookie of the site may have (contract.CookiePaths).
func handleLabReset(a *auth.Auth, sessionCookie string, attackers *attackers) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.Logout(r)
		attackers.forget(r) // lesson 11's attacker goes with its cookie
		keepPrefs := r.PostForm.Get("keep_prefs") != ""
		seen := map[string]bool{sessionCookie: true}
		for _, c := range cookiesOf(r) {
			if seen[c.Name] || keepPrefs && slices.Contains(preferenceCookies, c.Name) {
				continue
			}
			seen[c.Name] = true
			if sw, ok := switchOfCookie(c.Name); ok {
				http.SetCookie(w, sw.onCookie()) // with its own attributes (Secure)
				continue
			}
			for _, path := range contract.CookiePaths {
				http.SetCookie(w, &http.Cookie{Name: c.Name, Path: path, MaxAge: -1})
			}
		}
		back(w, r)
	})
}

// handleLabTracking handles "POST /lab/tracking": on=1 starts the visits
// cookie that every page view then increments; on=0 deletes it.
func handleLabTracking() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := prefCookie("visits", "0")
		if r.PostForm.Get("on") != "1" {
			c.MaxAge = -1
		}
		http.SetCookie(w, c)
		back(w, r)
	})
}

// countVisit is the tracking example of lesson 4: while the visitor has
// opted in (a visits cookie exists), every page view increments it and the
// page shows the count. A page never creates the cookie; "" means off.
func countVisit(w http.ResponseWriter, r *http.Request) string {
	c, ok := cookieNamed(r, "visits")
	if !ok {
		return ""
	}
	n, err := strconv.Atoi(c.Value)
	if err != nil || n < 0 || n >= 1_000_000_000 {
		n = 0
	}
	n++
	v := prefCookie("visits", strconv.Itoa(n))
	http.SetCookie(w, v)
	return v.Value
}

// requestCounter numbers requests to /lab/request since the start.
type requestCounter struct{ n atomic.Int64 }

// handleLabRequest handles "GET /lab/request": plain text of exactly what the
// server received, to show that without a cookie two requests look alike.
// The notes under it are in the visitor's language.
func handleLabRequest(s *site, counter *requestCounter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := counter.n.Add(1)
		lang := prefsOf(r).Lang
		var b bytes.Buffer
		fmt.Fprintf(&b, "%s %s %s\n", r.Method, r.URL.RequestURI(), r.Proto)
		fmt.Fprintf(&b, "Host: %s\n", r.Host)
		fmt.Fprintf(&b, "From: %s\n", r.RemoteAddr)
		cookie := r.Header.Get("Cookie")
		if cookie == "" {
			cookie = "(none)"
		}
		fmt.Fprintf(&b, "Cookie: %s\n", cookie)
		for _, h := range []string{"User-Agent", "Accept", "Accept-Language", "Sec-Fetch-Site"} {
			if v := r.Header.Get(h); v != "" {
				fmt.Fprintf(&b, "%s: %s\n", h, v)
			}
		}
		fmt.Fprintf(&b, "\n# %s\n", s.i18n.translate(lang, "lab.request.count", "n", n))
		if cookie == "(none)" {
			fmt.Fprintf(&b, "# %s\n", s.i18n.translate(lang, "lab.request.nocookie"))
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(b.Bytes())
	})
}

// handleLabTemplate handles "GET /lab/template": the greeting partial's
// source beside its output for this visitor, an anonymous one and a
// logged-in one, rendered now by the real template.
func handleLabTemplate(s *site, users *auth.Users, source string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pg := s.newPage(r)
		pg.Title = pg.T("template.title")
		renderAs := func(u *auth.User) (template.HTML, error) {
			variant := *pg
			variant.User = u
			var buf bytes.Buffer
			err := s.pages["template"].ExecuteTemplate(&buf, "greeting", &variant)
			return template.HTML(buf.String()), err
		}
		you, err1 := renderAs(pg.User)
		anon, err2 := renderAs(nil)
		alice, _ := users.ByUsername("alice")
		alice.PasswordHash = ""
		loggedIn, err3 := renderAs(&alice)
		for _, err := range []error{err1, err2, err3} {
			if err != nil {
				s.Error(w, r, err)
				return
			}
		}
		pg.Data = struct {
			Source              string
			You, Anon, LoggedIn template.HTML
		}{source, you, anon, loggedIn}
		s.render(w, r, http.StatusOK, "template", pg)
	})
}
