// Package server is Cookie Lab's HTTP server: it wires the session manager,
// the authentication system, the lessons and the embedded web files into one
// http.Handler. routes.go lists every route; the handlers live in files named
// for what they serve (pages.go, auth.go, lab.go, api.go, prefs.go), and
// every error a person sees goes through errors.go.
package server

import (
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"golang.org/x/crypto/bcrypt"

	"cookielab/lessons"
	"cookielab/server/auth"
	"cookielab/server/session"
)

// Config is everything the server can be told from outside.
type Config struct {
	// Session configures the session cookie and timeouts. Empty HashKeys
	// means a random key per start (every session ends at a restart).
	Session session.Config
	// AuthKey keys the session auth hash; random per start when empty.
	AuthKey []byte
	// MaxBodyBytes bounds a request body; default 64 KiB.
	MaxBodyBytes int64
	// MaxHeaderBytes is how much request header the app reads before it
	// answers 431 (and clears the cookies that caused it); default
	// DefaultMaxHeaderBytes. The http.Server's own MaxHeaderBytes should
	// be larger, or net/http answers first with its bare text.
	MaxHeaderBytes int
	// MaxSessions bounds the default in-memory store; default 100 000. It
	// is an error together with Deps.Sessions: bound that store instead.
	// The default store is swept only when room is needed; a long-running
	// caller passes its own store and runs session.RunSweeper (cmd does).
	MaxSessions int
	// MaxUsers bounds the default user store (sign-ups); default 10 000.
	MaxUsers int
	// WaitScale shortens the lessons' waits for the browser suite: every
	// wait step and every max_age field under a minute is multiplied by it.
	// 0 (or 1) leaves them as the lessons say, as people need them.
	WaitScale float64
	// BcryptCost is the password hashing cost of the default user store;
	// default bcrypt.DefaultCost. Lower it only for tests (bcrypt.MinCost),
	// as Django's docs suggest a fast hasher in tests.
	BcryptCost int
	// Hashing bounds how many password hashes run at once and how many
	// wait (auth.NewAdmission's defaults: one per core). Only for the
	// default user store; Deps.Users brings its own.
	Hashing auth.AdmissionOptions
	// Throttle shapes the login and sign-up buckets and each client's
	// budget of new anonymous sessions (auth.NewThrottle's defaults when
	// zero).
	Throttle auth.ThrottleOptions
	// ClientIPHeader, when set, names the header a trusted reverse proxy
	// puts the client's address in (X-Real-IP, X-Forwarded-For). Off by
	// default: the client is the connection's remote address, since
	// without such a proxy anyone could send the header. See clientKey.
	ClientIPHeader string
}

// Deps are the parts the server is built from. A nil field gets the default:
// a fresh in-memory store, the seeded demo users, the embedded lessons.
type Deps struct {
	Logger   *slog.Logger
	Sessions session.Store
	Users    *auth.Users
	Lessons  *lessons.Catalog
	Now      func() time.Time
}

// Server holds the application's parts; routes.go hands each handler the
// parts it needs.
type Server struct {
	cfg      Config
	site     *site
	sessions *session.Manager
	auth     *auth.Auth
	lessons  *lessons.Catalog
	pages    *lessonPages
	echoes   *echoStore
	requests *requestCounter
	clientOf func(*http.Request) string // clientKey with the configured header
	store    session.Store              // for the operator's view
	// greeting is the header partial's source, shown by /lab/template.
	greeting string
}

// New builds the server and returns its handler.
func New(cfg Config, deps Deps) (http.Handler, error) {
	s, err := newServer(cfg, deps)
	if err != nil {
		return nil, err
	}
	return s.Handler(), nil
}

// NewServer builds the server and returns it, for a caller that also
// serves the operator's view (DebugHandler).
func NewServer(cfg Config, deps Deps) (*Server, error) { return newServer(cfg, deps) }

// Handler returns the application's handler: every route of routes.go.
func (s *Server) Handler() http.Handler {
	h, _ := s.handler()
	return h
}

