//go:build !js

package e2e

import (
	"context"
	"path/filepath"
	"testing"

	"cookielab/server"
	"cookielab/server/redisstore"
	"cookielab/server/redisstore/redistest"
	"cookielab/server/session"
	"cookielab/server/sqlitestore"
)

// TestWhereSessionsLiveOnEveryStore walks lesson 16 on a server of each
// store, SQLite and Redis (memory is TestLessons' and TestRealPath's): the
// learner's own row or key is what the lesson shows, and it is gone after
// the logout.
func TestWhereSessionsLiveOnEveryStore(t *testing.T) {
	t.Parallel()
	s := start(t)
	lesson, ok := s.catalog.Lesson("where-sessions-live")
	if !ok {
		t.Fatal("no lesson where-sessions-live")
	}
	stores := []struct {
		name string
		open func(t *testing.T) session.Store
	}{
		{"sqlite", func(t *testing.T) session.Store {
			db, err := sqlitestore.Open(context.Background(), filepath.Join(t.TempDir(), "cookielab.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			ss, err := db.Sessions(sqlitestore.SessionOptions{})
			if err != nil {
				t.Fatal(err)
			}
			return ss
		}},
		{"redis", func(t *testing.T) session.Store {
			rs := redistest.Start(t)
			st, err := redisstore.Open(context.Background(), rs.URL(0), redisstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		}},
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			l := s.newLearner(t, "where-sessions-live-"+st.name)
			l.base = s.site(t, server.Config{}, server.Deps{Sessions: st.open(t)})
			if _, err := l.walk(t, lesson, lesson.In("en")); err != nil {
				t.Fatal(err)
			}
		})
	}
}
