package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"cookielab/server/auth"
	"cookielab/server/redisstore"
	"cookielab/server/session"
	"cookielab/server/sqlitestore"
)

// storeUsage is what -store accepts; -users takes the same but redis.
const storeUsage = "memory, sqlite:PATH or redis://host:port/db"

// stores is what -store and -users opened.
type stores struct {
	sessions session.Store
	users    auth.UserBackend // nil: the in-memory default
	desc     string           // for the start-up log line
	closers  []func() error
}

func (s *stores) Close() error {
	var errs []error
	for i := len(s.closers) - 1; i >= 0; i-- {
		errs = append(errs, s.closers[i]())
	}
	return errors.Join(errs...)
}

// openStores opens the session backend -store names and the user backend
// -users names. An empty -users keeps the users in the -store file when it
// is one (so sign-ups survive a restart) and in memory with the memory
// store; with Redis it must be given.
func openStores(ctx context.Context, store, users string, maxSessions int, logger *slog.Logger) (_ *stores, err error) {
	st := &stores{}
	defer func() {
		if err != nil {
			st.Close()
		}
	}()
	dbs := map[string]*sqlitestore.DB{}
	openDB := func(path string) (*sqlitestore.DB, error) {
		if db := dbs[path]; db != nil {
			return db, nil
		}
		db, err := sqlitestore.Open(ctx, path)
		if err != nil {
			return nil, err
		}
		dbs[path] = db
		st.closers = append(st.closers, db.Close)
		return db, nil
	}

	switch kind, path := parseStore(store); kind {
	case "memory":
		st.sessions = session.NewMemoryStore(session.MemoryOptions{MaxRecords: maxSessions})
		st.desc = "sessions in memory"
	case "sqlite":
		db, err := openDB(path)
		if err != nil {
			return nil, fmt.Errorf("-store: %w", err)
		}
		if st.sessions, err = db.Sessions(sqlitestore.SessionOptions{MaxRecords: maxSessions}); err != nil {
			return nil, fmt.Errorf("-store: %w", err)
		}
		st.desc = "sessions in table django_session of " + path
		if users == "" {
			users = store
		}
	case "redis":
		if users == "" {
			// Users in memory would differ per instance and per start (each
			// hashes the demo passwords anew), and a session whose user's
			// hash differs is ended: say so rather than pick.
			return nil, errors.New("-store redis:// needs -users: sqlite:PATH to keep the accounts in a database file that every instance on this machine shares " +
				"(sessions in Redis, users in a database, as Django sites do), or memory for one instance whose logins end at a restart")
		}
		rs, err := redisstore.Open(ctx, store, redisstore.Options{MaxRecords: maxSessions})
		if err != nil {
			return nil, fmt.Errorf("-store: %w", err)
		}
		redisstore.LogTo(logger)
		st.closers = append(st.closers, rs.Close)
		st.sessions = rs
		st.desc = "sessions in redis at " + redactURL(store)
	default:
		return nil, fmt.Errorf("-store: want %s, not %q", storeUsage, store)
	}

	switch kind, path := parseStore(users); kind {
	case "memory":
		st.desc += "; users in memory (sign-ups end with the process)"
	case "sqlite":
		db, err := openDB(path)
		if err != nil {
			return nil, fmt.Errorf("-users: %w", err)
		}
		st.users = db.Users()
		st.desc += "; users in table auth_user of " + path
	default:
		return nil, fmt.Errorf("-users: want memory or sqlite:PATH, not %q", users)
	}
	return st, nil
}

// parseStore splits a -store or -users value into its kind and the rest.
func parseStore(v string) (kind, rest string) {
	switch {
	case v == "" || v == "memory":
		return "memory", ""
	case strings.HasPrefix(v, "sqlite:") && len(v) > len("sqlite:"):
		return "sqlite", strings.TrimPrefix(v, "sqlite:")
	case strings.HasPrefix(v, "redis://") || strings.HasPrefix(v, "rediss://"):
		return "redis", v
	}
	return "unknown", v
}

// redactURL hides a password in a redis:// URL, for the log.
func redactURL(v string) string {
	u, err := url.Parse(v)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