func newServer(cfg Config, deps Deps) (*Server, error) {
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 64 << 10
	}
	if cfg.MaxHeaderBytes <= 0 {
		cfg.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if deps.Sessions != nil && cfg.MaxSessions != 0 {
		return nil, errors.New("Config.MaxSessions bounds only the default store; bound the Deps.Sessions store itself")
	}
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = 100_000
	}
	if len(cfg.Session.HashKeys) == 0 {
		cfg.Session.HashKeys = [][]byte{randomKey()}
	}
	if len(cfg.AuthKey) == 0 {
		cfg.AuthKey = randomKey()
	}
	if cfg.Session.Now == nil {
		cfg.Session.Now = deps.Now
	}
	if deps.Sessions == nil {
		deps.Sessions = session.NewMemoryStore(session.MemoryOptions{MaxRecords: cfg.MaxSessions, Now: deps.Now})
	}
	if cfg.BcryptCost == 0 {
		cfg.BcryptCost = bcrypt.DefaultCost
	}
	if err := auth.CheckCost(cfg.BcryptCost); err != nil {
		return nil, err
	}
	if deps.Lessons == nil {
		cat, err := lessons.Load()
		if err != nil {
			return nil, fmt.Errorf("loading lessons: %w", err)
		}
		deps.Lessons = cat
	}
	i18n, err := loadTranslations()
	if err != nil {
		return nil, err
	}
	pages, greeting, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	st := &site{log: deps.Logger, now: deps.Now, pages: pages, i18n: i18n, lessonLayout: newLayouts(pages["lesson"], i18n)}
	clientOf := func(r *http.Request) string { return clientKey(r, cfg.ClientIPHeader) }
	if cfg.Throttle.Now == nil {
		cfg.Throttle.Now = deps.Now
	}
	throttle := auth.NewThrottle(cfg.Throttle)
	sessCfg := cfg.Session
	sessCfg.Error = st.Error // the session middleware's failures get the same pages
	if sessCfg.AdmitAnonymous == nil {
		// One client's budget of new anonymous sessions, so that a flood
		// from it cannot make the store evict everyone else's.
		sessCfg.AdmitAnonymous = func(r *http.Request) error { return throttle.AnonymousSession(clientOf(r)) }
	}
	if st.sessions, err = session.NewManager(deps.Sessions, sessCfg); err != nil {
		return nil, fmt.Errorf("session manager: %w", err)
	}
	lp, err := buildLessonPages(deps.Lessons, pages["lesson"], i18n, st.sessions.Config().CookieName, cfg.WaitScale)
	if err != nil {
		return nil, fmt.Errorf("rendering lessons: %w", err)
	}
	// Hashing the demo passwords is the slow part of starting (seconds
	// under -race): only once everything else has been checked.
	if deps.Users == nil {
		users, err := auth.NewSeededUsers(auth.UsersOptions{
			MaxUsers:  cfg.MaxUsers,
			Now:       deps.Now,
			Cost:      cfg.BcryptCost,
			Admission: auth.NewAdmission(cfg.Hashing),
		})
		if err != nil {
			return nil, fmt.Errorf("seeding users: %w", err)
		}
		deps.Users = users
	}
	return &Server{
		cfg:      cfg,
		pages:    lp,
		site:     st,
		sessions: st.sessions,
		auth: auth.New(auth.Options{
			Users:    deps.Users,
			Sessions: st.sessions,
			Key:      cfg.AuthKey,
			Throttle: throttle,
			ClientOf: clientOf,
		}),
		lessons:  deps.Lessons,
		echoes:   newEchoStore(deps.Now, 2*time.Minute, 10_000, 64),
		clientOf: clientOf,
		store:    deps.Sessions,
		requests: &requestCounter{},
		greeting: greeting,
	}, nil
}

// randomKey returns 32 bytes from crypto/rand (which never fails).
func randomKey() []byte {
	k := make([]byte, 32)
	rand.Read(k)
	return k
}
