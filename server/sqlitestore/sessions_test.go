package sqlitestore_test

import (
	"context"
	"path/filepath"
	"testing"

	"cookielab/server/session"
	"cookielab/server/session/storetest"
	"cookielab/server/sqlitestore"
)

// openDB opens a fresh database in the test's temporary folder.
func openDB(t testing.TB) *sqlitestore.DB {
	t.Helper()
	db, err := sqlitestore.Open(context.Background(), filepath.Join(t.TempDir(), "cookielab.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestSessionsContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T, env storetest.Env) session.Store {
		s, err := openDB(t).Sessions(sqlitestore.SessionOptions{Now: env.Now, MaxRecords: env.MaxRecords, MaxBytes: env.MaxBytes})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// BenchmarkSQLitePaths: the store on a file in the test's temporary folder
// (synchronous=FULL, so every write waits for the disk).
func BenchmarkSQLitePaths(b *testing.B) {
	s, err := openDB(b).Sessions(sqlitestore.SessionOptions{})
	if err != nil {
		b.Fatal(err)
	}
	storetest.BenchPaths(b, s)
}
