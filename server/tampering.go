package server

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"cookielab/server/session"
)

// Lesson 12's tampering: a signed cookie a script can edit (and the server
// then ignores), and the learner's own session cookie edited by a byte (the
// lab does the edit: the cookie is HttpOnly).

// signedNoteCookie is the signed, script-visible lab cookie.
const signedNoteCookie = "signed_note"

// maxSignedNote bounds the value a learner signs.
const maxSignedNote = 64

// validNote reports whether v can be signed as a note: 1 to 64 printable
// ASCII characters, none that a cookie value would need quoting for
// (space, quotes, comma, semicolon, backslash).
func validNote(v string) bool {
	return v != "" && len(v) <= maxSignedNote && !strings.ContainsFunc(v, func(r rune) bool {
		return r <= ' ' || r >= 0x7f || r == '"' || r == '\'' || r == ',' || r == ';' || r == '\\'
	})
}

// handleLabSigned handles "POST /lab/signed": value, signed with the
// server's key into the script-visible cookie signed_note (value:signature,
// as Django's signing does), then back.
func handleLabSigned(s *site, notes signer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := r.PostForm.Get("value")
		if !validNote(v) {
			s.Error(w, r, badRequest("error.400.signed_value", "max", maxSignedNote))
			return
		}
		c := &http.Cookie{Name: signedNoteCookie, Value: notes.sign(v), Path: "/", SameSite: http.SameSiteLaxMode}
		if _, err := r.Cookie(signedNoteCookie); err != nil {
			if err := roomInJar(r, c); err != nil {
				s.Error(w, r, err)
				return
			}
		}
		http.SetCookie(w, c)
		back(w, r)
	})
}

// handleLabSignedShow handles "GET /lab/signed": plain text of the
// signed_note cookie as received and whether its signature matches.
func handleLabSignedShow(s *site, notes signer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := prefsOf(r).Lang
		var b bytes.Buffer
		c, err := r.Cookie(signedNoteCookie)
		switch {
		case err != nil:
			fmt.Fprintf(&b, "%s: (none)\n\n# %s\n", signedNoteCookie, s.i18n.translate(lang, "signed.none"))
		default:
			fmt.Fprintf(&b, "Cookie: %s=%s\n", signedNoteCookie, c.Value)
			if v, ok := notes.unsign(c.Value); ok {
				fmt.Fprintf(&b, "signature: valid, value %s\n\n# %s\n", strconv.Quote(v), s.i18n.translate(lang, "signed.valid"))
			} else {
				fmt.Fprintf(&b, "%s\n\n# %s\n", signatureMismatch, s.i18n.translate(lang, "signed.mismatch"))
			}
		}
		writePlain(w, b.Bytes())
	})
}

// signatureMismatch is the line the lessons check when a signature fails.
const signatureMismatch = "signature: does not match: the server ignores this value"

// handleLabTamper handles "POST /lab/tamper": this response sets the
// learner's own session cookie to its current value with one character
// changed, with the cookie's attributes; then back. The next request takes
// the ordinary path: the signature fails, the session manager records
// "rejected bad-signature" and clears the cookie.
func handleLabTamper(s *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess := session.FromContext(r.Context())
		value := sess.CookieValue()
		if value == "" {
			s.Error(w, r, badRequest("error.400.tamper_no_session", "name", s.sessions.Config().CookieName))
			return
		}
		until := sess.Created().Add(s.sessions.Config().Lifetime)
		session.PutCookie(w.Header(), s.sessions.CookieFor(r, tamper(value), until))
		replacedSessionCookie(r)
		back(w, r)
	})
}

// tamper changes the character in the middle of v, which is base64 text
// (securecookie's): far from the padding, so the bytes it encodes change.
func tamper(v string) string {
	i := len(v) / 2
	c := byte('A')
	if v[i] == 'A' {
		c = 'B'
	}
	return v[:i] + string(c) + v[i+1:]
}
