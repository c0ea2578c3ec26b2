// Package contract holds the names and rules that the server, the panel,
// the lessons and the browser suite must agree on: the session life-cycle
// event kinds and their reasons, the echo's form field, header and nonce
// rule, the cookie-name rule, the paths cookies are set at, and the one
// placeholder syntax of interface strings. Each is defined here once;
// everything else refers to it.
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

	// Reasons a Destroyed event carries: why the session was ended.
	ReasonLogout          = "logout"           // the learner logged out (or reset)
	ReasonOtherUser       = "another-user"     // a login as a different user: Django flushes the old session
	ReasonPasswordChanged = "password-changed" // the password changed since this session logged in
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

// How Go's net/http reads a received cookie pair, when not as sent
// (state.Cookie.NetHTTP).
const (
	NetHTTPDrops = "drops" // Request.Cookies skips the pair (a name or value it rejects)
	NetHTTPReads = "reads" // it reads another name or value: it strips the quotes of "v", reads a nameless "v" as the name v
)

// CookiePaths are the only Paths Cookie Lab's responses give a cookie:
// the session, preference, CSRF and switch cookies are at "/", a lab
// cookie at either (POST /lab/cookie refuses others), lesson 11's attacker
// cookie at "/lab". So a same-site request to a path every one of them
// covers (/lab, /lab/…) carries every cookie the site set: the panel
// reads its Cookie header as the whole jar, and POST /lab/reset deletes
// each cookie at each of these paths (the browser never says which).
var CookiePaths = []string{"/", "/lab"}

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

// Reasons lists the reasons an event may carry.
var Reasons = []string{ReasonBadSignature, ReasonUnknown, ReasonExpired, ReasonIdle, ReasonAbsolute, ReasonInterrupted,
	ReasonLogout, ReasonOtherUser, ReasonPasswordChanged}

// eventWords and reasonWords are what the learner reads for each kind and
// reason, everywhere: the panel's timeline, the lessons' checks. (Lists,
// not maps: a map literal's initialisation code would grow the panel.)
var (
	eventWords = [][3]string{
		{Created, "created", "생성됨"},
		{Rotated, "rotated", "교체됨"},
		{Destroyed, "destroyed", "삭제됨"},
		{Expired, "expired", "만료됨"},
		{Rejected, "rejected", "거부됨"},
	}
	reasonWords = [][3]string{
		{ReasonBadSignature, "bad signature", "서명 불일치"},
		{ReasonUnknown, "unknown id", "알 수 없는 ID"},
		{ReasonExpired, "past its deadline", "기한 지남"},
		{ReasonIdle, "idle timeout", "유휴 시간 초과"},
		{ReasonAbsolute, "absolute lifetime reached", "절대 수명 도달"},
		{ReasonInterrupted, "interrupted by a logout", "로그아웃으로 중단됨"},
		{ReasonLogout, "logged out", "로그아웃"},
		{ReasonOtherUser, "another user logged in", "다른 사용자가 로그인함"},
		{ReasonPasswordChanged, "the password changed", "비밀번호가 바뀜"},
	}
)

// EventWord is an event kind as the learner reads it in lang ("en" or
// "ko"); an unknown kind is shown as the server names it.
func EventWord(kind, lang string) string { return word(eventWords, kind, lang) }

// ReasonWord is an event reason as the learner reads it in lang.
func ReasonWord(reason, lang string) string { return word(reasonWords, reason, lang) }

func word(words [][3]string, key, lang string) string {
	for _, w := range words {
		if w[0] == key {
			if lang == "ko" {
				return w[2]
			}
			return w[1]
		}
	}
	return key
}
