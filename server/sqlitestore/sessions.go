package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"cookielab/server/session"
)

// SessionOptions configures Sessions. Zero values pick the defaults;
// negative bounds are an error.
type SessionOptions struct {
	MaxRecords int              // default 100000
	MaxBytes   int64            // default 1 GiB, as the rows' cost counts them (rowOverhead and the columns' text)
	Now        func() time.Time // default time.Now; tests inject a clock
}

const (
	defaultMaxRecords = 100000
	defaultMaxBytes   = 1 << 30
	// rowOverhead is what a row counts besides its text columns: its key in
	// the table and the indexes, and SQLite's per-row bookkeeping.
	rowOverhead = 160
)

// Sessions is the session.Store in the database's django_session table.
//
// It keeps the contract as the memory store does, in SQL: Update and Touch
// change only a row that is there and unexpired (so a deleted session is
// never brought back), and a write that takes the table past a bound first
// forgets expired rows, then evicts the least recently seen anonymous
// session, and otherwise is rolled back with ErrFull. The totals the
// bounds are checked against are kept by triggers (migrations.go).
type Sessions struct {
	db       *DB
	max      int64
	maxBytes int64
	now      func() time.Time
}

var (
	_ session.Store         = (*Sessions)(nil)
	_ session.StatsReporter = (*Sessions)(nil)
	_ session.Inspector     = (*Sessions)(nil)
)

// Sessions returns the session store in db.
func (db *DB) Sessions(opts SessionOptions) (*Sessions, error) {
	if opts.MaxRecords < 0 || opts.MaxBytes < 0 {
		return nil, errors.New("sqlitestore: negative SessionOptions bound")
	}
	if opts.MaxRecords == 0 {
		opts.MaxRecords = defaultMaxRecords
	}
	if opts.MaxBytes == 0 {
		opts.MaxBytes = defaultMaxBytes
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Sessions{db: db, max: int64(opts.MaxRecords), maxBytes: opts.MaxBytes, now: opts.Now}, nil
}

// row is a record as the table holds it.
type row struct {
	key, data, expire string
	user              sql.NullString
	created, lastSeen string
	events            string
	cost              int64
}

func toRow(rec session.Record) (row, error) {
	data, events, err := session.TextForm(rec)
	if err != nil {
		return row{}, err
	}
	r := row{
		key:      rec.ID,
		data:     data,
		expire:   formatTime(rec.Deadline),
		user:     sql.NullString{String: rec.UserID, Valid: rec.UserID != ""},
		created:  formatTime(rec.Created),
		lastSeen: formatTime(rec.LastSeen),
		events:   events,
	}
	r.cost = rowOverhead + int64(len(r.data)+len(r.events)+len(rec.UserID))
	return r, nil
}

// columns is the SELECT list scan reads.
const columns = `session_key, session_data, expire_date, user_id, created, last_seen, events`

// scan reads one row of columns.
func scan(sc scanner) (session.Record, error) {
	var r row
	if err := sc.Scan(&r.key, &r.data, &r.expire, &r.user, &r.created, &r.lastSeen, &r.events); err != nil {
		return session.Record{}, err
	}
	rec := session.Record{ID: r.key, UserID: r.user.String}
	var err error
	if rec.Deadline, err = parseTime(r.expire); err != nil {
		return rec, corrupt(r.key, err)
	}
	if rec.Created, err = parseTime(r.created); err != nil {
		return rec, corrupt(r.key, err)
	}
	if rec.LastSeen, err = parseTime(r.lastSeen); err != nil {
		return rec, corrupt(r.key, err)
	}
	if err := session.FromTextForm(r.data, r.events, &rec); err != nil {
		return rec, corrupt(r.key, err)
	}
	return rec, nil
}

func corrupt(key string, err error) error {
	return fmt.Errorf("sqlitestore: corrupt row in django_session (%.8s…): %w", key, err)
}

// Get implements session.Store.
func (s *Sessions) Get(ctx context.Context, id string) (session.Record, error) {
	if !session.ValidID(id) {
		return session.Record{}, session.ErrNotFound
	}
	rec, err := scan(s.db.queryRow(ctx, nil, `SELECT `+columns+` FROM django_session WHERE session_key = ?`, id))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return session.Record{}, session.ErrNotFound
	case err != nil:
		return session.Record{}, unavailable(err)
	case !s.now().Before(rec.Deadline):
		return session.Record{ID: id, Created: rec.Created, LastSeen: rec.LastSeen, Deadline: rec.Deadline}, session.ErrExpired
	}
	return rec, nil
}

