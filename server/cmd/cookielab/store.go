package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"cookielab/server/auth"
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
// -users names; an empty -users keeps the users in the -store file when it
// is one (so sign-ups survive a restart), in memory otherwise.
func openStores(ctx context.Context, store, users string, maxSessions int) (_ *stores, err error) {
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
	}
	return "unknown", v
}
