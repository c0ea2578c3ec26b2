package session

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/gorilla/securecookie"
)

// idBytes is the session id's entropy: 256 bits.
const idBytes = 32

// idLen is the length of an id in its base64url (unpadded) text form.
var idLen = base64.RawURLEncoding.EncodedLen(idBytes)

// Errors Decode wraps, so callers (and the lessons) can tell a forged cookie
// from one that is merely old. Both mean "no session" to the Manager.
var (
	ErrBadCookie     = errors.New("session: cookie is not validly signed")
	ErrCookieExpired = errors.New("session: cookie timestamp has expired")
)

// newCodecs builds one securecookie codec per key pair: HMAC-SHA256, the
// id as raw bytes (no gob), and a MaxAge of the session's lifetime.
func newCodecs(hashKeys, blockKeys [][]byte, lifetime time.Duration) []securecookie.Codec {
	pairs := make([][]byte, 0, 2*len(hashKeys))
	for i, hk := range hashKeys {
		var bk []byte
		if len(blockKeys) > 0 {
			bk = blockKeys[i]
		}
		pairs = append(pairs, hk, bk)
	}
	codecs := securecookie.CodecsFromPairs(pairs...)
	for _, c := range codecs {
		sc := c.(*securecookie.SecureCookie)
		sc.MaxAge(int(lifetime / time.Second))
		sc.HashFunc(sha256.New)
		sc.SetSerializer(securecookie.NopEncoder{})
	}
	return codecs
}

// checkCodecs tries every codec once, not just the signing one, so a bad
// key pair is an error at start rather than a surprise at the first request.
func (m *Manager) checkCodecs() error {
	for i, c := range m.codecs {
		probe := newID()
		v, err := c.Encode(m.cfg.CookieName, []byte(probe))
		if err != nil {
			return fmt.Errorf("session: key pair %d: %w", i, err)
		}
		if got, err := m.Decode(v); err != nil || got != probe {
			return fmt.Errorf("session: key pair %d does not round-trip: %v", i, err)
		}
	}
	return nil
}

// Encode signs (and, with BlockKeys, encrypts) a session id into a cookie
// value with the first key pair.
func (m *Manager) Encode(id string) (string, error) {
	return securecookie.EncodeMulti(m.cfg.CookieName, []byte(id), m.codecs...)
}

// Decode verifies a cookie value with every key pair in turn and returns
// the id it carries. The error wraps ErrCookieExpired when the signature is
// good but the cookie is older than Lifetime, ErrBadCookie otherwise.
// Garbage of any size is an error, never a panic.
//
// It accepts and refuses exactly what securecookie.DecodeMulti with
// m.codecs does (verify.go; FuzzDecodeAsSecurecookie holds it to that),
// without building an HMAC per call, and answers a value that named a
// live record a moment ago from memory (verified.go).
func (m *Manager) Decode(value string) (string, error) {
	v, _, err := m.decode(value)
	return v.id, err
}

// decode is Decode, with the time the value was signed and whether it was
// remembered.
func (m *Manager) decode(value string) (v verifiedCookie, remembered bool, err error) {
	if v, ok := m.verified.get(value); ok {
		if m.verifier.expired(v.signed) {
			m.verified.forget(value)
			return verifiedCookie{}, false, ErrCookieExpired
		}
		return v, true, nil
	}
	if v.id, v.signed, err = m.verifier.decode(value); err != nil {
		return verifiedCookie{}, false, err
	}
	if !validID(v.id) {
		// Signed with our key but not one of our ids: never let it reach the store.
		return verifiedCookie{}, false, fmt.Errorf("%w: malformed id", ErrBadCookie)
	}
	return v, false, nil
}

// newID returns 256 bits from crypto/rand as unpadded base64url.
func newID() string {
	b := make([]byte, idBytes)
	rand.Read(b) // never fails (Go >= 1.24 crashes the program instead)
	return base64.RawURLEncoding.EncodeToString(b)
}

// validID reports whether id has the form newID gives: exactly idBytes in
// canonical unpadded base64url (Strict: no stray bits in the last
// character, so one id has one spelling).
func validID(id string) bool {
	_, ok := decodeID(id)
	return ok
}

// NewID returns a new session id, as the Manager makes them (for tests of
// stores outside this package).
func NewID() string { return newID() }

// ValidID reports whether id has the form the Manager generates. A Store
// outside this package uses it to refuse (Create) or not find (Get) any
// other id, as the contract asks.
func ValidID(id string) bool { return validID(id) }

// decodeID returns the raw bytes of a valid id.
func decodeID(id string) (raw [idBytes]byte, ok bool) {
	if len(id) != idLen {
		return raw, false
	}
	n, err := strictID.Decode(raw[:], []byte(id))
	return raw, err == nil && n == idBytes
}

var strictID = base64.RawURLEncoding.Strict()
