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
	// greeting is the header partial's source, shown by /lab/template.
	greeting string
}

// New builds the server and returns its handler.
func New(cfg Config, deps Deps) (http.Handler, error) {
	s, err := newServer(cfg, deps)
	if err != nil {
		return nil, err
	}
	h, _ := s.handler()
	return h, nil
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
	if deps.Users == nil {
		users, err := auth.NewSeededUsers(auth.UsersOptions{MaxUsers: cfg.MaxUsers, Now: deps.Now})
		if err != nil {
			return nil, fmt.Errorf("seeding users: %w", err)
		}
		deps.Users = users
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
	st := &site{log: deps.Logger, now: deps.Now, pages: pages, i18n: i18n}
	sessCfg := cfg.Session
	sessCfg.Error = st.Error // the session middleware's failures get the same pages
	if st.sessions, err = session.NewManager(deps.Sessions, sessCfg); err != nil {
		return nil, fmt.Errorf("session manager: %w", err)
	}
	lp, err := buildLessonPages(deps.Lessons, pages["lesson"], i18n, st.sessions.Config().CookieName, cfg.WaitScale)
	if err != nil {
		return nil, fmt.Errorf("rendering lessons: %w", err)
	}
	return &Server{
		cfg:      cfg,
		pages:    lp,
		site:     st,
		sessions: st.sessions,
		auth:     auth.New(deps.Users, cfg.AuthKey),
		lessons:  deps.Lessons,
		echoes:   newEchoStore(deps.Now, 2*time.Minute, 10_000),
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
