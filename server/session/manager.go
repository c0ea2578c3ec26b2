// Package session owns Cookie Lab's server-side sessions: the Store
// interface and its in-memory implementation, the signed session cookie,
// and the Manager middleware that loads a session before a handler runs and
// saves, rotates or destroys it before the response goes out, recording each
// life-cycle event (created, rotated, destroyed, expired, rejected).
//
// It follows Django's behaviour, which the lessons teach: sessions are
// created lazily (only when something is stored), a missing, tampered,
// unknown or expired cookie is just "no session" and gets cleared, and a
// write that loses the race with a logout is refused (400) rather than
// bringing the deleted session back.
package session

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/gorilla/securecookie"

	"cookielab/wasm/state"
)

// Config configures a Manager. Zero values pick the defaults.
type Config struct {
	CookieName  string        // default "sessionid"
	IdleTimeout time.Duration // default 2h; session ends after this long without a request
	Lifetime    time.Duration // default 14 days (Django's SESSION_COOKIE_AGE); absolute, from creation; the cookie's Max-Age
	Secure      bool          // always mark the cookie Secure; otherwise only when r.TLS != nil
	HashKeys    [][]byte      // HMAC-SHA256 keys, >= 32 bytes each; the first signs, all verify (key rotation). Required.
	BlockKeys   [][]byte      // optional AES keys (16/24/32 bytes) paired by index with HashKeys; encrypts the id

	Now           func() time.Time // default time.Now (tests inject a clock)
	OnInterrupted http.Handler     // writes the 400 when a write lost the race with a logout
}

