//go:build !js

package e2e

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"cookielab/server"
	"cookielab/server/redisstore"
	"cookielab/server/redisstore/redistest"
	"cookielab/server/session"
	"cookielab/server/sqlitestore"
)

// Several instances of Cookie Lab behind one name, as make cluster runs
// them: the same signing keys, the users in one database file, and the
// sessions either in one Redis (shared) or in each instance's memory (not).
// Both instances are on 127.0.0.1, and cookies do not separate by port:
// the browser sends the one session cookie to both, as it would to two
// servers behind one load balancer.

// cluster starts n instances whose session stores newStore makes.
func cluster(t *testing.T, n int, newStore func(t *testing.T) session.Store) []string {
	t.Helper()
	cfg := server.Config{
		Session:    session.Config{HashKeys: [][]byte{bytes.Repeat([]byte("k"), 32)}},
		AuthKey:    bytes.Repeat([]byte("a"), 32),
		BcryptCost: bcrypt.MinCost,
	}
	usersFile := filepath.Join(t.TempDir(), "users.db")
	var bases []string
	for range n {
		db, err := sqlitestore.Open(context.Background(), usersFile)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		h, err := server.New(cfg, server.Deps{Sessions: newStore(t), UserBackend: db.Users(), Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		bases = append(bases, srv.URL)
	}
	return bases
}

// TestClusterSharesSessionsThroughRedis: logged in on one instance is
// logged in on the other; logged out on the second, the first refuses the
// old cookie too, since the record they share is gone.
func TestClusterSharesSessionsThroughRedis(t *testing.T) {
	t.Parallel()
	s := start(t)
	redis := redistest.Start(t)
	bases := cluster(t, 2, func(t *testing.T) session.Store {
		store, err := redisstore.Open(context.Background(), redis.URL(0), redisstore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { store.Close() })
		return store
	})
	l := s.newLearner(t, "cluster-redis")
	l.base = bases[0]
	l.expect(t, "logged in on the first instance", l.logIn(t, "alice", "wonderland"), "session user alice", "user alice")
	old := l.sessionCookie(t)
	l.base = bases[1]
	l.expect(t, "the second instance", l.openPage(t, "/"), "session user alice", "user alice", "session-id same", "page shows alice")
	l.expect(t, "logged out on the second instance", l.logOut(t),
		"session none", "user anonymous", "set-cookie deletes sessionid", "jar lacks sessionid", "timeline has destroyed")
	l.base = bases[0]
	l.plant(t, old.Value)
	l.expect(t, "the old cookie sent to the first instance", l.openPage(t, "/"),
		"timeline has rejected unknown", "session none", "user anonymous", "set-cookie deletes sessionid", "jar lacks sessionid")
}

// TestClusterWithoutASharedStore: with each instance's sessions in its own
// memory, the second does not know the first's session and clears the
// cookie, which the browser would also have sent to the first: one visit
// to the other instance logs the learner out of both.
func TestClusterWithoutASharedStore(t *testing.T) {
	t.Parallel()
	s := start(t)
	bases := cluster(t, 2, func(*testing.T) session.Store { return session.NewMemoryStore(session.MemoryOptions{}) })
	l := s.newLearner(t, "cluster-memory")
	l.base = bases[0]
	l.expect(t, "logged in on the first instance", l.logIn(t, "alice", "wonderland"), "session user alice", "user alice")
	l.base = bases[1]
	l.expect(t, "the second instance", l.openPage(t, "/"),
		"timeline has rejected unknown", "session none", "user anonymous", "set-cookie deletes sessionid", "jar lacks sessionid")
	l.base = bases[0]
	l.expect(t, "back on the first instance", l.openPage(t, "/"), "session none", "user anonymous", "jar lacks sessionid")
}