// Create implements session.Store.
func (s *Sessions) Create(ctx context.Context, rec session.Record) error {
	if !session.ValidID(rec.ID) {
		return errors.New("sqlitestore: Create of a malformed id")
	}
	r, err := toRow(rec)
	if err != nil {
		return err
	}
	if r.cost > s.maxBytes {
		return session.ErrFull // would not fit in an empty store: evict no one for it
	}
	return unavailable(s.db.write(ctx, func(tx *sql.Tx) error {
		res, err := s.db.execIn(ctx, tx, `INSERT INTO django_session (session_key, session_data, expire_date, user_id, created, last_seen, events, cost)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_key) DO NOTHING`,
			r.key, r.data, r.expire, r.user, r.created, r.lastSeen, r.events, r.cost)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return session.ErrExists // before making room: a taken id costs no one their session
		}
		return s.withinBounds(ctx, tx, r.key)
	}))
}

// Update implements session.Store. A row that grows may make room, as
// Create does, but never at its own expense.
func (s *Sessions) Update(ctx context.Context, rec session.Record) error {
	if !session.ValidID(rec.ID) {
		return session.ErrNotFound
	}
	r, err := toRow(rec)
	if err != nil {
		return err
	}
	now := formatTime(s.now())
	return unavailable(s.db.write(ctx, func(tx *sql.Tx) error {
		var old int64
		err := s.db.queryRow(ctx, tx, `SELECT cost FROM django_session WHERE session_key = ? AND expire_date > ?`, r.key, now).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			return session.ErrNotFound // deleted (a logout) or expired: never re-created
		}
		if err != nil {
			return err
		}
		if _, err := s.db.execIn(ctx, tx, `UPDATE django_session SET session_data = ?, expire_date = ?, user_id = ?, created = ?, last_seen = ?, events = ?, cost = ?
			WHERE session_key = ?`, r.data, r.expire, r.user, r.created, r.lastSeen, r.events, r.cost, r.key); err != nil {
			return err
		}
		if r.cost <= old {
			return nil
		}
		return s.withinBounds(ctx, tx, r.key)
	}))
}

// Touch implements session.Store: one statement, so it cannot land
// between a logout's delete and anything else.
func (s *Sessions) Touch(ctx context.Context, id string, lastSeen, deadline time.Time) error {
	if !session.ValidID(id) {
		return session.ErrNotFound
	}
	n, err := s.db.exec(ctx, `UPDATE django_session SET last_seen = ?, expire_date = ? WHERE session_key = ? AND expire_date > ?`,
		formatTime(lastSeen), formatTime(deadline), id, formatTime(s.now()))
	if err != nil {
		return unavailable(err)
	}
	if n == 0 {
		return session.ErrNotFound
	}
	return nil
}

// Delete implements session.Store.
func (s *Sessions) Delete(ctx context.Context, id string) error {
	_, err := s.db.exec(ctx, `DELETE FROM django_session WHERE session_key = ?`, id)
	return unavailable(err)
}

// ByUser implements session.Store.
func (s *Sessions) ByUser(ctx context.Context, userID string) ([]session.Record, error) {
	if userID == "" {
		return nil, errors.New("sqlitestore: ByUser of the anonymous user id")
	}
	rows, err := s.db.query(ctx, `SELECT `+columns+` FROM django_session
		WHERE user_id = ? AND expire_date > ? ORDER BY created, rowid`, userID, formatTime(s.now()))
	if err != nil {
		return nil, unavailable(err)
	}
	defer rows.Close()
	var out []session.Record
	for rows.Next() {
		rec, err := scan(rows)
		if err != nil {
			return nil, unavailable(err)
		}
		out = append(out, rec)
	}
	return out, unavailable(rows.Err())
}

// sweepBatch bounds one sweep statement, so a sweep of many expired rows
// holds the write lock in short turns and requests keep flowing.
const sweepBatch = 500

