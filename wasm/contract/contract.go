// Package contract holds the names and rules that the server, the panel,
// the lessons and the browser suite must agree on: the session life-cycle
// event kinds and their reasons, the echo's form field, header and nonce
// rule, the cookie-name rule and the one placeholder syntax of interface
// strings. Each is defined here once; everything else refers to it.
//
// It imports nothing but strings, so the WebAssembly panel can use it
// without growing (package wasm/state, which also holds these kinds for
// the server, imports time).
package contract

import "strings"

// Event kinds of a session's life cycle.
const (
	Created   = "created"   // a new session record was stored (first write, or sign-up)
	Rotated   = "rotated"   // the id changed (login): data kept, old record deleted
	Destroyed = "destroyed" // logout: record deleted and cookie expired
	Expired   = "expired"   // idle timeout or absolute lifetime passed
	Rejected  = "rejected"  // a cookie named no usable session (see Reason*)
)

// EventKinds lists the kinds in life-cycle order.
var EventKinds = []string{Created, Rotated, Destroyed, Expired, Rejected}

// Reasons carried by a Rejected (or Expired) event.
const (
	ReasonBadSignature = "bad-signature" // the cookie's HMAC did not verify: edited or invented
	ReasonUnknown      = "unknown"       // validly signed, but no such record (logged out, swept, restarted)
	ReasonExpired      = "expired"       // the record's idle or absolute deadline passed
	ReasonIdle         = "idle"          // Expired: idle timeout
	ReasonAbsolute     = "absolute"      // Expired: absolute lifetime
	ReasonInterrupted  = "interrupted"   // a write lost the race with a logout (Django's SessionInterrupted)
)

// The echo: a form's hidden field (or a fetch's header) carries a nonce the
// panel drew; the server keeps that response's echo under it.
const (
	EchoField   = "_echo"             // hidden form field carrying an action's echo nonce
	EchoHeader  = "X-Cookielab-Echo"  // the same for fetch calls
	EchoRefresh = "cookielab:refresh" // DOM event asking the panel to look again
)

// NonceBytes is the size of an echo nonce: 128 bits.
const NonceBytes = 16

// Nonce formats random bytes as an echo nonce (lower-case hex).
func Nonce(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 2*len(b))
	for i, c := range b {
		out[2*i], out[2*i+1] = digits[c>>4], digits[c&15]
	}
	return string(out)
}

// ValidNonce reports whether s is a nonce as Nonce makes them from
// NonceBytes bytes: exactly 32 lower-case hex digits. The server accepts
// nothing else, so nothing else is ever kept, logged or put in a URL.
func ValidNonce(s string) bool {
	if len(s) != 2*NonceBytes {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// MaxCookieName bounds the cookie names Cookie Lab sets or names.
const MaxCookieName = 64

// ValidCookieName reports whether n is a cookie name Cookie Lab accepts
// from a learner or a lesson: an RFC 6265 token (visible ASCII without
// separators) of 1 to MaxCookieName characters.
func ValidCookieName(n string) bool {
	if n == "" || len(n) > MaxCookieName {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`()<>@,;:\"/[]?={}`, c) >= 0 {
			return false
		}
	}
	return true
}

// Fill replaces each {name} in s with its value from kv (name, value
// pairs): the one placeholder syntax of every interface string, on the
// server and in the panel. Unknown placeholders stay as they are, so a
// missing argument is visible rather than blank.
func Fill(s string, kv ...string) string {
	if strings.IndexByte(s, '{') < 0 {
		return s
	}
	for i := 0; i+1 < len(kv); i += 2 {
		s = strings.ReplaceAll(s, "{"+kv[i]+"}", kv[i+1])
	}
	return s
}
