// Package server is Cookie Lab's HTTP server: it wires the session manager,
// the authentication system, the lessons and the embedded web files into one
// http.Handler. routes.go lists every route.
package server

import (
	"crypto/rand"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/mux"

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

// Server holds the application's parts. Its handlers are methods, so every
// dependency is explicit and nothing is global.
type Server struct {
	cfg      Config
	log      *slog.Logger
	now      func() time.Time
	sessions *session.Manager
	auth     *auth.Auth
	lessons  *lessons.Catalog
	pages    map[string]*template.Template
	i18n     translations
	echoes   *echoStore
	requests requestCounter
	// appRouter holds the application routes (see routes.go).
	appRouter *mux.Router
	// greeting is the header partial's source, shown by /lab/template.
	greeting string
}

// New builds the server and returns its handler.
func New(cfg Config, deps Deps) (http.Handler, error) {
	s, err := newServer(cfg, deps)
	if err != nil {
		return nil, err
	}
	return s.handler(), nil
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
	s := &Server{
		cfg:     cfg,
		log:     deps.Logger,
		now:     deps.Now,
		lessons: deps.Lessons,
		echoes:  newEchoStore(deps.Now, 2*time.Minute, 10_000),
	}
	var err error
	if s.i18n, err = loadTranslations(); err != nil {
		return nil, err
	}
	if s.pages, s.greeting, err = s.parseTemplates(); err != nil {
		return nil, err
	}
	sessCfg := cfg.Session
	sessCfg.Error = s.Error // the session middleware's failures get the same pages
	if s.sessions, err = session.NewManager(deps.Sessions, sessCfg); err != nil {
		return nil, fmt.Errorf("session manager: %w", err)
	}
	s.auth = auth.New(deps.Users, s.sessions, cfg.AuthKey)
	return s, nil
}

// randomKey returns 32 bytes from crypto/rand (which never fails).
func randomKey() []byte {
	k := make([]byte, 32)
	rand.Read(k)
	return k
}

// errInterrupted is what a request gets when its session write lost the race
// with a logout (Django's SessionInterrupted).
var errInterrupted = &httpError{status: http.StatusBadRequest, key: "error.400.interrupted"}

// httpError is an error a person should see: a status and a message key.
type httpError struct {
	status int
	key    string
	args   []any
}

func (e *httpError) Error() string { return fmt.Sprintf("http %d: %s", e.status, e.key) }

func badRequest(key string, args ...any) error {
	return &httpError{status: http.StatusBadRequest, key: key, args: args}
}

// Error is the one error path for HTTP: it maps err to a status and a
// translated message page, and logs only internal failures.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	var he *httpError
	switch {
	case errors.As(err, &he):
	case errors.Is(err, session.ErrInterrupted):
		he = errInterrupted
	case errors.Is(err, session.ErrTooLarge):
		he = &httpError{status: http.StatusBadRequest, key: "error.400.session_too_large"}
	case errors.Is(err, session.ErrFull):
		he = &httpError{status: http.StatusServiceUnavailable, key: "error.503.full"}
		w.Header().Set("Retry-After", session.RetryFull)
	case errors.Is(err, session.ErrUnavailable):
		s.log.Error("session store", "method", r.Method, "path", r.URL.Path, "err", err)
		he = &httpError{status: http.StatusServiceUnavailable, key: "error.503.store"}
		w.Header().Set("Retry-After", session.RetryUnavailable)
	default:
		s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		he = &httpError{status: http.StatusInternalServerError, key: "error.500"}
	}
	s.renderError(w, r, he)
}
