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
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"cookielab/lessons"
	"cookielab/server/auth"
	"cookielab/server/session"
	"cookielab/wasm/contract"
)

// Config is everything the server can be told from outside.
type Config struct {
	// Session configures the session cookie and timeouts. Empty HashKeys
	// means a random key per start (every session ends at a restart).
	Session session.Config
	// AuthKey keys the session auth hash; random per start when empty.
	AuthKey []byte
	// AttackerOrigin is lesson 14's attacker site's origin as learners
	// reach it (http://localhost:8081 when the lab is on 127.0.0.1:8080):
	// another host name than the lab's, so that it is another site. The
	// caller serves AttackerHandler there. Empty: no attacker site, and
	// the lab's links to it say so.
	AttackerOrigin string
	// SigningKey keys what the advanced track signs besides the session
	// cookie (lesson 12's signed_note and cookie_session, lesson 14's link
	// to the attacker site, lesson 15's session handles), each purpose
	// with its own salt (signing.go); random per start when empty.
	SigningKey []byte
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
	// Throttle shapes the login and sign-up buckets (auth.NewThrottle's
	// defaults when zero).
	Throttle auth.ThrottleOptions
	// AnonymousPerMinute is how many new anonymous sessions one client may
	// start a minute (and at once); default 120, so a class behind one
	// address can still start its carts together.
	AnonymousPerMinute int
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

	// UserBackend, when set and Users is not, is where the default user
	// store keeps its users (the SQLite file of -store sqlite:PATH), seeded
	// with the demo accounts like the in-memory default.
	UserBackend auth.UserBackend
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
	// attackers are lesson 11's attackers, one per learner (attacker.go).
	attackers *attackers
	// notes signs lesson 12's signed_note; cookieSessions are its
	// sessions kept in a signed cookie.
	notes          signer
	cookieSessions *cookieSessions
	// attackerSite is lesson 14's second site; nil when not configured.
	attackerSite *attackerSite
	// sessionList is lesson 15's "your sessions".
	sessionList *sessionList
	clientOf    func(*http.Request) string // clientKey with the configured header
	store       session.Store              // for the operator's view
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
	if cfg.AnonymousPerMinute <= 0 {
		cfg.AnonymousPerMinute = 120
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
	if len(cfg.SigningKey) == 0 {
		cfg.SigningKey = randomKey()
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
	sessCfg := cfg.Session
	sessCfg.Error = st.Error    // the session middleware's failures get the same pages
	sessCfg.Cookies = cookiesOf // read once per request (request.go)
	// Lesson 11's attackers make their requests on behalf of a learner,
	// who is the client their budgets count against.
	attackers := newAttackers(deps.Now)
	clientOf := func(r *http.Request) string {
		if c, ok := attackers.onBehalfOf(r); ok {
			return c
		}
		return clientKey(r, cfg.ClientIPHeader)
	}
	anon := newBudget(cfg.AnonymousPerMinute, 20_000, deps.Now)
	if sessCfg.AdmitAnonymous == nil {
		// One client may start only so many anonymous sessions a minute:
		// a flood from one address cannot fill the store for everyone.
		sessCfg.AdmitAnonymous = func(r *http.Request) error {
			if ok, wait := anon.take(clientOf(r)); !ok {
				return &notAdmittedError{wait: wait}
			}
			return nil
		}
	}
	if st.sessions, err = session.NewManager(deps.Sessions, sessCfg); err != nil {
		return nil, fmt.Errorf("session manager: %w", err)
	}
	st.sessionCookie = st.sessions.Config().CookieName
	lp, err := buildLessonPages(deps.Lessons, pages["lesson"], i18n, pageOptions{
		sessionCookie: st.sessions.Config().CookieName,
		waitScale:     cfg.WaitScale,
		otherSite:     strings.TrimSuffix(cfg.AttackerOrigin, "/"),
	})
	if err != nil {
		return nil, fmt.Errorf("rendering lessons: %w", err)
	}
	// Hashing the demo passwords is the slow part of starting (seconds
	// under -race): only once everything else has been checked.
	if deps.Users == nil {
		opts := auth.UsersOptions{
			MaxUsers:  cfg.MaxUsers,
			Now:       deps.Now,
			Cost:      cfg.BcryptCost,
			Admission: auth.NewAdmission(cfg.Hashing),
		}
		seed := auth.NewSeededUsers
		if deps.UserBackend != nil {
			seed = func(opts auth.UsersOptions) (*auth.Users, error) {
				return auth.NewSeededUsersIn(deps.UserBackend, opts)
			}
		}
		users, err := seed(opts)
		if err != nil {
			return nil, fmt.Errorf("seeding users: %w", err)
		}
		deps.Users = users
	}
	if cfg.Throttle.Now == nil {
		cfg.Throttle.Now = deps.Now
	}
	a := auth.New(auth.Options{
		Users:    deps.Users,
		Sessions: st.sessions,
		Key:      cfg.AuthKey,
		Throttle: auth.NewThrottle(cfg.Throttle),
		ClientOf: clientOf,
		// The lab's rotation switch, for the browser that carries it.
		KeepSessionID: func(r *http.Request) bool { return defenceOff(r, contract.SwitchRotation) },
	})
	sessCfg = st.sessions.Config()
	attackers.sessionCookie = sessCfg.CookieName
	var site2 *attackerSite
	if cfg.AttackerOrigin != "" {
		if site2, err = newAttackerSite(cfg.AttackerOrigin, cfg.SigningKey, i18n); err != nil {
			return nil, err
		}
	}
	return &Server{
		cfg:       cfg,
		pages:     lp,
		site:      st,
		sessions:  st.sessions,
		auth:      a,
		lessons:   deps.Lessons,
		echoes:    newEchoStore(deps.Now, 2*time.Minute, 10_000, 64),
		clientOf:  clientOf,
		store:     deps.Sessions,
		requests:  &requestCounter{},
		attackers: attackers,
		notes:     newSigner(cfg.SigningKey, "cookielab.lab.signed_note"),
		cookieSessions: &cookieSessions{signer: newSigner(cfg.SigningKey, cookieSessionSalt),
			lifetime: sessCfg.Lifetime, secure: sessCfg.Secure, now: deps.Now, auth: a},
		attackerSite: site2,
		sessionList: &sessionList{store: deps.Sessions, handles: newSigner(cfg.SigningKey, "cookielab.sessions.handle"), auth: a,
			clientOf: clientOf},
		greeting: greeting,
	}, nil
}

// AttackerHandler returns lesson 14's attacker site, to be served on its
// own listener at Config.AttackerOrigin; nil when that is empty.
func (s *Server) AttackerHandler() http.Handler {
	if s.attackerSite == nil {
		return nil
	}
	return logRequests(s.site, s.attackerSite.Handler())
}

// randomKey returns 32 bytes from crypto/rand (which never fails).
func randomKey() []byte {
	k := make([]byte, 32)
	rand.Read(k)
	return k
}
