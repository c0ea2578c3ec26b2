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
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

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
	logJSON := fs.Bool("log-json", env("LOG_JSON", "") == "true", "log JSON lines instead of text (COOKIELAB_LOG_JSON=true)")
	if err := fs.Parse(args); err != nil {
		return err
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
		MaxUsers: *maxUsers,
	}
	if *idle <= 0 || *lifetime <= 0 {
		return errors.New("-idle-timeout and -lifetime must be positive")
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
		// Derive the auth hash key from the first signing key so sessions
		// survive a restart together with their auth hash.
		cfg.AuthKey = append([]byte("auth:"), cfg.Session.HashKeys[0]...)
	}

	if *maxSessions <= 0 {
		return errors.New("-max-sessions must be positive")
	}
	st, err := openStores(ctx, *store, *users, *maxSessions, logger)
	if err != nil {
		return err
	}
	defer st.Close()
	logger.Info("stores: " + st.desc)
	deps := server.Deps{Logger: logger, Sessions: st.sessions}
	if st.users != nil {
		if deps.Users, err = auth.NewSeededUsersIn(st.users, auth.UsersOptions{MaxUsers: *maxUsers}); err != nil {
			return fmt.Errorf("-users: %w", err)
		}
	}
	sweepCtx, stopSweeping := context.WithCancel(ctx)
	defer stopSweeping()
	go session.RunSweeper(sweepCtx, st.sessions, time.Minute, func(err error) {
		logger.Error("sweeping sessions", "err", err)
	})

	h, err := server.New(cfg, deps)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(handler, slog.LevelWarn),
	}
	fmt.Fprintf(stdout, "Cookie Lab is running at http://%s/\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
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