// Sweep implements session.Store.
func (s *Sessions) Sweep(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := s.db.exec(ctx, `DELETE FROM django_session WHERE rowid IN
			(SELECT rowid FROM django_session WHERE expire_date <= ? LIMIT ?)`, formatTime(s.now()), sweepBatch)
		total += int(n)
		if err != nil {
			return total, unavailable(err)
		}
		if n < sweepBatch {
			return total, nil
		}
	}
}

// withinBounds makes room for the row just written (except, never evicted)
// or fails with ErrFull, which rolls the write back.
func (s *Sessions) withinBounds(ctx context.Context, tx *sql.Tx, except string) error {
	now := formatTime(s.now())
	for {
		var n, size int64
		if err := s.db.queryRow(ctx, tx, `SELECT sessions, bytes FROM session_totals WHERE id = 1`).Scan(&n, &size); err != nil {
			return err
		}
		if n <= s.max && size <= s.maxBytes {
			return nil
		}
		res, err := s.db.execIn(ctx, tx, `DELETE FROM django_session WHERE rowid =
			(SELECT rowid FROM django_session WHERE expire_date <= ? AND session_key <> ? ORDER BY expire_date LIMIT 1)`, now, except)
		if err != nil {
			return err
		}
		if gone, _ := res.RowsAffected(); gone == 1 {
			continue
		}
		res, err = s.db.execIn(ctx, tx, `DELETE FROM django_session WHERE rowid =
			(SELECT rowid FROM django_session WHERE user_id IS NULL AND session_key <> ? ORDER BY last_seen, rowid LIMIT 1)`, except)
		if err != nil {
			return err
		}
		if gone, _ := res.RowsAffected(); gone == 0 {
			return session.ErrFull // only logins (and this row) left: refuse, never evict a login
		}
		if _, err := s.db.execIn(ctx, tx, `UPDATE session_totals SET evicted = evicted + 1 WHERE id = 1`); err != nil {
			return err
		}
	}
}

// Stats implements session.StatsReporter, from the running totals.
func (s *Sessions) Stats(ctx context.Context) (session.Stats, error) {
	var st session.Stats
	var evicted int64
	err := s.db.queryRow(ctx, nil, `SELECT sessions, bytes, evicted FROM session_totals WHERE id = 1`).Scan(&st.Sessions, &st.Bytes, &evicted)
	st.Evicted = uint64(evicted)
	return st, unavailable(err)
}

// Inspect implements session.Inspector: the row, every column as SQLite
// holds it, and the query that shows it in the sqlite3 shell.
func (s *Sessions) Inspect(ctx context.Context, id string) (session.StoredForm, error) {
	if !session.ValidID(id) {
		return session.StoredForm{}, session.ErrNotFound
	}
	var r row
	err := s.db.queryRow(ctx, nil, `SELECT `+columns+`, cost FROM django_session WHERE session_key = ?`, id).
		Scan(&r.key, &r.data, &r.expire, &r.user, &r.created, &r.lastSeen, &r.events, &r.cost)
	if errors.Is(err, sql.ErrNoRows) {
		return session.StoredForm{}, session.ErrNotFound
	}
	if err != nil {
		return session.StoredForm{}, unavailable(err)
	}
	user := "NULL"
	if r.user.Valid {
		user = r.user.String
	}
	return session.StoredForm{
		Backend: s.Backend(),
		Where:   "table django_session in " + s.db.path,
		At:      s.db.path,
		Command: fmt.Sprintf("sqlite3 %q \"SELECT * FROM django_session WHERE session_key = '%s'\"", s.db.path, id),
		Fields: []session.StoredField{
			{Name: "session_key", Value: r.key},
			{Name: "session_data", Value: r.data},
			{Name: "expire_date", Value: r.expire},
			{Name: "user_id", Value: user},
			{Name: "created", Value: r.created},
			{Name: "last_seen", Value: r.lastSeen},
			{Name: "events", Value: r.events},
			{Name: "cost", Value: strconv.FormatInt(r.cost, 10)},
		},
	}, nil
}

// Backend names this kind of store: "sqlite".
func (s *Sessions) Backend() string { return "sqlite" }
