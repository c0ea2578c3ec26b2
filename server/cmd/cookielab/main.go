// Command cookielab serves Cookie Lab.
//
//	go run ./server/cmd/cookielab -addr 127.0.0.1:8080
//
// Every flag can also be set by an environment variable (COOKIELAB_ADDR and
// so on); a flag wins over its variable.
package main

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"golang.org/x/crypto/bcrypt"

	"cookielab/server"
	"cookielab/server/auth"
	"cookielab/server/session"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "cookielab:", err)
		os.Exit(1)
	}
}

// run parses the flags, starts the server and serves until ctx ends, then
// shuts down gracefully.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cookielab", flag.ContinueOnError)
	fs.SetOutput(stderr)
	env := func(name, def string) string {
		if v := getenv("COOKIELAB_" + name); v != "" {
			return v
		}
		return def
	}
	idleDefault, err := envDuration(getenv, "COOKIELAB_IDLE_TIMEOUT", 2*time.Hour)
	if err != nil {
		return err
	}
	lifetimeDefault, err := envDuration(getenv, "COOKIELAB_LIFETIME", 14*24*time.Hour)
	if err != nil {
		return err
	}
	addr := fs.String("addr", env("ADDR", "127.0.0.1:8080"), "listen address (COOKIELAB_ADDR)")
	idle := fs.Duration("idle-timeout", idleDefault, "a session ends after this long without a request (COOKIELAB_IDLE_TIMEOUT)")
	lifetime := fs.Duration("lifetime", lifetimeDefault, "absolute session lifetime and the cookie's Max-Age; Django's default is 14 days (COOKIELAB_LIFETIME)")
	secure := fs.Bool("secure-cookie", env("SECURE_COOKIE", "") == "true", "always mark the session cookie Secure (it is anyway when served over TLS) (COOKIELAB_SECURE_COOKIE=true)")
	keys := fs.String("session-keys", env("SESSION_KEYS", ""), "comma-separated signing keys (hex or base64, ≥32 bytes); the first signs, all verify. Random per start when empty (COOKIELAB_SESSION_KEYS)")
	blockKeys := fs.String("encryption-keys", env("ENCRYPTION_KEYS", ""), "optional comma-separated AES keys (16, 24 or 32 bytes), paired with -session-keys (COOKIELAB_ENCRYPTION_KEYS)")
	store := fs.String("store", env("STORE", "memory"), "where sessions live: "+storeUsage+" (COOKIELAB_STORE)")
	users := fs.String("users", env("USERS", ""), "where users live: memory or sqlite:PATH; default the -store file when it is sqlite, memory with -store memory; required with redis (COOKIELAB_USERS)")
	maxSessions := fs.Int("max-sessions", 100_000, "most sessions the store keeps")
	maxUsers := fs.Int("max-users", 10_000, "most user accounts (sign-ups)")
	bcryptCost := fs.Int("bcrypt-cost", bcrypt.DefaultCost, "password hashing cost (bcrypt, 4-31; each step doubles the work); lower only for tests")
	clientIPHeader := fs.String("client-ip-header", env("CLIENT_IP_HEADER", ""), "behind a reverse proxy: the header it puts the client's address in (X-Real-IP, X-Forwarded-For). Never set it without such a proxy: anyone can send the header (COOKIELAB_CLIENT_IP_HEADER)")
	debugAddr := fs.String("debug-addr", env("DEBUG_ADDR", ""), "serve the operator's view (GET /debug/stats: sessions, store size, hashing queue; /debug/pprof/) on this loopback address, e.g. 127.0.0.1:6060; off when empty. Never a public address: learners must not see it (COOKIELAB_DEBUG_ADDR)")
	attackerAddr := fs.String("attacker-addr", "", "serve lesson 14's attacker site on this address, which learners must reach by another host name than the lab's: by default localhost:PORT+1 when -addr is a 127.x address (so the lab is 127.0.0.1:8080, the attacker localhost:8081); empty turns it off (COOKIELAB_ATTACKER_ADDR; \"off\" turns it off)")
	attackerOriginFlag := fs.String("attacker-origin", env("ATTACKER_ORIGIN", ""), "the attacker site's origin as learners open it, when -attacker-addr is not that name (a class on a LAN: the lab by the machine's IP address, the attacker by its host name, e.g. http://HOSTNAME:8081) (COOKIELAB_ATTACKER_ORIGIN)")
	logJSON := fs.Bool("log-json", env("LOG_JSON", "") == "true", "log JSON lines instead of text (COOKIELAB_LOG_JSON=true)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	attackerSet := false
	fs.Visit(func(f *flag.Flag) { attackerSet = attackerSet || f.Name == "attacker-addr" })
	if !attackerSet {
		switch v := getenv("COOKIELAB_ATTACKER_ADDR"); v {
		case "":
			*attackerAddr = defaultAttackerAddr(*addr)
		case "off":
		default:
			*attackerAddr = v
		}
	}

	var handler slog.Handler = slog.NewTextHandler(stderr, nil)
	if *logJSON {
		handler = slog.NewJSONHandler(stderr, nil)
	}
	logger := slog.New(handler)

	cfg := server.Config{
		Session: session.Config{
			IdleTimeout: *idle,
			Lifetime:    *lifetime,
			Secure:      *secure,
		},
		MaxUsers:       *maxUsers,
		BcryptCost:     *bcryptCost,
		ClientIPHeader: *clientIPHeader,
	}
	if *idle <= 0 || *lifetime <= 0 {
		return errors.New("-idle-timeout and -lifetime must be positive")
	}
	if err := auth.CheckCost(*bcryptCost); err != nil {
		return fmt.Errorf("-bcrypt-cost: %w", err)
	}
	if cfg.Session.HashKeys, err = parseKeys(*keys); err != nil {
		return fmt.Errorf("-session-keys: %w", err)
	}
	if cfg.Session.BlockKeys, err = parseKeys(*blockKeys); err != nil {
		return fmt.Errorf("-encryption-keys: %w", err)
	}
	if len(cfg.Session.HashKeys) == 0 {
		logger.Warn("no -session-keys given: using a random signing key, so every session ends when the server restarts")
	} else {
		// Derive the auth hash key (and the lab's signing key) from the
		// first signing key so sessions survive a restart together with
		// their auth hash (and lesson 12's signed cookies stay valid).
		cfg.AuthKey = append([]byte("auth:"), cfg.Session.HashKeys[0]...)
		cfg.SigningKey = append([]byte("signing:"), cfg.Session.HashKeys[0]...)
	}

	if *maxSessions <= 0 {
		return errors.New("-max-sessions must be positive")
	}
	// Listen before building the server: a bad or busy address is told at
	// once, not after the demo passwords are hashed.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	var debugLn net.Listener
	if *debugAddr != "" {
		if err := checkLoopback(*debugAddr); err != nil {
			return fmt.Errorf("-debug-addr: %w", err)
		}
		if debugLn, err = net.Listen("tcp", *debugAddr); err != nil {
			return fmt.Errorf("-debug-addr: %w", err)
		}
		defer debugLn.Close()
	}
	var attackerLn net.Listener
	if *attackerAddr != "" {
		if attackerLn, err = net.Listen("tcp", *attackerAddr); err != nil {
			return fmt.Errorf("-attacker-addr: %w", err)
		}
		defer attackerLn.Close()
		if cfg.AttackerOrigin, err = attackerOrigin(*attackerAddr, *attackerOriginFlag, attackerLn); err != nil {
			return err
		}
	}
	st, err := openStores(ctx, *store, *users, *maxSessions, logger)
	if err != nil {
		return err
	}
	defer st.Close()
	logger.Info("stores: " + st.desc)
	sweepCtx, stopSweeping := context.WithCancel(ctx)
	defer stopSweeping()
	go session.RunSweeper(sweepCtx, st.sessions, time.Minute, func(err error) {
		logger.Error("sweeping sessions", "err", err)
	})

	app, err := server.NewServer(cfg, server.Deps{Logger: logger, Sessions: st.sessions, UserBackend: st.users})
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           app.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		// Twice what the app reads, so that a request with too many
		// cookies gets the app's clear 431 (which also clears them), not
		// net/http's bare one.
		MaxHeaderBytes: 2 * server.DefaultMaxHeaderBytes,
		ErrorLog:       slog.NewLogLogger(handler, slog.LevelWarn),
	}
	fmt.Fprintf(stdout, "Cookie Lab is running at http://%s/\n", ln.Addr())
	errc := make(chan error, 3)
	go func() { errc <- srv.Serve(ln) }()
	servers := []*http.Server{srv}
	if debugLn != nil {
		// No write timeout: a CPU profile takes as long as it is asked to.
		debugSrv := &http.Server{Handler: app.DebugHandler(), ReadHeaderTimeout: 10 * time.Second,
			ErrorLog: slog.NewLogLogger(handler, slog.LevelWarn)}
		servers = append(servers, debugSrv)
		fmt.Fprintf(stdout, "The operator's view (this machine only) is at http://%s/debug/stats\n", debugLn.Addr())
		go func() { errc <- debugSrv.Serve(debugLn) }()
	}
	if attackerLn != nil {
		attackerSrv := &http.Server{Handler: app.AttackerHandler(), ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute,
			ErrorLog: slog.NewLogLogger(handler, slog.LevelWarn)}
		servers = append(servers, attackerSrv)
		fmt.Fprintf(stdout, "Lesson 14's attacker site (another site: open the lab by another name) is at %s/\n", cfg.AttackerOrigin)
		go func() { errc <- attackerSrv.Serve(attackerLn) }()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, s := range servers {
		if err := s.Shutdown(shutdownCtx); err != nil {
			return err
		}
	}
	for range servers {
		if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	return nil
}

// checkLoopback refuses an address that is not this machine's loopback:
// the operator's view must never be reachable by learners.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if host == "localhost" {
		return nil
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || !ip.IsLoopback() {
		return fmt.Errorf("%q is not a loopback address (127.0.0.1:PORT or [::1]:PORT): the operator's view must not be reachable by learners", addr)
	}
	return nil
}

// envDuration reads a duration from the environment, def when unset.
func envDuration(getenv func(string) string, name string, def time.Duration) (time.Duration, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	return d, nil
}

// parseKeys reads comma-separated keys, each hex or standard base64.
func parseKeys(s string) ([][]byte, error) {
	var keys [][]byte
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, err := hex.DecodeString(part)
		if err != nil {
			if k, err = base64.StdEncoding.DecodeString(part); err != nil {
				return nil, fmt.Errorf("key %d is neither hex nor base64", len(keys)+1)
			}
		}
		keys = append(keys, k)
	}
	return keys, nil
}
