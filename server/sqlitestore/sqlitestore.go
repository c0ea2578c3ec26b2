// Package sqlitestore keeps Cookie Lab's sessions and users in one SQLite
// file (modernc.org/sqlite: no C compiler needed), for -store sqlite:PATH.
//
// The sessions are rows of a table shaped like Django's django_session
// (session_key, session_data, expire_date) plus what the session.Store
// contract needs: the user, the creation and last-seen times and the
// life-cycle events. The users are rows of auth_user. So a restart keeps
// sign-ups and, with fixed -session-keys, sessions; and a lesson can show
// the learner's own row before and after a logout (Sessions.Inspect).
//
// The file is opened in WAL mode with a busy timeout, so readers never wait
// for the writer, and writes from this process take turns on a mutex
// before they take SQLite's lock: concurrent requests queue instead of
// failing with SQLITE_BUSY. Another process sharing the file (a second
// instance's users) waits for the busy timeout.
package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite" // the "sqlite" database/sql driver

	"cookielab/server/session"
)

// DB is one open Cookie Lab database file.
type DB struct {
	sql  *sql.DB
	path string
	// writeMu lets one of this process's writes at a time ask SQLite for
	// its write lock; the others wait here, without SQLite's polling.
	writeMu sync.Mutex
	stmts   sync.Map // query → *sql.Stmt (see prepared)
}

// busyTimeout is how long a write waits for another process's lock.
const busyTimeout = 5 * time.Second

// Open opens the database at path, creating it if need be, and brings its
// schema up to date (migrations.go). A file the process cannot write, or
// one that is not a Cookie Lab database, is an error that says so.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqlitestore: empty database path")
	}
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("sqlitestore: database path %q: '?' and '#' are not allowed in it", path)
	}
	// SQLite's own message for this is "unable to open database file":
	// the system's says which of permission, directory or type is wrong.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: cannot write the database file: %w (the process must be able to read and write it and create files beside it)", err)
	}
	f.Close()
	q := url.Values{}
	q.Set("_busy_timeout", fmt.Sprint(busyTimeout.Milliseconds()))
	q.Set("_journal_mode", "WAL")
	// FULL: a commit (a logout's delete above all) survives a power cut too.
	q.Set("_synchronous", "FULL")
	q.Set("_txlock", "immediate") // a transaction takes the write lock at BEGIN: no upgrade deadlock
	sdb, err := sql.Open("sqlite", path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: %w", err)
	}
	sdb.SetMaxOpenConns(8)
	sdb.SetMaxIdleConns(8)
	sdb.SetConnMaxIdleTime(0)
	db := &DB{sql: sdb, path: path}
	if err := db.migrate(ctx); err != nil {
		sdb.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error { return db.sql.Close() }

// Path is the database file's path, as given to Open.
func (db *DB) Path() string { return db.path }

// write runs fn in one transaction that holds SQLite's write lock from its
// start, after this process's earlier writes are done. An error from fn
// rolls everything back and is returned as it is (see unavailable).
func (db *DB) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// exec runs one write statement in turn with the others, and returns how
// many rows it changed. It too runs in a transaction that takes the write
// lock at BEGIN (write): a statement on its own reads first and asks for
// the lock after, and in WAL mode, when another process wrote in between,
// SQLite answers SQLITE_BUSY at once (a stale snapshot), without waiting
// out the busy timeout.
func (db *DB) exec(ctx context.Context, query string, args ...any) (int64, error) {
	var n int64
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := db.execIn(ctx, tx, query, args...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// prepared returns query prepared, once per DB (database/sql prepares it
// again on each connection that runs it): the driver would otherwise parse
// the SQL at every call, which is most of what a one-row query costs.
// With tx it is the transaction's copy.
func (db *DB) prepared(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	st, ok := db.stmts.Load(query)
	if !ok {
		prep, err := db.sql.PrepareContext(ctx, query)
		if err != nil {
			return nil, err
		}
		var loaded bool
		if st, loaded = db.stmts.LoadOrStore(query, prep); loaded {
			prep.Close()
		}
	}
	if tx != nil {
		return tx.StmtContext(ctx, st.(*sql.Stmt)), nil
	}
	return st.(*sql.Stmt), nil
}

// execIn, queryRow and query run a prepared statement, in tx when it is
// not nil.
func (db *DB) execIn(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	st, err := db.prepared(ctx, tx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (db *DB) queryRow(ctx context.Context, tx *sql.Tx, query string, args ...any) scanner {
	st, err := db.prepared(ctx, tx, query)
	if err != nil {
		return errRow{err}
	}
	return st.QueryRowContext(ctx, args...)
}

func (db *DB) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := db.prepared(ctx, nil, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

type scanner interface{ Scan(dest ...any) error }

// errRow is a row that could not be asked for.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// unavailable marks a failure of the database itself (the driver's or
// database/sql's errors) as the store being unavailable: a 503 with
// Retry-After, keeping SQLite's words. The contract's own errors
// (ErrNotFound, ErrExists, ErrFull, the auth package's) pass as they are.
func unavailable(err error) error {
	var sqliteErr *sqlite.Error
	if errors.As(err, &sqliteErr) || errors.Is(err, sql.ErrConnDone) || errors.Is(err, sql.ErrTxDone) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: sqlite: %w", session.ErrUnavailable, err)
	}
	return err
}

// timeLayout is how times are written: UTC, to the microsecond, the way
// Django writes a DateTimeField to SQLite. The fixed width makes text order
// time order, so expiry is a plain comparison in SQL.
const timeLayout = "2006-01-02 15:04:05.000000"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) { return time.ParseInLocation(timeLayout, s, time.UTC) }

// SQL is the database handle, for tests and tools that read the tables.
func (db *DB) SQL() *sql.DB { return db.sql }
