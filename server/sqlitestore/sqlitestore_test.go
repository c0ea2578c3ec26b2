package sqlitestore_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"cookielab/server/session"
	"cookielab/server/sqlitestore"
)

// TestOpenSaysWhatIsWrong: a file the process cannot use is an error at
// start that names the file and the reason, never a failure at the first
// request.
func TestOpenSaysWhatIsWrong(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notDB, []byte(strings.Repeat("not a database\n", 200)), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		want       []string
	}{
		{"no such folder", filepath.Join(dir, "missing", "cookielab.db"), []string{"cannot write the database file", "no such file or directory"}},
		{"a folder", dir, []string{"cannot write the database file", "is a directory"}},
		{"not a database", notDB, []string{notDB, "not a database"}},
		{"empty path", "", []string{"empty database path"}},
		{"query in the path", filepath.Join(dir, "x.db?mode=ro"), []string{"not allowed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := sqlitestore.Open(context.Background(), tt.path)
			if err == nil {
				db.Close()
				t.Fatalf("Open(%q) succeeded", tt.path)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Open(%q) = %v, want it to mention %q", tt.path, err, w)
				}
			}
		})
	}
}

// TestOpenMigratesOnce: reopening a file keeps its rows and runs no step
// twice; a file from a newer schema is refused rather than misread.
func TestOpenMigratesOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cookielab.db")
	db, err := sqlitestore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := db.Sessions(sqlitestore.SessionOptions{})
	rec := liveRecord(time.Now())
	if err := s.Create(ctx, rec); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, err = sqlitestore.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopening: %v", err)
	}
	s, _ = db.Sessions(sqlitestore.SessionOptions{})
	if got, err := s.Get(ctx, rec.ID); err != nil || got.Data["k"] != "v" {
		t.Fatalf("after reopening: %+v, %v", got, err)
	}
	if st, err := s.Stats(ctx); err != nil || st.Sessions != 1 {
		t.Fatalf("the totals after reopening: %+v, %v", st, err)
	}
	if _, err := db.SQL().ExecContext(ctx, `UPDATE schema_version SET version = version + 1`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err = sqlitestore.Open(ctx, path); err == nil || !strings.Contains(err.Error(), "newer") {
		if err == nil {
			db.Close()
		}
		t.Fatalf("Open of a newer schema = %v, want an error saying it is newer", err)
	}
}

// TestWALAndBusyTimeout: the file is in WAL mode, and two handles on it
// (two instances sharing the file) write at once without SQLITE_BUSY.
func TestWALAndBusyTimeout(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cookielab.db")
	var stores []*sqlitestore.Sessions
	for range 2 {
		db, err := sqlitestore.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		var mode string
		if err := db.SQL().QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
			t.Fatalf("journal_mode = %q, %v; want wal", mode, err)
		}
		s, _ := db.Sessions(sqlitestore.SessionOptions{})
		stores = append(stores, s)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			s := stores[g%2]
			for range 25 {
				rec := liveRecord(time.Now())
				if err := s.Create(ctx, rec); err != nil {
					errs <- err
					return
				}
				rec.Data["k"] = "w"
				if err := s.Update(ctx, rec); err != nil {
					errs <- err
					return
				}
				if err := s.Delete(ctx, rec.ID); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("a concurrent write failed: %v", err)
	}
}

// TestRowReadsLikeDjangos: the row a lesson shows has Django's columns,
// readable: the data as JSON, the deadline as Django writes a datetime.
func TestRowReadsLikeDjangos(t *testing.T) {
	ctx := context.Background()
	s, err := openDB(t).Sessions(sqlitestore.SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 25, 9, 30, 0, 123456789, time.UTC)
	rec := liveRecord(at)
	rec.Data = map[string]string{"cart": "1", "next": "<b>"}
	rec.Deadline = at.Add(2 * time.Hour)
	if err := s.Create(ctx, rec); err != nil {
		t.Fatal(err)
	}
	form, err := s.Inspect(ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range form.Fields {
		got[f.Name] = f.Value
	}
	want := map[string]string{
		"session_key":  rec.ID,
		"session_data": `{"cart":"1","next":"<b>"}`,
		"expire_date":  "2026-11-25 11:30:00.123456",
		"user_id":      "NULL",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("column %s = %q, want %q", k, got[k], v)
		}
	}
	if form.Fields[0].Name != "session_key" || !strings.Contains(form.Command, "django_session") {
		t.Errorf("Inspect = %+v", form)
	}
}

func liveRecord(now time.Time) session.Record {
	id := session.NewID()
	return session.Record{ID: id, Data: map[string]string{"k": "v"}, Created: now, LastSeen: now, Deadline: now.Add(time.Hour)}
}