// Defaults, after Django's.
const (
	DefaultCookieName  = "sessionid"
	DefaultIdleTimeout = 2 * time.Hour
	DefaultLifetime    = 1209600 * time.Second // 14 days

	// InterruptedMessage is the body of the default OnInterrupted response.
	InterruptedMessage = "Your session ended in another request (for example you logged out in another tab) while this one was running, so this change was not saved. Please log in again."
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

// Manager loads and saves sessions for requests. It is safe for concurrent
// use; create one per application.
type Manager struct {
	store  Store
	cfg    Config
	codecs []securecookie.Codec
}

// NewManager checks cfg, fills in defaults and builds the cookie codecs.
// Bad keys are an error here, not a surprise at the first request.
func NewManager(store Store, cfg Config) (*Manager, error) {
	if store == nil {
		return nil, errors.New("session: nil Store")
	}
	if cfg.CookieName == "" {
		cfg.CookieName = DefaultCookieName
	}
	if err := (&http.Cookie{Name: cfg.CookieName, Value: "x"}).Valid(); err != nil {
		return nil, fmt.Errorf("session: invalid CookieName %q: %w", cfg.CookieName, err)
	}
	if cfg.IdleTimeout < 0 || cfg.Lifetime < 0 {
		return nil, errors.New("session: IdleTimeout and Lifetime must not be negative")
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.Lifetime == 0 {
		cfg.Lifetime = DefaultLifetime
	}
	if cfg.Lifetime < time.Second {
		// The cookie's Max-Age and securecookie's MaxAge count whole seconds.
		return nil, errors.New("session: Lifetime must be at least one second")
	}
	if len(cfg.HashKeys) == 0 {
		return nil, errors.New("session: at least one hash key is required")
	}
	for i, k := range cfg.HashKeys {
		if len(k) < 32 {
			return nil, fmt.Errorf("session: HashKeys[%d] is %d bytes; HMAC-SHA256 needs at least 32", i, len(k))
		}
	}
	if len(cfg.BlockKeys) > 0 && len(cfg.BlockKeys) != len(cfg.HashKeys) {
		return nil, fmt.Errorf("session: %d BlockKeys for %d HashKeys; they pair by index", len(cfg.BlockKeys), len(cfg.HashKeys))
	}
	for i, k := range cfg.BlockKeys {
		if n := len(k); n != 16 && n != 24 && n != 32 {
			return nil, fmt.Errorf("session: BlockKeys[%d] is %d bytes; AES needs 16, 24 or 32", i, n)
		}
	}
	// Own copies, so a caller reusing its slices cannot change live keys.
	cfg.HashKeys = cloneKeys(cfg.HashKeys)
	cfg.BlockKeys = cloneKeys(cfg.BlockKeys)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.OnInterrupted == nil {
		cfg.OnInterrupted = http.HandlerFunc(defaultInterrupted)
	}

	pairs := make([][]byte, 0, 2*len(cfg.HashKeys))
	for i, hk := range cfg.HashKeys {
		var bk []byte
		if len(cfg.BlockKeys) > 0 {
			bk = cfg.BlockKeys[i]
		}
		pairs = append(pairs, hk, bk)
	}
	codecs := securecookie.CodecsFromPairs(pairs...)
	for _, c := range codecs {
		sc := c.(*securecookie.SecureCookie)
		sc.MaxAge(int(cfg.Lifetime / time.Second))
		sc.HashFunc(sha256.New)
		sc.SetSerializer(securecookie.NopEncoder{})
	}
	m := &Manager{store: store, cfg: cfg, codecs: codecs}
	// Every codec must work, not just the signing one: try each once.
	for i, c := range codecs {
		probe := newID()
		v, err := c.Encode(cfg.CookieName, []byte(probe))
		if err != nil {
			return nil, fmt.Errorf("session: key pair %d: %w", i, err)
		}
		if got, err := m.Decode(v); err != nil || got != probe {
			return nil, fmt.Errorf("session: key pair %d does not round-trip: %v", i, err)
		}
	}
	return m, nil
}

func cloneKeys(keys [][]byte) [][]byte {
	if keys == nil {
		return nil
	}
	out := make([][]byte, len(keys))
	for i, k := range keys {
		out[i] = slices.Clone(k)
	}
	return out
}

func defaultInterrupted(w http.ResponseWriter, _ *http.Request) {
	http.Error(w, InterruptedMessage, http.StatusBadRequest)
}

// Config returns the effective configuration, defaults filled in. The key
// slices are copies.
func (m *Manager) Config() Config {
	c := m.cfg
	c.HashKeys = cloneKeys(c.HashKeys)
	c.BlockKeys = cloneKeys(c.BlockKeys)
	return c
}

// Store returns the store the Manager uses (for example to end a user's
// other sessions after a password change).
func (m *Manager) Store() Store { return m.store }

// Encode signs (and, with BlockKeys, encrypts) a session id into a cookie
// value with the first key pair.
func (m *Manager) Encode(id string) (string, error) {
	return securecookie.EncodeMulti(m.cfg.CookieName, []byte(id), m.codecs...)
}

// Decode verifies a cookie value with every key pair in turn and returns
// the id it carries. The error wraps ErrCookieExpired when the signature is
// good but the cookie is older than Lifetime, ErrBadCookie otherwise.
// Garbage of any size is an error, never a panic.
func (m *Manager) Decode(value string) (string, error) {
	var b []byte
	if err := securecookie.DecodeMulti(m.cfg.CookieName, value, &b, m.codecs...); err != nil {
		if isExpired(err) {
			return "", fmt.Errorf("%w: %v", ErrCookieExpired, err)
		}
		return "", fmt.Errorf("%w: %v", ErrBadCookie, err)
	}
	id := string(b)
	if !validID(id) {
		// Signed with our key but not one of our ids: never let it reach the store.
		return "", fmt.Errorf("%w: malformed id", ErrBadCookie)
	}
	return id, nil
}

// expiredMsg is securecookie's text for a good MAC with a too-old
// timestamp; the error value itself is unexported.
const expiredMsg = "securecookie: expired timestamp"

// isExpired reports whether any codec got as far as the timestamp check
// and found it too old. That check runs only after the MAC verified, so the
// cookie was genuinely ours.
func isExpired(err error) bool {
	var multi securecookie.MultiError
	if errors.As(err, &multi) {
		return slices.ContainsFunc(multi, func(e error) bool { return e != nil && e.Error() == expiredMsg })
	}
	return err.Error() == expiredMsg
}

// newID returns 256 bits from crypto/rand as unpadded base64url.
func newID() string {
	b := make([]byte, idBytes)
	rand.Read(b) // never fails (Go >= 1.24 crashes the program instead)
	return base64.RawURLEncoding.EncodeToString(b)
}

func validID(id string) bool {
	if len(id) != idLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Describe reports the stored session behind s for GET /api/state, or nil
// when there is none (anonymous, destroyed, expired). Call it after Commit
// so the times and cookie are the ones the response carries.
func (m *Manager) Describe(s *Session) *state.Session {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stored == nil {
		return nil
	}
	rec := s.stored
	idle := rec.LastSeen.Add(m.cfg.IdleTimeout)
	abs := rec.Created.Add(m.cfg.Lifetime)
	return &state.Session{
		ID:              rec.ID,
		Cookie:          s.cookie,
		Created:         rec.Created,
		LastSeen:        rec.LastSeen,
		Expires:         rec.Deadline,
		IdleExpires:     idle,
		AbsoluteExpires: abs,
		Data:            cloneData(s.data),
	}
}

// deadline is when a record seen at lastSeen may be forgotten.
func (m *Manager) deadline(created, lastSeen time.Time) time.Time {
	idle := lastSeen.Add(m.cfg.IdleTimeout)
	if abs := created.Add(m.cfg.Lifetime); abs.Before(idle) {
		return abs
	}
	return idle
}

// expiryReason says which deadline ended rec: the one that came first,
// which is the one its Deadline was set from.
func (m *Manager) expiryReason(rec Record) string {
	if rec.Deadline.Before(rec.Created.Add(m.cfg.Lifetime)) {
		return state.ReasonIdle
	}
	return state.ReasonAbsolute
}

// sessionCookie builds the Set-Cookie for value, valid until the session's
// absolute end. Max-Age counts what is left of the lifetime, so re-sending
// the cookie on a write never extends it.
func (m *Manager) sessionCookie(r *http.Request, value string, created, now time.Time) *http.Cookie {
	left := created.Add(m.cfg.Lifetime).Sub(now) / time.Second
	if left < 1 {
		left = 1
	}
	return &http.Cookie{
		Name:     m.cfg.CookieName,
		Value:    value,
		Path:     "/",
		Expires:  now.Add(left * time.Second),
		MaxAge:   int(left),
		HttpOnly: true,
		Secure:   m.cfg.Secure || r.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	}
}

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

// ctxKey carries the *Session in a request context.
type ctxKey struct{}

// FromContext returns the request's session, or nil outside Manager.Handler.
func FromContext(ctx context.Context) *Session {
	s, _ := ctx.Value(ctxKey{}).(*Session)
	return s
}
