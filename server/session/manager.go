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

	Now func() time.Time // default time.Now (tests inject a clock)

	// MaxDataBytes bounds one session's data (keys, values and user id, in
	// bytes); default 64 KiB. A commit over it fails with ErrTooLarge.
	MaxDataBytes int
	// AdmitAnonymous, when set, is asked before a new anonymous session is
	// created (not for a rotation, nor for a session created logged in); a
	// non-nil error refuses it, and the commit fails with ErrNotAdmitted
	// wrapping that error. The server hangs a per-client budget on it.
	AdmitAnonymous func(r *http.Request) error

	// Cookies, when set, returns the request's cookies as
	// Request.Cookies reads them, for a server that has read them already
	// (the middleware then reads the Cookie header no second time); the
	// caller must not change them. Default: the request's own reading.
	Cookies func(r *http.Request) []*http.Cookie

	// Error answers a request whose session the middleware could not
	// commit, in place of the handler's response (whose headers are
	// dropped; those set before the middleware ran are kept, and an
	// interrupted session's cookie is already expired). err wraps one of
	// ErrInterrupted (400), ErrFull (503), ErrUnavailable (503) or is an
	// internal failure (500), or ErrTooLarge (400) or ErrNotAdmitted (429);
	// map it with errors.Is. Default: PlainError.
	Error func(w http.ResponseWriter, r *http.Request, err error)
}

// Defaults, after Django's.
const (
	DefaultCookieName  = "sessionid"
	DefaultIdleTimeout = 2 * time.Hour
	DefaultLifetime    = 1209600 * time.Second // 14 days

	DefaultMaxDataBytes = 64 << 10
)

// Manager loads and saves sessions for requests. It is safe for concurrent
// use; create one per application.
type Manager struct {
	store    Store
	cfg      Config
	codecs   []securecookie.Codec // sign (the first) with securecookie
	verifier *verifier            // and check (any) without rebuilding HMACs
	verified *verifiedCookies     // values that named a live record
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
	if cfg.MaxDataBytes < 0 {
		return nil, errors.New("session: MaxDataBytes must not be negative")
	}
	if cfg.MaxDataBytes == 0 {
		cfg.MaxDataBytes = DefaultMaxDataBytes
	}
	if cfg.Error == nil {
		cfg.Error = PlainError
	}

	v, err := newVerifier(cfg.CookieName, cfg.HashKeys, cfg.BlockKeys, cfg.Lifetime)
	if err != nil {
		return nil, err
	}
	m := &Manager{store: store, cfg: cfg, codecs: newCodecs(cfg.HashKeys, cfg.BlockKeys, cfg.Lifetime),
		verifier: v, verified: newVerifiedCookies(verifiedCookiesMax)}
	if err := m.checkCodecs(); err != nil {
		return nil, err
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

// Config returns the effective configuration, defaults filled in. The key
// slices are copies.
func (m *Manager) Config() Config {
	c := m.cfg
	c.HashKeys = cloneKeys(c.HashKeys)
	c.BlockKeys = cloneKeys(c.BlockKeys)
	return c
}

// Describe commits the request's session (see Commit) and then reports
// what is stored, for GET /api/state: nil when there is none (anonymous,
// ended, expired). Committing first is what keeps the report true to the
// response: a session this request ends (a logout, or a password changed
// in another browser) is never reported while its cookie is expired. On
// error, return without writing: the middleware answers with Config.Error.
//
// The report's Data is the session's own map, lent rather than copied (a
// copy was a twentieth of GET /api/state): the caller must not change it.
// It stays as reported: the session copies it before its next change.
func (m *Manager) Describe(w http.ResponseWriter, r *http.Request) (*state.Session, error) {
	if err := m.Commit(w, r); err != nil {
		return nil, err
	}
	s := FromContext(r.Context())
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stored == nil {
		return nil, nil
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
		Data:            s.lend(),
	}, nil
}
